"""What a reminder says, rendered from its kind and the few facts stored on the row.

The other apps only store data (codes, dates, counts, names); the sentences live here, in the
recipient's language. Reminders never import the apps that schedule them, so the slip category
labels are repeated below with the journal's exact wording (and therefore its translations).
"""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reminders.models import Reminder

CATEGORY_LABELS = {
    "self_disclosure": gettext_lazy("Self-disclosure"),
    "client_oversharing": gettext_lazy("Client over-sharing"),
    "giving_money": gettext_lazy("Giving money or gifts"),
    "rescuing": gettext_lazy("Rescuing"),
    "dual_relationship": gettext_lazy("Dual relationship"),
    "out_of_hours": gettext_lazy("Out of hours"),
    "imposing_values": gettext_lazy("Imposing values"),
    "over_accommodating": gettext_lazy("Over-accommodating"),
}


def _date(value: Any) -> str:
    """An ISO date from the row, in the active language's format; anything else as it is."""
    try:
        return date_format(date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)


def _category(value: Any) -> str:
    return str(CATEGORY_LABELS.get(str(value), value))


def _count(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _flag_followup(data: Mapping[str, Any]) -> str:
    return _("Follow up with client %(client)s after the session of %(session)s") % {
        "client": data["client"],
        "session": _date(data["session"]),
    }


def _flag_unreviewed(data: Mapping[str, Any]) -> str:
    return _("A flag (%(category)s) raised by %(practitioner)s is waiting for your review") % {
        "category": _category(data["category"]),
        "practitioner": data["practitioner"],
    }


def _referral_followup(data: Mapping[str, Any]) -> str:
    resource = data.get("resource") or data.get("service")
    if data.get("client") and resource:
        return _("Ask client %(client)s how the referral to %(resource)s went") % {
            "client": data["client"],
            "resource": resource,
        }
    return _("Ask client %(client)s how the referral went") % {"client": data["client"]}


def _supervision_due(data: Mapping[str, Any]) -> str:
    flags = _count(data.get("flags"))
    return ngettext(
        "Supervision with %(person)s is due on %(date)s; %(flags)s flag was confirmed since "
        "your last meeting",
        "Supervision with %(person)s is due on %(date)s; %(flags)s flags were confirmed since "
        "your last meeting",
        flags,
    ) % {"person": data["person"], "date": _date(data["date"]), "flags": flags}


def _supervision_overdue(data: Mapping[str, Any]) -> str:
    return _("Supervision with %(person)s was due on %(date)s and no meeting has been recorded") % {
        "person": data["person"],
        "date": _date(data["date"]),
    }


def _directory_stale(data: Mapping[str, Any]) -> str:
    if data.get("resource"):
        return _("“%(resource)s” in the directory has not been verified for %(days)s days") % {
            "resource": data["resource"],
            "days": _count(data.get("days")) or 180,
        }
    count = _count(data.get("count"))
    return ngettext(
        "%(count)s directory entry has not been verified for a long time",
        "%(count)s directory entries have not been verified for a long time",
        count,
    ) % {"count": count}


def _inventory_retake(data: Mapping[str, Any]) -> str:
    return _(
        "You last took the self-inventory on %(completed)s: time to take it again and compare"
    ) % {"completed": _date(data["completed"])}


RENDERERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    Reminder.Kind.FLAG_FOLLOWUP: _flag_followup,
    Reminder.Kind.FLAG_UNREVIEWED: _flag_unreviewed,
    Reminder.Kind.REFERRAL_FOLLOWUP: _referral_followup,
    Reminder.Kind.SUPERVISION_DUE: _supervision_due,
    Reminder.Kind.SUPERVISION_OVERDUE: _supervision_overdue,
    Reminder.Kind.DIRECTORY_STALE: _directory_stale,
    Reminder.Kind.INVENTORY_RETAKE: _inventory_retake,
}


def reminder_text(reminder: Reminder) -> str:
    """The sentence for ``reminder`` in the active language. Missing facts fall back to the
    kind's label rather than failing a whole digest."""
    render = RENDERERS.get(reminder.kind)
    if render is not None:
        try:
            return render(reminder.data or {})
        except (KeyError, TypeError, ValueError):
            pass
    return str(reminder.get_kind_display())


def reminder_details(reminder: Reminder) -> list[str]:
    """Lines shown under the sentence: for a supervision meeting, the flags to bring to it
    ("Rescuing (3 March 2026)"), each a category and a session date, never note text."""
    listed = (reminder.data or {}).get("flag_list")
    if reminder.kind != Reminder.Kind.SUPERVISION_DUE or not isinstance(listed, list):
        return []
    lines = []
    for flag in listed:
        if isinstance(flag, Mapping) and flag.get("category"):
            session = f" ({_date(flag['session'])})" if flag.get("session") else ""
            lines.append(f"{_category(flag['category'])}{session}")
    return lines


def calendar_summary(reminder: Reminder) -> str:
    """A calendar line: the kind's label, and the client code at most (calendars get synced to
    phones and other companies' servers; no names, no note text)."""
    label = str(reminder.get_kind_display())
    client = (reminder.data or {}).get("client")
    return f"{label}: {client}" if client else label
