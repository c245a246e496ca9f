"""Every rule, from the change that causes it to the e-mail and the inbox: written through the
owning app's service, delivered by the dispatcher at the moment it falls due (and not before)."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from boundaries import services as boundaries_services
from boundaries.models import Take
from boundaries.reminders import inventory_retake_reminders_schedule
from directory.models import Organization, Service
from directory.tasks import remind_stale_directory
from journal import services as journal
from journal.reminders import supervision_reminders_schedule
from referrals import services as referrals
from reminders import delivery
from reminders.models import Reminder
from reminders.selectors import inbox_of

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def deliver_due(at: datetime) -> list:
    """Run the dispatcher as beat would at ``at``, the deliveries in-process as a worker would;
    returns the e-mails sent by this run."""
    sent_before = len(mail.outbox)
    calls: list[tuple[int, str]] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        delivery.reminders_dispatch(enqueue=lambda r, t: calls.append((r, t)), now=at)
    for recipient_id, token in calls:
        delivery.digest_deliver(recipient_id=recipient_id, claim_token=token, now=at)
    return mail.outbox[sent_before:]


def to(messages, user) -> list:
    return [m for m in messages if m.to == [user.email]]


def local(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM)


def next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@pytest.fixture
def entry(demo):
    client = journal.client_create(owner=demo.ana, code="C-31")
    return journal.entry_create(owner=demo.ana, client=client)


def test_confirmed_flag_brings_a_follow_up_three_days_later(demo, entry):
    flag = journal.flag_report(entry=entry, category="giving_money", note="", by=demo.ana)
    follow_up = Reminder.objects.get(kind="flag_followup")
    assert follow_up.recipient == demo.ana
    assert follow_up.about == f"journal.flag:{flag.uuid}"
    assert deliver_due(follow_up.deliver_after - timedelta(minutes=1)) == []
    [message] = to(deliver_due(follow_up.deliver_after), demo.ana)
    assert "Follow up with client C-31" in message.body
    assert reverse("journal:entry", args=[entry.uuid]) in message.body
    assert "/reminders/unsubscribe/" in message.body
    assert list(inbox_of(demo.ana)) == [follow_up]


def test_a_flag_nobody_reviewed_for_a_week_goes_to_the_supervisor(demo, entry):
    flag = journal.flag_report(entry=entry, category="rescuing", note="", by=demo.ana)
    escalation = Reminder.objects.get(kind="flag_unreviewed", recipient=demo.supervisor)
    assert escalation.due_at == flag.confirmed_at + timedelta(days=7)
    assert not Reminder.objects.filter(kind="flag_followup").exists()  # not a follow-up kind
    assert to(deliver_due(flag.confirmed_at + timedelta(days=6)), demo.supervisor) == []
    [message] = to(deliver_due(escalation.deliver_after), demo.supervisor)
    assert "waiting for your review" in message.body
    assert reverse("journal:review_flag", args=[flag.uuid]) in message.body


def test_a_reviewed_flag_is_not_escalated(demo, entry):
    flag = journal.flag_report(entry=entry, category="rescuing", note="", by=demo.ana)
    journal.flag_review(flag=flag, by=demo.supervisor, outcome="watch", comment="", resolve=False)
    assert to(deliver_due(flag.confirmed_at + timedelta(days=8)), demo.supervisor) == []


def test_a_review_reaches_the_practitioner_in_limen_and_in_the_digest(demo, entry, client):
    flag = journal.flag_report(entry=entry, category="rescuing", note="", by=demo.ana)
    journal.flag_review(
        flag=flag, by=demo.supervisor, outcome="watch", comment="Let us talk.", resolve=False
    )
    reviewed = Reminder.objects.get(kind="flag_reviewed")
    assert reviewed.recipient == demo.ana
    assert reviewed.about == f"journal.flag:{flag.uuid}"
    [message] = to(deliver_due(max(reviewed.deliver_after, timezone.now())), demo.ana)
    assert "reviewed the crossing (Rescuing)" in message.body
    assert reverse("journal:entry", args=[entry.uuid]) in message.body
    assert list(inbox_of(demo.ana)) == [reviewed]
    client.force_login(demo.ana)
    assert client.get(reverse("reminders:badge")).context["unread"] == 1


def test_a_second_review_replaces_one_not_yet_delivered(demo, entry):
    flag = journal.flag_report(entry=entry, category="rescuing", note="", by=demo.ana)
    journal.flag_review(flag=flag, by=demo.supervisor, outcome="watch", comment="", resolve=False)
    journal.flag_review(flag=flag, by=demo.supervisor, outcome="helpful", comment="", resolve=True)
    rows = Reminder.objects.filter(kind="flag_reviewed")
    assert sorted(rows.values_list("status", flat=True)) == ["cancelled", "pending"]
    assert rows.get(status="pending").data["outcome"] == "helpful"


def test_opening_the_reviewed_entry_reads_its_review_reminder(demo, entry, client):
    flag = journal.flag_report(entry=entry, category="rescuing", note="", by=demo.ana)
    journal.flag_review(flag=flag, by=demo.supervisor, outcome="watch", comment="", resolve=False)
    reviewed = Reminder.objects.get(kind="flag_reviewed")
    deliver_due(max(reviewed.deliver_after, timezone.now()))
    client.force_login(demo.ana)
    assert client.get(reverse("reminders:badge")).context["unread"] == 1
    client.get(reverse("journal:entry", args=[entry.uuid]))
    assert client.get(reverse("reminders:badge")).context["unread"] == 0


def test_a_referral_is_followed_up_on_its_date(demo):
    client = journal.client_create(owner=demo.ana, code="C-44")
    agency = Organization.objects.create(owner=demo.harbour, hsds_id="o1", name="Food bank")
    service = Service.objects.create(
        owner=demo.harbour, hsds_id="s1", organization=agency, name="Food parcels"
    )
    follow_up_on = next_weekday(timezone.localdate() + timedelta(days=14))
    referral = referrals.referral_create(
        by=demo.ana,
        client=client,
        service=service,
        reason="",
        client_consented=True,
        follow_up_on=follow_up_on,
    )
    reminder = Reminder.objects.get(kind="referral_followup")
    assert timezone.localtime(reminder.deliver_after, AMSTERDAM).date() == follow_up_on
    assert deliver_due(local(follow_up_on - timedelta(days=1))) == []
    [message] = to(deliver_due(local(follow_up_on, 11)), demo.ana)
    assert reverse("referrals:referral_detail", args=[referral.uuid]) in message.body
    # Recording the outcome cancels a follow-up still waiting.
    referral2 = referrals.referral_create(
        by=demo.ana,
        client=client,
        service=service,
        reason="Still no answer from the food bank.",
        client_consented=True,
        follow_up_on=follow_up_on + timedelta(days=7),
    )
    referrals.referral_record_outcome(referral=referral2, outcome="contacted", note="", by=demo.ana)
    assert Reminder.objects.get(about=referral2.about).status == Reminder.Status.CANCELLED


def test_supervision_due_reaches_both_people_listing_the_flags_since_the_last_meeting(demo, entry):
    journal.meeting_record(
        supervisor=demo.supervisor,
        supervisee=demo.ana,
        held_on=timezone.localdate() - timedelta(days=27),
        notes="",
        agreed_actions="",
        flags=[],
    )
    journal.flag_report(entry=entry, category="rescuing", note="", by=demo.ana)
    journal.flag_report(entry=entry, category="giving_money", note="", by=demo.ana)
    today = timezone.localdate()
    supervision_reminders_schedule(today=today)
    rows = Reminder.objects.filter(
        kind="supervision_due", recipient__in=[demo.ana, demo.supervisor]
    )
    assert rows.count() == 2
    messages = deliver_due(max(r.deliver_after for r in rows))
    for person, other in ((demo.ana, demo.supervisor), (demo.supervisor, demo.ana)):
        [message] = to(messages, person)
        assert f"Supervision with {other.get_full_name()} is due on" in message.body
        assert "2 flags were confirmed since your last meeting" in message.body
        # The list names each flag by category and session date, never by its notes.
        assert re.search(r"\* Rescuing \(\d+ \w+ \d{4}\)", message.body), message.body
        assert re.search(r"\* Giving money or gifts \(", message.body)
        html = message.alternatives[0][0]
        assert "<li>Rescuing (" in html


def test_supervision_overdue_when_no_meeting_was_recorded(demo):
    held = timezone.localdate() - timedelta(weeks=12)
    journal.meeting_record(
        supervisor=demo.supervisor,
        supervisee=demo.ana,
        held_on=held,
        notes="",
        agreed_actions="",
        flags=[],
    )
    supervision_reminders_schedule(today=timezone.localdate())
    overdue = Reminder.objects.filter(kind="supervision_overdue", recipient=demo.ana).get()
    [message] = to(deliver_due(overdue.deliver_after), demo.ana)
    assert "no meeting has been recorded" in message.body


def test_stale_directory_entries_reach_their_maintainers_grouped(demo):
    agency = Organization.objects.create(owner=demo.harbour, hsds_id="o1", name="Agency")
    for n in range(3):
        Service.objects.create(
            owner=demo.harbour, hsds_id=f"s{n}", organization=agency, name=f"Service {n}"
        )
    remind_stale_directory()
    rows = Reminder.objects.filter(kind="directory_stale")
    assert {r.recipient for r in rows} == {demo.admin}  # Harbour's admin, not Lindenhof's
    messages = deliver_due(max(r.deliver_after for r in rows))
    [message] = to(messages, demo.admin)
    assert "3 directory entries have not been verified" in message.body
    assert message.body.count("directory entr") == 1  # one grouped line, not three


def test_inventory_retake_is_suggested_90_days_after_the_latest_take(demo):
    boundaries_services.catalogue_sync()
    version = boundaries_services.current_version()
    completed = timezone.now() - timedelta(days=91)
    take = Take.objects.create(user=demo.ben, version=version, completed_at=completed)
    # A take finished before reminders existed: the daily rule catches up, once.
    assert inventory_retake_reminders_schedule() == 1
    assert inventory_retake_reminders_schedule() == 0
    reminder = Reminder.objects.get(kind="inventory_retake", recipient=demo.ben)
    assert reminder.about == f"boundaries.take:{take.uuid}"
    [message] = to(deliver_due(max(reminder.deliver_after, timezone.now())), demo.ben)
    assert "time to take it again" in message.body
    # Delivered: no second suggestion for the same take ...
    assert inventory_retake_reminders_schedule() == 0
    # ... but the next take, once 90 days old, gets its own.
    newer = Take.objects.create(
        user=demo.ben, version=version, completed_at=timezone.now() - timedelta(days=90, hours=1)
    )
    assert inventory_retake_reminders_schedule() == 1
    assert Reminder.objects.filter(about=f"boundaries.take:{newer.uuid}").exists()


def test_a_recent_take_is_not_reminded_yet(demo):
    boundaries_services.catalogue_sync()
    version = boundaries_services.current_version()
    Take.objects.create(
        user=demo.ben, version=version, completed_at=timezone.now() - timedelta(days=80)
    )
    assert inventory_retake_reminders_schedule() == 0
