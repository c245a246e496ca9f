"""Protection of sign-in and password reset, keyed on one form of each e-mail address.

Sign-in matches addresses case-insensitively and the form strips spaces, so the lock-out and the
reset limits count ``BEN@harbour.example`` and `` ben@harbour.example`` as the same account:
counted raw, every variant of an address got five guesses of its own.
"""

import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def normalised_email(value: object) -> str:
    """The address as sign-in compares it: without surrounding spaces, lower-case."""
    return str(value or "").strip().lower()


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the address being tried, normalised, from the credentials
    handed to ``authenticate`` or else from the posted form."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    return None if value is None else normalised_email(value)


def _count(kind: str, value: str) -> int:
    """Requests for ``value`` in the current window (the first one opens the window)."""
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    key = f"limen:password-reset:{kind}:{digest}"
    window = settings.PASSWORD_RESET_RATE_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    """At most a few reset e-mails per account and per client address in each window.

    Both are counted whether or not the address belongs to anyone, so a refusal tells nothing
    about which addresses have accounts; and the account is counted by its normalised address.
    """
    per_account = _count("account", normalised_email(email))
    per_address = _count("ip", get_client_ip_address(request) or "unknown")
    return (
        per_account <= settings.PASSWORD_RESET_RATE_PER_ACCOUNT
        and per_address <= settings.PASSWORD_RESET_RATE_PER_ADDRESS
    )
