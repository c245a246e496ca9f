"""Fixtures for the reminders tests: people, due reminders, and the app's own catalogues."""

import uuid
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from django.utils import timezone

from reminders.models import Reminder
from tests.factories import MembershipFactory

LOCALE = Path(__file__).resolve().parents[2] / "reminders" / "locale"


def _compile_catalogues() -> None:
    # .mo files are not committed; `make translations` builds only LOCALE_PATHS.
    for po_path in LOCALE.glob("*/LC_MESSAGES/django.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))


_compile_catalogues()


@pytest.fixture
def practitioner(org):
    return MembershipFactory(organisation=org, user__full_name="Pat Practitioner").user


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
