"""Help on a kind of crossing: one page per category, in the reader's language, linked from
wherever a crossing is named."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from journal.models import Category
from journal.slips import explain

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "nl", "de", "fr"]


def help_url(category: str) -> str:
    return reverse("journal:crossing_help", args=[category])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("category", Category.values)
def test_every_category_has_a_page_in_every_language(client, demo, category, language):
    demo.ana.language = language
    demo.ana.save(update_fields=["language"])
    client.force_login(demo.ana)
    response = client.get(help_url(category))
    assert response.status_code == 200
    page = response.content.decode()
    explanation = explain(category, language)
    for text in (explanation.title, explanation.principle, explanation.question):
        assert escape(text) in page
    if explanation.more:
        assert escape(explanation.more) in page
    with translation.override(language):
        label = str(Category(category).label)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()
    assert title.startswith(escape(label)) and title.endswith(" · Limen")


def test_a_supervisor_may_read_it_too(client, demo):
    client.force_login(demo.supervisor)
    assert client.get(help_url("rescuing")).status_code == 200


def test_an_unknown_category_is_404(client, demo):
    client.force_login(demo.ana)
    assert client.get(help_url("borrowing_a_bike")).status_code == 404


def test_signed_out_goes_to_sign_in(client):
    response = client.get(help_url("rescuing"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_only_answers_get(client, demo):
    client.force_login(demo.ana)
    assert client.post(help_url("rescuing")).status_code == 405


def test_the_entry_page_links_each_crossing_to_its_help(client, demo, confirmed_flag):
    client.force_login(demo.ana)
    page = client.get(reverse("journal:entry", args=[confirmed_flag.entry.uuid])).content.decode()
    assert f'href="{help_url("giving_money")}"' in page


def test_the_journal_list_links_each_flag_to_its_help(client, demo, confirmed_flag):
    client.force_login(demo.ana)
    page = client.get(reverse("journal:entries")).content.decode()
    assert f'href="{help_url("giving_money")}"' in page


def test_the_review_queue_links_each_crossing_to_its_help(client, demo, confirmed_flag):
    client.force_login(demo.supervisor)
    opened = reverse("journal:review_item", args=[confirmed_flag.uuid])
    page = client.get(opened, headers={"HX-Request": "true"}).content.decode()
    assert f'href="{help_url("giving_money")}"' in page
