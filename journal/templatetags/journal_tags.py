"""Template helpers for the journal: evidence highlighting."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


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
