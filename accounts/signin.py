"""Protection of sign-in and password reset, keyed on one form of each e-mail address.

Sign-in matches addresses case-insensitively and the form strips spaces, so the lock-out and the
reset limits count ``BEN@harbour.example`` and `` ben@harbour.example`` as the same account:
counted raw, every variant of an address got five guesses of its own.
"""

from django.conf import settings
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
