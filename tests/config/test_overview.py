"""The overview page: each role sees what waits for them, with a fixed number of queries."""

import os

import pytest
from django.urls import reverse
from django.utils import translation

from config.overview import glances
from journal import services as journal_services
from journal.models import Flag
from journal.reminders import ESCALATE_AFTER

pytestmark = pytest.mark.django_db


def _entry(owner, notes):
    code = f"O-{owner.session_entries.count() + 1:03d}"
    client = journal_services.client_create(owner=owner, code=code)
    entry = journal_services.entry_create(owner=owner, client=client)
    data = {
        "occurred_at": entry.occurred_at,
        "duration_minutes": 50,
        "setting": "office",
        "notes": notes,
        "felt": "",
        "went_well": "",
        "differently": "",
        "next_steps": "",
        "self_check": {},
    }
    return journal_services.entry_save(entry=entry, data=data, base_version=entry.version, by=owner)


def _texts(user, membership):
    with translation.override("en"):
        return {g.key: [line.text for line in g.lines] for g in glances(user, membership)}


def test_practitioner_sees_sessions_and_crossings_waiting_for_a_decision(demo):
    _entry(demo.ana, "I gave him ten euros from my own pocket for the bus home.")
    texts = _texts(demo.ana, demo.ana.membership)
    assert list(texts) == ["journal", "inventory", "referrals", "reminders"]
    assert texts["journal"] == [
        "1 session logged this month",
        "1 possible crossing waits for your decision",
    ]
    assert texts["reminders"] == ["No unread reminders."]


def test_supervisor_sees_the_confirmed_crossings_of_their_supervisees_only(demo):
    entry = _entry(demo.ana, "I gave him ten euros from my own pocket for the bus home.")
    flag = entry.flags.get(category="giving_money")
    journal_services.flag_confirm(flag=flag, by=demo.ana)
    assert Flag.objects.get(pk=flag.pk).status == Flag.Status.CONFIRMED
    assert _texts(demo.supervisor, demo.supervisor.membership)["review"] == [
        "1 confirmed crossing to review"
    ]
    # Ben's supervisor is someone else: nothing of Ana's reaches them.
    assert _texts(demo.supervisor2, demo.supervisor2.membership)["review"] == [
        "0 confirmed crossings to review"
    ]


def test_supervisor_sees_what_waited_longer_than_the_escalation(demo):
    entry = _entry(demo.ana, "I gave him ten euros from my own pocket for the bus home.")
    flag = entry.flags.get(category="giving_money")
    journal_services.flag_confirm(flag=flag, by=demo.ana)
    assert _texts(demo.supervisor, demo.supervisor.membership)["review"] == [
        "1 confirmed crossing to review"
    ]
    Flag.objects.filter(pk=flag.pk).update(confirmed_at=flag.confirmed_at - ESCALATE_AFTER)
    assert _texts(demo.supervisor, demo.supervisor.membership)["review"] == [
        "1 confirmed crossing to review",
        f"1 has waited more than {ESCALATE_AFTER.days} days",
    ]


def test_admin_sees_the_directory_and_what_is_stale(demo):
    from directory import demo as directory_demo

    directory_demo.seed(open(os.devnull, "w"))  # noqa: SIM115
    lines = _texts(demo.admin, demo.admin.membership)["directory"]
    assert lines[0].endswith("services in your directory")
    assert any("not verified for 180 days" in line for line in lines)
    assert "journal" not in _texts(demo.admin, demo.admin.membership)


def test_overview_page_renders_each_role_with_a_fixed_number_of_queries(
    demo, client, django_assert_num_queries
):
    for _ in range(3):
        _entry(demo.ana, "I gave him ten euros from my own pocket for the bus home.")
    for person, queries in ((demo.ana, 13), (demo.supervisor, 9), (demo.admin, 12)):
        client.force_login(person)
        with django_assert_num_queries(queries):
            response = client.get(reverse("home"))
        assert response.status_code == 200
    client.force_login(demo.ana)
    page = client.get(reverse("home")).content.decode()
    assert "3 possible crossings wait for your decision" in page
    assert reverse("journal:entry_new") in page
