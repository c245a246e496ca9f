"""A waiting reminder follows the recipient's working hours, time zone and digest preference as
they are when it is delivered: changing any of them moves their pending reminders, in the same
transaction. Callers give a day or a moment; the person's working periods give the time."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

import reminders
from accounts.services import profile_update
from journal.reminders import FLAG_FOLLOWUP, FLAG_UNREVIEWED
from reminders import delivery
from reminders.models import Reminder
from reminders.planning import Timing, planned_delivery
from reminders.services import preference_update, reminder_snooze, snooze_until
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
NYC = ZoneInfo("America/New_York")
OFFICE = dict.fromkeys(range(5), (time(9), time(17)))
OFFICE_HOURS = dict.fromkeys(range(5), (9, 17))


def a_monday_ahead() -> date:
    """A Monday one to two weeks from now, in Amsterdam."""
    today = timezone.localdate(timezone.now(), AMS)
    return today + timedelta(days=14 - today.weekday())


def at(day: date, hour: int, minute: int = 0, tz: ZoneInfo = AMS) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def set_hours(user, hours: dict[int, tuple[int, int]], *, time_zone: str = "Europe/Amsterdam"):
    """Save someone's profile as the profile page does."""
    profile_update(
        user=user,
        full_name=user.full_name,
        language=user.language,
        time_zone=time_zone,
        working_hours=[(day, time(start), time(end)) for day, (start, end) in hours.items()],
    )


def follow_up_on(user, day: date, n: int = 1) -> Reminder:
    return reminders.schedule(
        kind=FLAG_FOLLOWUP,
        recipient=user,
        on=day,
        about=f"journal.flag:{n}",
        key=f"flag_followup:{n}",
        data={"client": "C-1", "session": "2026-03-02"},
    )


def escalation_at(user, moment: datetime, n: int = 1) -> Reminder:
    return reminders.schedule(
        kind=FLAG_UNREVIEWED,
        recipient=user,
        due_at=moment,
        about=f"journal.flag:{n}",
        key=f"flag_unreviewed:{n}",
        data={"category": "rescuing", "practitioner": "Ana"},
    )


def emails_to(user, now: datetime) -> list:
    """Run the dispatcher at ``now`` and the deliveries in-process; the e-mails ``user`` got."""
    sent_before = len(mail.outbox)
    calls: list[tuple[int, str]] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        delivery.reminders_dispatch(enqueue=lambda r, t: calls.append((r, t)), now=now)
    for recipient_id, token in calls:
        delivery.digest_deliver(recipient_id=recipient_id, claim_token=token, now=now)
    return [m for m in mail.outbox[sent_before:] if m.to == [user.email]]


def test_a_day_reaches_someone_when_their_own_working_day_starts(practitioner):
    monday = a_monday_ahead()
    assert follow_up_on(practitioner, monday).deliver_after == at(monday, 9)  # the default
    early = MembershipFactory().user
    set_hours(early, dict.fromkeys(range(5), (7, 15)))
    reminder = follow_up_on(early, monday, n=2)
    assert reminder.due_on == monday
    assert reminder.deliver_after == at(monday, 7)  # not a 09:00 of the caller's


def test_changing_someones_hours_moves_their_pending_reminders(practitioner):
    monday = a_monday_ahead()
    by_day = follow_up_on(practitioner, monday)
    by_moment = escalation_at(practitioner, at(monday, 7, 30), n=2)
    delivered = escalation_at(practitioner, at(monday, 8), n=3)
    Reminder.objects.filter(pk=delivered.pk).update(status=Reminder.Status.SENT)
    someone_else = follow_up_on(MembershipFactory().user, monday, n=4)
    assert by_day.deliver_after == by_moment.deliver_after == at(monday, 9)

    set_hours(practitioner, {0: (13, 17), 1: (9, 17)})

    by_day.refresh_from_db()
    by_moment.refresh_from_db()
    assert by_day.deliver_after == at(monday, 13)
    assert by_moment.deliver_after == at(monday, 13)
    assert Reminder.objects.get(pk=delivered.pk).deliver_after == at(monday, 9)  # history
    assert Reminder.objects.get(pk=someone_else.pk).deliver_after == at(monday, 9)
    # The dispatcher follows: nothing at nine, the reminders at one.
    assert emails_to(practitioner, at(monday, 9, 30)) == []
    [digest] = emails_to(practitioner, at(monday, 13))
    assert digest.subject == "Limen: 2 reminders"


def test_the_profile_page_moves_them_too(client, practitioner):
    monday = a_monday_ahead()
    reminder = follow_up_on(practitioner, monday)
    client.force_login(practitioner)
    data = {"full_name": "Pat", "language": "en", "time_zone": "Europe/Amsterdam"}
    for day in range(5):
        data |= {f"day_{day}_on": "on", f"day_{day}_start": "10:30", f"day_{day}_end": "17:00"}
    assert client.post(reverse("profile"), data).status_code == 302
    reminder.refresh_from_db()
    assert reminder.deliver_after == at(monday, 10, 30)


def test_moving_to_another_time_zone_moves_them(practitioner):
    monday = a_monday_ahead()
    by_day = follow_up_on(practitioner, monday)
    by_moment = escalation_at(practitioner, at(monday, 7, 30), n=2)  # 01:30 in New York
    set_hours(practitioner, OFFICE_HOURS, time_zone="America/New_York")
    by_day.refresh_from_db()
    by_moment.refresh_from_db()
    # The day is a day in New York now; the moment is the same instant, placed in New York's hours.
    assert by_day.due_at == at(monday, 0, tz=NYC)
    assert by_day.deliver_after == at(monday, 9, tz=NYC)
    assert by_moment.deliver_after == at(monday, 9, tz=NYC)


def test_choosing_one_digest_a_day_moves_them_and_choosing_back_too(practitioner):
    monday = a_monday_ahead()
    reminder = escalation_at(practitioner, at(monday, 11))
    assert reminder.deliver_after == at(monday, 11)
    kinds = [FLAG_FOLLOWUP.code, FLAG_UNREVIEWED.code]
    preference_update(user=practitioner, email_kinds=kinds, in_app_kinds=kinds, window="daily")
    reminder.refresh_from_db()
    assert reminder.deliver_after == at(monday + timedelta(days=1), 9)
    preference_update(user=practitioner, email_kinds=kinds, in_app_kinds=kinds, window="window")
    reminder.refresh_from_db()
    assert reminder.deliver_after == at(monday, 11)


def test_a_snoozed_reminder_keeps_its_time_unless_the_hours_say_later(practitioner):
    monday = a_monday_ahead()
    reminder = escalation_at(practitioner, at(monday - timedelta(days=7), 10))
    friday = monday - timedelta(days=3)
    until = snooze_until(user=practitioner, choice="tomorrow", now=at(friday, 15))
    assert until == at(monday, 9)
    assert reminder_snooze(reminder=reminder, until=until)
    set_hours(practitioner, {0: (7, 12), 1: (9, 17)})  # earlier: never before the promised time
    reminder.refresh_from_db()
    assert reminder.deliver_after == at(monday, 9)
    set_hours(practitioner, {1: (9, 17)})  # no Monday any more: Tuesday
    reminder.refresh_from_db()
    assert reminder.deliver_after == at(monday + timedelta(days=1), 9)


def test_a_reminder_already_due_is_left_to_the_dispatcher(practitioner, due):
    waiting = due(practitioner)
    before = waiting.deliver_after
    set_hours(practitioner, {6: (3, 4)})
    waiting.refresh_from_db()
    assert waiting.deliver_after == before


def plan(due_at: datetime, *, now: datetime, daily: bool = False, not_before=None) -> datetime:
    timing = Timing(hours=OFFICE, tz=AMS, daily=daily)
    return planned_delivery(due_at=due_at, not_before=not_before, timing=timing, now=now)


def test_a_moment_already_past_goes_out_when_the_hours_next_allow():
    wednesday, thursday = date(2026, 3, 4), date(2026, 3, 5)
    # Due this morning, planned (late) at eight in the evening: tomorrow at nine, not at once.
    assert plan(at(wednesday, 10), now=at(wednesday, 20)) == at(thursday, 9)
    # Planned at eleven: at once, inside the hours.
    assert plan(at(wednesday, 10), now=at(wednesday, 11)) == at(wednesday, 11)
    # Once a day: the morning's digest has gone, so the next one.
    assert plan(at(wednesday, 10), now=at(wednesday, 11), daily=True) == at(thursday, 9)


def test_a_failed_email_backs_off_from_the_failure_not_from_the_due_moment():
    now = at(date(2026, 3, 4), 10)
    retry = now + timedelta(minutes=4)
    # Even for someone who wants one digest a day: the failed digest is retried, not postponed.
    assert plan(at(date(2026, 3, 4), 9), now=now, daily=True, not_before=retry) == retry
