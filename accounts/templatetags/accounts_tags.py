"""Template helpers for accounts: the rules that sentences in its pages and e-mails name."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def password_link_hours() -> int:
    """How many hours a link to choose a password works (``PASSWORD_RESET_TIMEOUT``)."""
    return settings.PASSWORD_RESET_TIMEOUT // 3600


@register.simple_tag
def sign_in_pause_minutes() -> int:
    """How many minutes sign-in pauses after too many failed attempts (``AXES_COOLOFF_TIME``)."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
