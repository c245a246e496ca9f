"""Help on a section of the self-inventory: one page per section, in the reader's language,
linked from the steps, the results and a shared summary."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from boundaries.catalogue import load_catalogue
from boundaries.models import Section, Take
from tests.boundaries.conftest import completed_take

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "nl", "de", "fr"]
SECTIONS = [section["code"] for section in load_catalogue()["sections"]]


def help_url(code: str) -> str:
    return reverse("boundaries:section_help", args=[code])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", SECTIONS)
def test_every_section_has_a_page_in_every_language(client, practitioner, v1, code, language):
    practitioner.language = language
    practitioner.save(update_fields=["language"])
    client.force_login(practitioner)
    response = client.get(help_url(code))
    assert response.status_code == 200
    page = response.content.decode()
    section = Section.objects.get(version=v1, code=code)
    assert escape(section.intro[language]) in page
    assert escape(section.suggestions[language][0]) in page
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()
    assert title.startswith(escape(section.title[language])) and title.endswith(" · Limen")


def test_an_unknown_section_is_404(client, practitioner, v1):
    client.force_login(practitioner)
    assert client.get(help_url("astrology")).status_code == 404


def test_signed_out_goes_to_sign_in(client, v1):
    response = client.get(help_url("values"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_each_step_of_a_take_links_its_section_help(client, practitioner, v1):
    client.force_login(practitioner)
    client.post(reverse("boundaries:start"))
    take = Take.objects.get(user=practitioner)
    page = client.get(reverse("boundaries:step", args=[take.uuid, 1])).content.decode()
    assert f'href="{help_url(SECTIONS[0])}"' in page


def test_the_results_link_every_section_to_its_help(client, practitioner, v1):
    take = completed_take(practitioner, score=3)
    client.force_login(practitioner)
    page = client.get(reverse("boundaries:results", args=[take.uuid])).content.decode()
    for code in SECTIONS:
        assert f'href="{help_url(code)}"' in page
