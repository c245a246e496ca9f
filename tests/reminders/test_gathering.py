"""One digest per window: a person's reminders falling due minutes apart arrive in one e-mail.

Due reminders wait while more of the same person's are about to fall due, up to
``REMINDER_GATHER_SECONDS`` (five minutes) and never past the end of the working window; a lone
reminder goes at once. The dispatcher runs here as beat runs it, once a minute, on the test's clock.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

import reminders
from journal.reminders import FLAG_UNREVIEWED
from reminders import delivery
from reminders.models import Reminder

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
MINUTE = timedelta(minutes=1)
ITEM = re.compile(r"^- .* P-\d+ ", re.MULTILINE)


def a_monday_ahead() -> date:
    today = timezone.localdate(timezone.now(), AMS)
    return today + timedelta(days=14 - today.weekday())


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=AMS)


def due_at(user, moment: datetime, n: int) -> Reminder:
    return reminders.schedule(
        kind=FLAG_UNREVIEWED,
        recipient=user,
        due_at=moment,
        about=f"journal.flag:{n}",
        key=f"flag_unreviewed:{n}",
        data={"category": "rescuing", "practitioner": f"P-{n}"},
    )


def beat(start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The dispatcher every minute from ``start`` to ``end``, deliveries in-process: when each
    e-mail went and how many reminders it carried."""
    sent: list[tuple[datetime, int]] = []
    tick = start
    while tick <= end:
        before = len(mail.outbox)
        calls: list[tuple[int, str]] = []
        with TestCase.captureOnCommitCallbacks(execute=True):
            delivery.reminders_dispatch(enqueue=lambda r, t: calls.append((r, t)), now=tick)
        for recipient_id, token in calls:
            delivery.digest_deliver(recipient_id=recipient_id, claim_token=token, now=tick)
        # One line per reminder ("- A flag (Rescuing) raised by P-1 ..."). Not a count of "P-",
        # which the signature in an unsubscribe link may also hold.
        sent += [(tick, len(ITEM.findall(m.body))) for m in mail.outbox[before:]]
        tick += MINUTE
    return sent


def test_reminders_falling_due_minutes_apart_arrive_in_one_email(practitioner, settings):
    assert settings.REMINDER_GATHER_SECONDS == 300
    monday = a_monday_ahead()
    for n in range(4):  # 10:00, 10:01, 10:02, 10:03
        due_at(practitioner, at(monday, 10, n), n)
    sent = beat(at(monday, 9, 58), at(monday, 10, 15))
    assert sent == [(at(monday, 10, 3), 4)]  # once the last is due: nothing more coming
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 4


def test_a_lone_reminder_goes_at_once(practitioner):
    monday = a_monday_ahead()
    due_at(practitioner, at(monday, 10, 0), 1)
    due_at(practitioner, at(monday, 10, 30), 2)  # too far off to wait for
    assert beat(at(monday, 10, 0), at(monday, 10, 0)) == [(at(monday, 10, 0), 1)]


def test_no_reminder_waits_longer_than_the_gather_interval(practitioner, settings):
    monday = a_monday_ahead()
    for n in range(10):  # one a minute, 10:00 to 10:09
        due_at(practitioner, at(monday, 10, n), n)
    sent = beat(at(monday, 10, 0), at(monday, 10, 20))
    # The first waits its five minutes and takes the five due after it; the rest go together.
    assert sent == [(at(monday, 10, 5), 6), (at(monday, 10, 9), 4)]


def test_other_peoples_reminders_do_not_hold_anyone_back(org, practitioner):
    from tests.factories import MembershipFactory

    other = MembershipFactory(organisation=org).user
    monday = a_monday_ahead()
    due_at(practitioner, at(monday, 10, 0), 1)
    due_at(other, at(monday, 10, 2), 2)
    assert beat(at(monday, 10, 0), at(monday, 10, 0)) == [(at(monday, 10, 0), 1)]


def test_the_wait_ends_with_the_working_window(practitioner, settings):
    monday = a_monday_ahead()
    reminder = due_at(practitioner, at(monday, 16, 58), 1)
    assert reminder.deliver_by == at(monday, 17, 0)  # not 17:03
    settings.REMINDER_GATHER_SECONDS = 0
    early = due_at(practitioner, at(monday, 11, 0), 2)
    assert early.deliver_by == early.deliver_after  # gathering can be switched off


def test_a_retry_does_not_wait(practitioner):
    from reminders.planning import planned_times, timing_of

    now = timezone.now()
    after, by = planned_times(
        due_at=now, not_before=now + MINUTE, timing=timing_of(practitioner), now=now
    )
    assert after == by
