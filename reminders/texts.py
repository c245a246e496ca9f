"""What a reminder says: the sentence of its kind (declared by the app that owns the kind, in
``<app>/reminders.py``) rendered from the few facts stored on the row, in the reader's language;
and the two formatting helpers those sentences share."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import ngettext, pgettext_lazy

from reminders.models import Reminder
from reminders.registry import find_kind


def date_text(value: Any) -> str:
    """An ISO date from a row's data in the active language's format; anything else as it is."""
    try:
        return date_format(date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)


def count_of(value: Any) -> int:
    """A count from a row's data; 0 when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def reminder_text(reminder: Reminder) -> str:
    """The sentence for ``reminder`` in the active language. Missing facts fall back to the
    kind's label rather than failing a whole digest."""
    kind = find_kind(reminder.kind)
    if kind is not None:
        try:
            return kind.text(reminder.data or {})
        except (KeyError, TypeError, ValueError):
            pass
    return str(reminder.get_kind_display())


def reminder_details(reminder: Reminder) -> list[str]:
    """The lines shown under the sentence (e.g. the flags to bring to a supervision meeting)."""
    kind = find_kind(reminder.kind)
    if kind is None:
        return []
    try:
        return kind.details(reminder.data or {})
    except (KeyError, TypeError, ValueError):
        return []


def calendar_summary(reminder: Reminder) -> str:
    """A calendar line: the kind's label, and the client code at most (calendars get synced to
    phones and other companies' servers; no names, no note text)."""
    label = str(reminder.get_kind_display())
    client = (reminder.data or {}).get("client")
    return f"{label}: {client}" if client else label


# Weekdays inside a sentence: lower case in Dutch and French ("op maandag", "le lundi"), where
# the plain names serve as labels that start a line ("Maandag", "Lundi").
WEEKDAYS_IN_SENTENCE = (
    pgettext_lazy("weekday inside a sentence", "Monday"),
    pgettext_lazy("weekday inside a sentence", "Tuesday"),
    pgettext_lazy("weekday inside a sentence", "Wednesday"),
    pgettext_lazy("weekday inside a sentence", "Thursday"),
    pgettext_lazy("weekday inside a sentence", "Friday"),
    pgettext_lazy("weekday inside a sentence", "Saturday"),
    pgettext_lazy("weekday inside a sentence", "Sunday"),
)


def waiting_text(*, count: int, goes_out_at: datetime | None, tz: ZoneInfo) -> str:
    """Says that ``count`` reminders wait for the person's working hours and when the first goes
    out (the overview and the inbox say it alike, from ``selectors.waiting_for_hours_of``); empty
    when none waits."""
    if not count or goes_out_at is None:
        return ""
    at = timezone.localtime(goes_out_at, tz)
    return ngettext(
        "%(count)d reminder waits for your working hours; it goes out on %(weekday)s %(date)s "
        "at %(time)s.",
        "%(count)d reminders wait for your working hours; they go out on %(weekday)s %(date)s "
        "at %(time)s.",
        count,
    ) % {
        "count": count,
        "weekday": WEEKDAYS_IN_SENTENCE[at.weekday()],
        "date": date_format(at, "DATE_FORMAT"),
        "time": time_format(at, "TIME_FORMAT"),
    }
