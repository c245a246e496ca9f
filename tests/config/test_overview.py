"""The overview page: each role sees what waits for them, with a fixed number of queries."""

import os

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Membership
from config.overview import glances
from journal import services as journal_services
from journal.models import Flag
from journal.reminders import ESCALATE_AFTER
from tests.factories import EntryFactory, FlagFactory, MembershipFactory, SupervisionLinkFactory

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


def test_drafts_are_not_counted_as_sessions_logged(demo):
    from tests.factories import EntryFactory

    _entry(demo.ana, "We went through the budget plan together.")
    for _ in range(3):
        EntryFactory(owner=demo.ana, draft=True)
    assert _texts(demo.ana, demo.ana.membership)["journal"] == ["1 session logged this month"]


def test_only_sessions_of_this_month_count_not_earlier_nor_later_ones(demo):
    """An entry dated next month (saved before future dates were refused) is not "this month"."""
    from datetime import timedelta

    from django.utils import timezone

    _entry(demo.ana, "We went through the budget plan together.")
    now = timezone.now()
    EntryFactory(owner=demo.ana, occurred_at=now + timedelta(days=40))
    EntryFactory(owner=demo.ana, occurred_at=now - timedelta(days=40))
    assert _texts(demo.ana, demo.ana.membership)["journal"] == ["1 session logged this month"]


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


def test_admin_sees_reminders_being_retried_with_the_last_error(demo):
    from reminders.models import Reminder
    from tests.reminders.conftest import refuse_email_to

    refuse_email_to(demo.ana)
    refuse_email_to(demo.ben)
    assert _texts(demo.admin, demo.admin.membership)["reminders"] == [
        "No unread reminders.",
        "2 reminders retrying, last error: SMTPDataError: (451, b'4.3.0 mailbox busy')",
    ]
    card = next(g for g in glances(demo.admin, demo.admin.membership) if g.key == "reminders")
    assert card.lines[1].url == reverse("reminders:failed")
    assert card.lines[1].attention
    # Failed for good: counted apart, no longer retrying.
    Reminder.objects.filter(recipient=demo.ben).update(status=Reminder.Status.FAILED)
    assert _texts(demo.admin, demo.admin.membership)["reminders"][1:] == [
        "1 reminder could not be delivered",
        "1 reminder retrying, last error: SMTPDataError: (451, b'4.3.0 mailbox busy')",
    ]
    with translation.override("nl"):
        card = next(g for g in glances(demo.admin, demo.admin.membership) if g.key == "reminders")
    assert card.lines[2].text.startswith("1 herinnering wordt opnieuw geprobeerd, laatste fout:")
    # Another agency's admin, and the people whose e-mails fail, see none of it.
    assert _texts(demo.lindenhof_admin, demo.lindenhof_admin.membership)["reminders"] == [
        "No unread reminders."
    ]
    assert len(_texts(demo.ana, demo.ana.membership)["reminders"]) == 1


def test_a_long_error_is_cut_short_on_the_card(demo):
    from reminders.models import Reminder
    from tests.reminders.conftest import make_reminder

    reminder = make_reminder(demo.ana)
    Reminder.objects.filter(pk=reminder.pk).update(attempts=1, last_error="x" * 900)
    (line,) = _texts(demo.admin, demo.admin.membership)["reminders"][1:]
    assert line.startswith("1 reminder retrying, last error: xxx")
    assert len(line) < 140


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
    # Person (with membership), the supervision links, then one query per card
    # (a supervisor's own list of supervisees; an admin's member and pair counts: two each).
    for person, queries in ((demo.ana, 6), (demo.supervisor, 5), (demo.admin, 8)):
        client.force_login(person)
        with django_assert_num_queries(queries):
            response = client.get(reverse("home"))
        assert response.status_code == 200
    # While e-mails are being retried the admin's card reads the last error: one query more,
    # however many are retrying.
    from reminders.models import Reminder
    from tests.reminders.conftest import make_reminder

    for _ in range(3):
        reminder = make_reminder(demo.ben)
        Reminder.objects.filter(pk=reminder.pk).update(attempts=1, last_error="refused")
        client.force_login(demo.admin)
        with django_assert_num_queries(9):
            assert "retrying, last error: refused" in client.get(reverse("home")).content.decode()
    client.force_login(demo.ana)
    page = client.get(reverse("home")).content.decode()
    assert "3 possible crossings wait for your decision" in page
    assert reverse("journal:entry_new") in page


@pytest.mark.parametrize("supervisees", [1, 20])
def test_a_practising_supervisor_overview_does_not_grow_with_supervisees(
    demo, client, django_assert_num_queries, supervisees
):
    """A supervisor who also practises sees every card of both roles, in the same queries
    however many people they supervise and however many crossings wait."""
    Membership.objects.filter(user=demo.supervisor).update(is_practitioner=True)
    for _ in range(supervisees):
        person = MembershipFactory(organisation=demo.harbour).user
        SupervisionLinkFactory(
            organisation=demo.harbour, supervisor=demo.supervisor, supervisee=person
        )
        FlagFactory(
            entry=EntryFactory(owner=person, notes="I lent him ten euros."),
            confirmed=True,
            category="giving_money",
            field="notes",
            quote="ten euros",
        )
    client.force_login(demo.supervisor)
    with django_assert_num_queries(8):
        page = client.get(reverse("home")).content.decode()
    assert f"{supervisees} confirmed crossing" in page
    assert "New session entry" in page
