"""The demo data of the self-inventory: plausible, deterministic, idempotent."""

import io

import pytest

from boundaries import demo as boundaries_demo
from boundaries import selectors
from boundaries.models import Answer, HotButtonTopic, Take
from reminders.models import Reminder

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Take.objects.order_by("uuid").values_list("uuid", "started_at", "completed_at")),
        list(Answer.objects.order_by("take__uuid", "item_id").values_list("item_id", "value")),
        list(HotButtonTopic.objects.order_by("uuid").values("uuid", "topic", "keywords")),
        list(Reminder.objects.order_by("pk").values("pk", "due_at", "status")),
    )


def test_each_demo_practitioner_gets_two_finished_takes_and_register_entries(seeded_demo):
    for person in [seeded_demo.ana, seeded_demo.ben, seeded_demo.chloe, seeded_demo.daan]:
        takes = list(selectors.completed_takes_of(person))
        assert len(takes) == 2
        assert all(t.answers.count() == 35 for t in takes)
        assert 2 <= selectors.hot_button_topics_of(person).count() <= 4
        assert Reminder.objects.filter(recipient=person, kind="inventory_retake").count() == 1
    assert not Take.objects.filter(user__in=[seeded_demo.supervisor, seeded_demo.admin]).exists()


def test_the_demo_takes_show_change(seeded_demo):
    before, after = reversed(list(selectors.completed_takes_of(seeded_demo.ana)))
    profiles = selectors.profiles_of([before, after])
    assert profiles[after.pk].overall > profiles[before.pk].overall


def test_register_entries_are_in_several_languages(seeded_demo):
    ana = selectors.hot_button_topics_of(seeded_demo.ana).get(topic="Religion and abortion")
    assert ana.keywords == ["abortion", "abortus", "Abtreibung", "avortement"]
    chloe = selectors.hot_button_topics_of(seeded_demo.chloe).get(topic="Divorce")
    for text in ["Elle veut divorcer.", "De scheiding is rond.", "Die Scheidungen laufen."]:
        assert [t for t, _ in selectors.topics_touched_by(seeded_demo.chloe, text)] == [chloe]


def test_seeding_twice_changes_nothing(seeded_demo):
    first = snapshot()
    boundaries_demo.seed(io.StringIO())
    assert snapshot() == first
