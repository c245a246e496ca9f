"""Reminders: the outbox other apps write to, with ``reminders.schedule(...)`` inside the
transaction of the change that causes a reminder and ``reminders.cancel(...)`` when it is moot.

The kinds belong to the apps that schedule them (``<app>/reminders.py``, registered with
``reminders.registry``). These entry points are import-light so that ``import reminders`` stays
cheap and safe before the app registry is ready.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User
    from reminders.models import Reminder
    from reminders.registry import ReminderKind


def schedule(
    *,
    kind: ReminderKind,
    recipient: User,
    about: str,
    key: str,
    due_at: datetime | None = None,
    on: date | None = None,
    link: str = "",
    data: Mapping[str, Any] | None = None,
) -> Reminder:
    """Schedule a reminder due at a moment (``due_at``) or on a day (``on``), never at a clock
    time of the caller's; see ``reminders.services.reminder_schedule``."""
    from reminders.services import reminder_schedule

    return reminder_schedule(
        kind=kind,
        recipient=recipient,
        about=about,
        key=key,
        due_at=due_at,
        on=on,
        link=link,
        data=data,
    )


def cancel(
    *,
    key: str | None = None,
    about: str | None = None,
    abouts: Iterable[str] | None = None,
    kinds: Iterable[ReminderKind] | None = None,
    keep: Iterable[str] = (),
) -> int:
    """Cancel waiting reminders; see ``reminders.services.reminder_cancel``."""
    from reminders.services import reminder_cancel

    return reminder_cancel(key=key, about=about, abouts=abouts, kinds=kinds, keep=keep)


def mark_read(*, recipient: User, abouts: Iterable[str], kinds: Iterable[ReminderKind]) -> int:
    """Mark the recipient's delivered reminders about ``abouts`` as read (they saw what the
    reminders point to); see ``reminders.services.reminders_mark_read``."""
    from reminders.services import reminders_mark_read

    return reminders_mark_read(recipient=recipient, abouts=abouts, kinds=kinds)


def reminded_abouts(*, kind: ReminderKind, abouts: Iterable[str]) -> set[str]:
    """Which of ``abouts`` already have a reminder of ``kind``, in any state."""
    from reminders.selectors import reminded_abouts as select

    return select(kind=kind, abouts=abouts)
