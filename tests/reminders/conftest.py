"""Fixtures for the reminders tests: reminders that fell due."""

import uuid
from datetime import timedelta
from smtplib import SMTPDataError
from unittest import mock

import pytest
from django.test import TestCase
from django.utils import timezone

from reminders import delivery
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


def refuse_email_to(recipient) -> Reminder:
    """A due reminder whose e-mail the server refuses once: it is waiting to be tried again."""
    reminder = make_reminder(recipient)
    calls = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        delivery.reminders_dispatch(enqueue=lambda r, t: calls.append((r, t)))
    refusal = SMTPDataError(451, b"4.3.0 mailbox busy")
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=refusal):
        for recipient_id, token in calls:
            delivery.digest_deliver(recipient_id=recipient_id, claim_token=token)
    reminder.refresh_from_db()
    return reminder


@pytest.fixture
def due():
    return make_reminder
