"""The supervision rule, and how every kind of reminder reads."""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone, translation

from journal.reminders import supervision_reminders_schedule
from reminders.models import Reminder
from reminders.texts import reminder_text
from tests.factories import SupervisionLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def link():
    return SupervisionLinkFactory(cadence_weeks=4)


def meet(link, held_on):
    return apps.get_model("journal", "SupervisionMeeting").objects.create(
        organisation=link.organisation,
        supervisor=link.supervisor,
        supervisee=link.supervisee,
        held_on=held_on,
    )


def test_nothing_before_the_notice_period(link):
    created = timezone.localdate(link.created_at)
    assert supervision_reminders_schedule(today=created + timedelta(days=20)) == 0
    assert not Reminder.objects.exists()


def test_both_people_are_reminded_three_days_before(link):
    meet(link, date(2026, 3, 2))
    assert supervision_reminders_schedule(today=date(2026, 3, 27)) == 2
    rows = Reminder.objects.order_by("recipient_id")
    assert {r.recipient_id for r in rows} == {link.supervisor_id, link.supervisee_id}
    assert {r.kind for r in rows} == {"supervision_due"}
    assert rows[0].data["date"] == "2026-03-30"
    # Idempotent: running again (every hour) makes no second row.
    supervision_reminders_schedule(today=date(2026, 3, 28))
    assert Reminder.objects.count() == 2


def test_overdue_when_the_date_passed_without_a_meeting(link):
    meet(link, date(2026, 3, 2))
    supervision_reminders_schedule(today=date(2026, 3, 27))
    supervision_reminders_schedule(today=date(2026, 3, 31))
    kinds = sorted(Reminder.objects.values_list("kind", "status"))
    assert kinds == [
        ("supervision_due", "cancelled"),
        ("supervision_due", "cancelled"),
        ("supervision_overdue", "pending"),
        ("supervision_overdue", "pending"),
    ]


def test_a_new_meeting_moves_the_due_date(link):
    meet(link, date(2026, 3, 2))
    supervision_reminders_schedule(today=date(2026, 3, 31))
    meet(link, date(2026, 3, 31))
    supervision_reminders_schedule(today=date(2026, 4, 1))
    assert not Reminder.objects.filter(status="pending").exists()
    supervision_reminders_schedule(today=date(2026, 4, 25))
    assert set(Reminder.objects.filter(status="pending").values_list("data__date", flat=True)) == {
        "2026-04-28"
    }


def test_without_meetings_the_pair_is_due_a_cadence_after_it_was_made(link):
    created = timezone.localdate(link.created_at, link.supervisee.tzinfo)
    supervision_reminders_schedule(today=created + timedelta(weeks=4, days=-1))
    assert Reminder.objects.filter(kind="supervision_due").count() == 2


def make(kind, data):
    return Reminder(kind=kind, data=data)


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        (
            "flag_followup",
            {"category": "giving_money", "client": "C-7", "session": "2026-03-02"},
            "Follow up with client C-7 after the session of 2 March 2026",
        ),
        (
            "flag_unreviewed",
            {"category": "rescuing", "practitioner": "Ana"},
            "A flag (Rescuing) raised by Ana is waiting for your review",
        ),
        (
            "flag_reviewed",
            {
                "category": "rescuing",
                "outcome": "watch",
                "supervisor": "Sara",
                "session": "2026-03-02",
            },
            "Sara reviewed the crossing (Rescuing) in your session of 2 March 2026: "
            "Crossing to watch",
        ),
        ("flag_reviewed", {"category": "rescuing"}, "Your supervisor reviewed a crossing"),
        ("referral_followup", {"client": "C-7"}, "Ask client C-7 how the referral went"),
        (
            "referral_followup",
            {"client": "C-7", "service": "Food parcels"},
            "Ask client C-7 how the referral to Food parcels went",
        ),
        (
            "supervision_due",
            {"person": "Sam", "date": "2026-03-30", "flags": 1},
            "Supervision with Sam is due on 30 March 2026; 1 flag was confirmed since your "
            "last meeting",
        ),
        (
            "supervision_overdue",
            {"person": "Sam", "date": "2026-03-30"},
            "Supervision with Sam was due on 30 March 2026 and no meeting has been recorded",
        ),
        (
            "directory_stale",
            {"count": 3},
            "3 directory entries have not been verified for a long time",
        ),
        (
            "inventory_retake",
            {"completed": "2026-01-05"},
            "You last took the self-inventory on 5 January 2026: time to take it again and compare",
        ),
        ("flag_followup", {}, "Follow up after a boundary crossing"),
    ],
)
def test_every_kind_reads_well(kind, data, expected):
    with translation.override("en"):
        assert reminder_text(make(kind, data)) == expected


@pytest.mark.parametrize("language", ["nl", "de", "fr"])
def test_every_kind_is_translated(language):
    samples = {
        "flag_followup": {"client": "C", "session": "2026-03-02"},
        "flag_unreviewed": {"category": "rescuing", "practitioner": "A"},
        "flag_reviewed": {
            "category": "rescuing",
            "outcome": "helpful",
            "supervisor": "S",
            "session": "2026-03-02",
        },
        "referral_followup": {"client": "C"},
        "supervision_due": {"person": "S", "date": "2026-03-30", "flags": 2},
        "supervision_overdue": {"person": "S", "date": "2026-03-30"},
        "directory_stale": {"count": 2},
        "inventory_retake": {"completed": "2026-01-05"},
    }
    for kind, data in samples.items():
        with translation.override("en"):
            english = reminder_text(make(kind, data))
        with translation.override(language):
            assert reminder_text(make(kind, data)) != english, kind
