"""When a waiting reminder goes out: the moment it falls due, placed in the recipient's working
hours, in their time zone, by their digest preference, as those settings are now.

A reminder keeps what its cause said (a moment, ``due_at``, or a day, ``due_on``) and, when it
was snoozed or an e-mail failed, the moment before which it must wait (``not_before``).
``deliver_after``, the column the dispatcher claims by, is derived from those and the person's
settings, and so is ``deliver_by``, until when it may wait for the person's reminders falling due
just after it (one e-mail rather than one a minute). Callers never pass a clock time of their
own: a reminder timed by a day falls due when that day begins in the recipient's zone and goes out
when their first working window that day (or after) opens.

Settings change, so ``deliver_after`` is worked out again, for every waiting reminder of the
person, in the same transaction as any change to their working hours, time zone or digest
preference (``reminders.services.reminders_replan``). The alternative, placing each reminder in
its window when the dispatcher claims it, was turned down: the claim would no longer be one
indexed range query over rows due now, but would read every minute every row whose moment has
passed and whose window has not opened (on a Saturday, the whole weekend's), with each
recipient's hours and preferences. People change their settings rarely and have few reminders
waiting, so the work is done at that rare moment instead of every minute.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.models import User
from accounts.selectors import working_hours_of
from reminders.models import ReminderPreference
from reminders.selectors import preference_of
from reminders.windows import day_start, next_window_opening, next_window_start, window_end


@dataclass(frozen=True)
class Timing:
    """What decides when a person's reminders arrive."""

    hours: dict[int, tuple[time, time]]
    tz: ZoneInfo
    daily: bool  # one digest a day, at the start of the working day

    def place(self, moment: datetime) -> datetime:
        """The first moment in the working hours at or after ``moment`` (for a daily digest,
        the first start of a working day)."""
        if self.daily:
            return next_window_opening(moment, self.hours, self.tz)
        return next_window_start(moment, self.hours, self.tz)


def timing_of(user: User) -> Timing:
    return Timing(
        hours=working_hours_of(user),
        tz=user.tzinfo,
        daily=preference_of(user).window == ReminderPreference.Window.DAILY,
    )


def deliver_after_for(recipient: User, due_at: datetime) -> datetime:
    """The first moment in the recipient's working hours at or after ``due_at`` (or, for someone
    who wants one digest a day, the start of their next working day)."""
    return timing_of(recipient).place(due_at)


def due_moment(day: date, timing: Timing) -> datetime:
    """A reminder timed by a day falls due when that day begins in the recipient's zone."""
    return day_start(day, timing.tz)


def gather_deadline(deliver_after: datetime, *, timing: Timing, held: bool) -> datetime:
    """How long a reminder due at ``deliver_after`` may wait for others of the same person
    falling due just after it, so that they arrive in one e-mail: ``REMINDER_GATHER_SECONDS``,
    never past the end of the working window. A reminder held to a moment of its own (snoozed,
    or retrying a digest) and the once-a-day digest (all due together) do not wait."""
    if held or timing.daily:
        return deliver_after
    deadline = deliver_after + timedelta(seconds=settings.REMINDER_GATHER_SECONDS)
    end = window_end(deliver_after, timing.hours, timing.tz)
    return min(deadline, end) if end else deadline


def planned_times(
    *, due_at: datetime, not_before: datetime | None, timing: Timing, now: datetime
) -> tuple[datetime, datetime]:
    """``deliver_after`` (``planned_delivery``) and ``deliver_by`` (``gather_deadline``)."""
    deliver_after = planned_delivery(due_at=due_at, not_before=not_before, timing=timing, now=now)
    held = not_before is not None
    return deliver_after, gather_deadline(deliver_after, timing=timing, held=held)


def planned_delivery(
    *, due_at: datetime, not_before: datetime | None, timing: Timing, now: datetime
) -> datetime:
    """When a waiting reminder goes out.

    A reminder held back (snoozed, or waiting to retry a failed e-mail) goes out at the first
    working moment from ``not_before`` on, whatever the digest preference: a snooze names its
    own time, and a retry belongs to the digest that failed. Any other goes out where its due
    moment falls in the person's hours. A moment that has passed (the reminder was scheduled
    late, or the settings just changed) is replaced by the next one the hours allow from
    ``now``: never outside them.
    """
    if not_before is not None:
        planned = next_window_start(not_before, timing.hours, timing.tz)
        if planned < now:
            planned = next_window_start(now, timing.hours, timing.tz)
        return planned
    planned = timing.place(due_at)
    return planned if planned >= now else timing.place(now)
