"""The audit log in words: every action an app writes has a sentence in that app's audit.py."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.audit import describe, registered
from accounts.models import AuditEvent
from accounts.services import audit_log
from journal import services

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "boundaries", "directory", "journal", "referrals", "reminders"]
# An audit_log(...) call or an AuditEvent(...) row, up to the first line that closes it.
WRITES = re.compile(r"(?:audit_log|AuditEvent)\((.*?)\n\s*\)", re.S)
CODE = re.compile(r'"([a-z_]+\.[a-z_]+\.[a-z_]+)"')


def _written_actions() -> set[str]:
    actions = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for call in WRITES.findall(path.read_text()):
                actions.update(CODE.findall(call))
    return actions


def test_every_action_the_apps_write_reads_as_a_sentence():
    written = _written_actions()
    assert "journal.entry.read" in written and "referrals.import.applied" in written
    assert sorted(a for a in written if not registered(a)) == []


def test_a_read_is_told_in_the_readers_language(demo):
    with translation.override("de"):
        here = describe(action="journal.entry.read", actor=demo.lindenhof_supervisor, here=True)
    assert here == "Markus Weber hat diesen Eintrag gelesen"
    with translation.override("en"):
        assert (
            describe(action="journal.entry.read", actor=demo.lindenhof_supervisor)
            == "Markus Weber read a session entry"
        )


def test_what_no_person_did_is_told_as_limen_and_an_unknown_action_shows_its_code(demo):
    with translation.override("en"):
        assert describe(action="journal.flag.suggested", actor=None, here=True) == (
            "Limen suggested this crossing"
        )
        assert describe(action="accounts.thing.done", actor=demo.ana) == (
            "Ana Martins · accounts.thing.done"
        )


def test_a_value_an_older_event_lacks_reads_as_a_dash(demo):
    with translation.override("en"):
        assert describe(action="referrals.service.created", actor=demo.admin, data={}) == (
            "Hanna de Wit added the service —"
        )


@pytest.mark.django_db
def test_the_writer_sees_who_read_the_entry_as_a_sentence(client, demo):
    from tests.factories import EntryFactory, FlagFactory

    entry = EntryFactory(owner=demo.ana, notes="I gave him ten euros from my own wallet.")
    flag = FlagFactory(entry=entry, category="giving_money", quote="ten euros")
    services.flag_confirm(flag=flag, by=demo.ana)
    services.flag_review(flag=flag, by=demo.supervisor, outcome="watch", comment="", resolve=False)
    client.force_login(demo.supervisor)
    client.get(reverse("journal:entry", args=[entry.uuid]))

    client.force_login(demo.ana)
    body = client.get(reverse("journal:entry", args=[entry.uuid])).content.decode()
    assert "Sara Jansen read this entry" in body
    assert "Ana Martins brought this crossing to supervision" in body
    assert "Sara Jansen reviewed this crossing: Crossing to watch" in body
    assert "journal.entry.read" not in body


def test_the_organisation_log_is_sentences_not_codes(client, demo):
    audit_log(
        organisation=demo.harbour,
        actor=demo.admin,
        action="referrals.service.created",
        data={"name": "Debt help Harbour"},
    )
    client.force_login(demo.admin)
    body = client.get(reverse("organisation")).content.decode()
    assert "Hanna de Wit added the service Debt help Harbour" in body
    assert "referrals.service.created" not in body
    assert AuditEvent.objects.count() == 1
