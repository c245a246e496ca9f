"""Normalised scores (higher is healthier), section profiles, and change between takes."""

import pytest

from boundaries import scoring, selectors
from boundaries.models import Answer, Item, Take
from tests.boundaries.conftest import completed_take

pytestmark = pytest.mark.django_db


def test_a_plain_item_scores_its_answer(v1):
    item = Item.objects.get(version=v1, code="values_know_hot_buttons")
    assert not item.reverse
    assert [item.score(v) for v in range(1, 6)] == [1, 2, 3, 4, 5]


def test_a_reverse_item_is_flipped_so_agreeing_scores_low(v1):
    item = Item.objects.get(version=v1, code="assumptions_too_busy")
    assert item.reverse
    assert [item.score(v) for v in range(1, 6)] == [5, 4, 3, 2, 1]


def test_every_reverse_item_is_an_assumption_or_an_inner_bar(v1):
    reverse = set(
        Item.objects.filter(version=v1, reverse=True).values_list("section__code", flat=True)
    )
    assert reverse == {"assumptions", "inner_bars"}


def test_section_score_is_the_mean_of_normalised_item_scores(practitioner, v1):
    take = completed_take(
        practitioner,
        score=3,
        overrides={"assumptions_too_busy": 1, "assumptions_other_priorities": 5},
    )
    # The stored answer of a reverse item is the opposite of its score.
    assert take.answers.get(item__code="assumptions_too_busy").value == 5
    profile = selectors.profiles_of([take])[take.pk]
    by_code = {s.code: s.score for s in profile.sections}
    assert by_code["assumptions"] == pytest.approx((1 + 5 + 3 * 8) / 10)
    assert by_code["values"] == 3
    assert profile.overall == pytest.approx(3.0)


def test_needs_attention_lists_the_lowest_scores_first(practitioner, v1):
    take = completed_take(
        practitioner,
        score=4,
        overrides={"principles_accountable": 1, "inner_bars_perfect_role": 2},
    )
    profile = selectors.profiles_of([take])[take.pk]
    lowest = [row.item.code for row in profile.needs_attention(3)]
    assert lowest[:2] == ["principles_accountable", "inner_bars_perfect_role"]


def test_weakest_sections_are_those_with_the_lowest_mean(practitioner, v1):
    take = completed_take(
        practitioner,
        score=4,
        overrides={"empathy_first_visit": 1, "empathy_take_time": 1, "values_list_biases": 2},
    )
    profile = selectors.profiles_of([take])[take.pk]
    assert [s.code for s in profile.weakest_sections()] == ["empathy", "values"]


def test_change_per_section_and_per_item(practitioner, v1):
    before = completed_take(practitioner, days_ago=100, score=2)
    after = completed_take(practitioner, days_ago=1, score=2, overrides={"empathy_take_time": 5})
    profiles = selectors.profiles_of([before, after])
    sections = {c.code: c for c in scoring.section_changes(profiles[before.pk], profiles[after.pk])}
    assert sections["empathy"].delta == pytest.approx(3 / 6)
    assert sections["empathy"].direction == "up"
    assert sections["values"].direction == "same"
    items = scoring.item_changes(profiles[before.pk], profiles[after.pk])
    assert (items[0].code, items[0].previous, items[0].current) == ("empathy_take_time", 2, 5)
    assert len(items) == 35


def test_an_unanswered_section_has_no_score_and_no_bar(practitioner, v1):
    take = Take.objects.create(user=practitioner, version=v1)
    item = Item.objects.get(version=v1, code="values_list_biases")
    Answer.objects.create(take=take, item=item, value=4)
    profile = selectors.profiles_of([take])[take.pk]
    assert [s.score for s in profile.sections] == [4, None, None, None, None]
    assert len(scoring.section_chart(profile).rows) == 1


def test_chart_pairs_previous_and_current_bars_on_the_one_to_five_axis(practitioner, v1):
    before = completed_take(practitioner, days_ago=100, score=1)
    after = completed_take(practitioner, days_ago=1, score=5)
    profiles = selectors.profiles_of([before, after])
    chart = scoring.section_chart(profiles[after.pk], profiles[before.pk])
    assert len(chart.rows) == 5
    previous, current = chart.rows[0].bars
    assert (previous.kind, current.kind) == ("previous", "current")
    assert previous.width == 2.0  # the lowest score still shows a stub
    assert current.width == scoring.CHART_PLOT_WIDTH
    assert current.y > previous.y
    assert chart.height > chart.rows[-1].bars[-1].y


def test_nothing_needs_attention_when_every_score_is_the_highest(practitioner, v1):
    take = completed_take(practitioner, score=5, overrides={"empathy_take_time": 4})
    profile = selectors.profiles_of([take])[take.pk]
    assert [row.item.code for row in profile.needs_attention()] == ["empathy_take_time"]
