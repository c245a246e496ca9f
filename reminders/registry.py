"""What the other apps tell the reminders app, from their ``AppConfig.ready()``: the kinds of
reminder they own, the beat tasks of the rules that schedule them, and what they add to the
personal calendar feed. Each app declares all of that in its ``<app>/reminders.py``.

A kind belongs to the app whose change causes it, so adding one touches that app only: the outbox
stores the kind's code (``Reminder.kind`` takes its choices from here, so no migration either),
and the label and sentences come from the kind, in the reader's language. The reminders app never
imports the apps that register here.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

if TYPE_CHECKING:
    from accounts.models import User

# The width of ``Reminder.kind``.
CODE_MAX_LENGTH = 32

Data = Mapping[str, Any]


def _no_details(data: Data) -> list[str]:
    return []


@dataclass(frozen=True, eq=False)
class ReminderKind:
    """One kind of reminder.

    ``text`` says it in a sentence, from the row's data (codes, dates, counts and names only:
    e-mails leave the building, so never note text); ``details`` gives the lines shown under
    the sentence, if any. Both run in the reader's language; a missing fact makes the reminder
    fall back to its ``label``. ``roles`` are the roles (``accounts.access.Role`` values) of the
    people it can reach, so that settings offer nobody a kind they never get; empty for anyone.
    """

    code: str
    label: str | Promise
    text: Callable[[Data], str]
    details: Callable[[Data], list[str]] = _no_details
    roles: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"<ReminderKind {self.code}>"


@dataclass(frozen=True)
class BeatTask:
    """A rule's periodic Celery task. A run that waited in the queue longer than ``expires`` (a
    worker was down) is dropped: the next run does the same work, since every rule is
    idempotent."""

    name: str
    task: str
    every: timedelta
    expires: timedelta


@dataclass(frozen=True)
class CalendarEvent:
    """An all-day event in someone's calendar feed. Calendars get synced to phones and other
    companies' servers: a date and a short summary, never names or note text."""

    uid: str  # unique inside Limen; the feed adds "@<host>"
    summary: str
    day: date
    path: str = ""  # where it leads, inside Limen


CalendarContributor = Callable[["User", datetime], Iterable[CalendarEvent]]

_kinds: dict[str, ReminderKind] = {}
_beat: dict[str, BeatTask] = {}
_calendar: list[CalendarContributor] = []


def register(
    *,
    kinds: Iterable[ReminderKind] = (),
    beat: Iterable[BeatTask] = (),
    calendar: CalendarContributor | None = None,
) -> None:
    """Declare an app's kinds, the beat tasks of its rules and its calendar contributor.

    Call it from the app's ``AppConfig.ready()``; registering the same things again is harmless.
    """
    for kind in kinds:
        known = _kinds.get(kind.code)
        if known is not None and known is not kind:
            raise ImproperlyConfigured(f"Two reminder kinds use the code {kind.code!r}")
        if not kind.code or len(kind.code) > CODE_MAX_LENGTH:
            raise ImproperlyConfigured(f"Reminder kind code {kind.code!r} is empty or too long")
        _kinds[kind.code] = kind
    for task in beat:
        if _beat.get(task.name) != task:
            _beat[task.name] = task
            _add_to_beat_schedule(task)
    if calendar is not None and calendar not in _calendar:
        _calendar.append(calendar)


def unregister(*kinds: ReminderKind) -> None:
    """Forget kinds again (for tests that declare a kind of their own)."""
    for kind in kinds:
        if _kinds.get(kind.code) is kind:
            del _kinds[kind.code]


def _add_to_beat_schedule(task: BeatTask) -> None:
    # Celery's documented way to add a periodic task from code. Before Celery has read its
    # configuration the entry waits and is added then; after, it goes straight into the
    # schedule that beat reads when it starts.
    from celery import current_app

    current_app.add_periodic_task(
        task.every,
        current_app.signature(task.task),
        name=task.name,
        expires=task.expires.total_seconds(),
    )


def find_kind(code: str) -> ReminderKind | None:
    return _kinds.get(code)


def kind(code: str) -> ReminderKind:
    """The kind registered under ``code``; ``LookupError`` for an unknown one."""
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"Unknown reminder kind {code!r}") from None


def kinds() -> list[ReminderKind]:
    """Every registered kind, in the order the apps registered them."""
    return list(_kinds.values())


def kind_codes() -> list[str]:
    return list(_kinds)


def kinds_for_roles(roles: Iterable[str]) -> list[ReminderKind]:
    """The kinds that can reach someone holding ``roles``, in registration order."""
    held = set(roles)
    return [kind for kind in _kinds.values() if not kind.roles or held.intersection(kind.roles)]


def kind_choices() -> list[tuple[str, str | Promise]]:
    """(code, label) of every kind: the choices of ``Reminder.kind`` and of the settings form."""
    return [(kind.code, kind.label) for kind in _kinds.values()]


def beat_tasks() -> list[BeatTask]:
    return list(_beat.values())


def calendar_contributors() -> list[CalendarContributor]:
    return list(_calendar)
