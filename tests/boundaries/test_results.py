"""Results: a profile per section, what needs attention, change since the previous take."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from boundaries.models import Item, Section, in_language
from tests.boundaries.conftest import completed_take
from tests.svg import svg_number_problems, svg_numbers

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_takes(practitioner, v1):
    before = completed_take(practitioner, days_ago=100, score=2)
    after = completed_take(
        practitioner, days_ago=5, score=4, overrides={"principles_accountable": 1}
    )
    return before, after


def results(client, user, take):
    client.force_login(user)
    return client.get(reverse("boundaries:results", args=[take.uuid]))


def test_a_first_take_shows_its_profile_without_comparison(client, practitioner, v1):
    take = completed_take(practitioner, score=3)
    response = results(client, practitioner, take)
    page = response.content.decode()
    assert response.status_code == 200
    assert "higher means healthier practice" in page
    assert response.context["previous"] is None
    assert 'role="img"' in page and "<title" in page
    assert "bar previous" not in page
    assert "Change per statement" not in page


def test_the_comparison_has_an_svg_chart_with_a_text_equivalent(client, practitioner, two_takes):
    before, after = two_takes
    page = results(client, practitioner, after).content.decode()
    assert page.count('class="bar previous"') == 5
    assert page.count('class="bar current"') == 5
    assert 'role="img"' in page
    assert '<title id="sections-chart-title">Score per section,' in page
    # The table says the same as the chart, with the change per section.
    assert (
        '<caption id="scores-caption">Score per section (1–5, higher is healthier)</caption>'
        in page
    )
    assert "▲ +2.0" in page
    assert "Change per statement" in page
    # No inline style attributes: the CSP allows only our stylesheet.
    assert ' style="' not in page


def test_items_that_most_need_attention_come_first(client, practitioner, two_takes):
    _before, after = two_takes
    response = results(client, practitioner, after)
    first = response.context["needs_attention"][0]
    assert first.item.code == "principles_accountable" and first.score == 1
    assert escape(first.item.statement["en"]) in response.content.decode()


def test_suggestions_come_from_the_weakest_sections(client, practitioner, v1):
    take = completed_take(
        practitioner, score=4, overrides={"empathy_take_time": 1, "empathy_first_visit": 1}
    )
    response = results(client, practitioner, take)
    empathy = Section.objects.get(version=v1, code="empathy")
    assert response.context["weakest"][0].section == empathy
    assert escape(empathy.suggestions["en"][0]) in response.content.decode()


@pytest.mark.parametrize("language", ["nl", "de", "fr"])
def test_catalogue_texts_are_shown_in_the_users_language(client, practitioner, v1, language):
    practitioner.language = language
    practitioner.save()
    take = completed_take(practitioner, score=3)
    page = results(client, practitioner, take).content.decode()
    values = Section.objects.get(version=v1, code="values")
    assert escape(values.title[language]) in page


def test_a_missing_translation_falls_back_to_english():
    texts = {"en": "Hello", "nl": "Hallo", "fr": ""}
    assert in_language(texts, "nl") == "Hallo"
    assert in_language(texts, "fr") == "Hello"
    assert in_language(texts, "de") == "Hello"
    assert in_language(texts, "pt-br") == "Hello"


def test_an_unfinished_take_sends_its_owner_back_to_the_inventory(client, practitioner, v1):
    from boundaries import services

    take = services.take_start(user=practitioner)
    response = results(client, practitioner, take)
    assert response.url == reverse("boundaries:take", args=[take.uuid])


@pytest.mark.parametrize("count", [2, 12])
def test_results_queries_do_not_grow_with_the_number_of_takes(
    client, practitioner, v1, django_assert_num_queries, count
):
    takes = [completed_take(practitioner, days_ago=200 - n, score=1 + n % 5) for n in range(count)]
    client.force_login(practitioner)
    url = reverse("boundaries:results", args=[takes[-1].uuid])
    client.get(url)  # warm the session and the catalogue's caches
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["section_changes"]) == 5


@pytest.mark.parametrize("count", [2, 12])
def test_home_queries_do_not_grow_with_the_number_of_takes(
    client, practitioner, v1, django_assert_num_queries, count
):
    for n in range(count):
        completed_take(practitioner, days_ago=200 - n, score=3)
    client.force_login(practitioner)
    url = reverse("boundaries:home")
    client.get(url)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["history"]) == count


def test_the_catalogue_has_no_item_without_a_section_of_its_version(v1):
    assert not Item.objects.exclude(section__version=v1).filter(version=v1).exists()


def test_the_attention_list_numbers_nothing_twice(client, practitioner, two_takes):
    _before, after = two_takes
    page = results(client, practitioner, after).content.decode()
    attention = page[page.index('id="attention-heading"') :]
    attention = attention[: attention.index("</section>")]
    # The score is each statement's only number: no numbered list in front of "(1)".
    assert '<ul class="attention">' in attention and "<ol" not in attention
    assert "score 1 of 5" in attention


@pytest.mark.parametrize("language", ["en", "de", "nl", "fr"])
def test_the_chart_writes_its_numbers_the_same_in_every_language(
    client, practitioner, two_takes, language
):
    practitioner.language = language
    practitioner.save()
    page = results(client, practitioner, two_takes[1]).content.decode()
    assert page.count('class="bar ') == 10
    assert svg_numbers(page) > 40
    assert svg_number_problems(page) == []
