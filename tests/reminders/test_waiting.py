"""Reminders that fell due outside the person's working hours wait for them: the overview and
the inbox say how many wait and when they go out, so a quiet inbox is not a broken one."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reminders.models import Reminder
from reminders.selectors import waiting_for_hours_of
from tests.reminders.conftest import make_reminder

pytestmark = pytest.mark.django_db


def next_monday_at_eight(person) -> datetime:
    today = timezone.localdate(timezone.now(), person.tzinfo)
    monday = today + timedelta(days=(7 - today.weekday()) or 7)
    return datetime(monday.year, monday.month, monday.day, 8, 0, tzinfo=person.tzinfo)


def waiting_until(person, opening: datetime, **fields) -> Reminder:
    return make_reminder(person, minutes_ago=5, deliver_after=opening, **fields)


def test_reminders_due_outside_working_hours_are_counted_with_their_opening(practitioner):
    opening = next_monday_at_eight(practitioner)
    waiting_until(practitioner, opening)
    waiting_until(practitioner, opening + timedelta(days=1))
    # Not waiting for the hours: snoozed to a later moment, retrying an e-mail, delivered,
    # not yet due, someone else's.
    later = timezone.now() + timedelta(days=1)
    waiting_until(practitioner, opening, not_before=later)
    waiting_until(practitioner, opening, last_error="451 mailbox busy")
    waiting_until(practitioner, opening, status=Reminder.Status.SENT)
    make_reminder(practitioner, due_at=later, deliver_after=opening + timedelta(days=1))
    waiting = waiting_for_hours_of(practitioner)
    assert waiting.count == 2 and waiting.goes_out_at == opening


def test_the_overview_and_the_inbox_say_when_they_go_out(client, practitioner):
    opening = next_monday_at_eight(practitioner)
    waiting_until(practitioner, opening)
    waiting_until(practitioner, opening)
    said = (
        "2 reminders wait for your working hours; they go out on Monday "
        f"{opening.day} {opening:%B %Y} at 08:00."
    )
    client.force_login(practitioner)
    assert said in client.get(reverse("home")).content.decode()
    assert said in client.get(reverse("reminders:inbox")).content.decode()


def test_one_waiting_reminder_in_dutch(client, practitioner):
    practitioner.language = "nl"
    practitioner.save(update_fields=["language"])
    opening = next_monday_at_eight(practitioner)
    waiting_until(practitioner, opening)
    client.force_login(practitioner)
    body = client.get(reverse("reminders:inbox"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "1 herinnering wacht op je werktijden; ze gaat uit op maandag" in body


def test_nothing_is_said_when_nothing_waits(client, practitioner):
    make_reminder(practitioner)  # due and inside the hours: the dispatcher sends it now
    client.force_login(practitioner)
    assert "wait for your working hours" not in client.get(reverse("home")).content.decode()
    assert "waits for your working hours" not in client.get(reverse("home")).content.decode()
