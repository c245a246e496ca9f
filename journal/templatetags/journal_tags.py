"""Template helpers for the journal: evidence highlighting, how long a crossing has waited."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from reminders.texts import WEEKDAYS_IN_SENTENCE

register = template.Library()


@register.filter
def weekday_in_sentence(day) -> str:
    """The weekday of ``day`` as written inside a sentence ("op maandag", "le lundi")."""
    return str(WEEKDAYS_IN_SENTENCE[day.weekday()]) if day else ""


@register.filter
def highlight(text: str, spans) -> SafeString:
    """``text`` escaped, with each (start, end, category) span wrapped in <mark>."""
    pieces, position = [], 0
    for start, end, category in sorted(spans or [], key=lambda s: (s[0], -s[1])):
        if start < position or end <= start:
            continue  # overlapping evidence: the first span already shows it
        pieces.append(escape(text[position:start]))
        pieces.append(
            f'<mark class="evidence" data-category="{escape(category)}">'
            f"{escape(text[start:end])}</mark>"
        )
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped above


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def waiting_since(since: datetime | None, now: datetime | None = None) -> str:
    """How long a crossing has waited for review, by the reader's calendar: "waiting since
    today" rather than "waiting 0 minutes", then yesterday, then "waiting 3 days"."""
    if since is None:
        return ""
    now = now or timezone.now()
    days = (timezone.localdate(now) - timezone.localdate(since)).days
    if days <= 0:
        return _("waiting since today")
    if days == 1:
        return _("waiting since yesterday")
    return _("waiting %(when)s") % {"when": timesince(since, now - timedelta(seconds=1), depth=1)}
