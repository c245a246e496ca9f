"""When a waiting reminder goes out: the moment it falls due, placed in the recipient's working
hours, in their time zone, by their digest preference, as those settings are now.

A reminder keeps what its cause said (a moment, ``due_at``, or a day, ``due_on``) and, when it
was snoozed or an e-mail failed, the moment before which it must wait (``not_before``).
``deliver_after``, the only column the dispatcher reads, is derived from those and the person's
settings. Callers never pass a clock time of their own: a reminder timed by a day falls due when
that day begins in the recipient's zone and goes out when their first working window that day (or
after) opens.

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
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from accounts.models import User
from accounts.selectors import working_hours_of
from reminders.models import ReminderPreference
from reminders.selectors import preference_of
from reminders.windows import day_start, next_window_opening, next_window_start


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
