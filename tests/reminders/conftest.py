"""Fixtures for the reminders tests: reminders that fell due."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from reminders.models import Reminder


def make_reminder(recipient, *, kind="flag_followup", minutes_ago=1, **fields) -> Reminder:
    """A reminder that fell due ``minutes_ago`` minutes ago (deliver_after set directly)."""
    now = timezone.now()
    defaults = {
        "organisation": recipient.membership.organisation,
        "recipient": recipient,
        "kind": kind,
        "about": f"journal.flag:{uuid.uuid4()}",
        "link": "/journal/entries/1/",
        "data": {"category": "giving_money", "client": "C-17", "session": "2026-03-02"},
        "idempotency_key": f"test:{uuid.uuid4()}",
        "due_at": now - timedelta(minutes=minutes_ago),
        "deliver_after": now - timedelta(minutes=minutes_ago),
    }
    defaults.update(fields)
    return Reminder.objects.create(**defaults)


@pytest.fixture
def due():
    return make_reminder
