"""Web addresses in the directory are links people click: only ``http`` and ``https``.

A ``javascript:`` or ``data:`` address from an import or a public correction would otherwise be
stored and rendered as a link (only the Content-Security-Policy stood in its way); ``ftp:`` and
the rest are refused too. Forms, the HSDS importer and corrections all check with this.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = ("http", "https")
_url = URLValidator(schemes=list(WEB_SCHEMES))

MESSAGE = _("Give a web address that starts with http:// or https://.")


def is_web_address(value: object) -> bool:
    text = str(value or "").strip()
    if not text or len(text) > 2000:
        return False
    try:
        _url(text)
    except ValidationError:
        return False
    return True


def validate_web_address(value: object) -> None:
    """Form and model validator: empty passes (the field decides whether it is required)."""
    if str(value or "").strip() and not is_web_address(value):
        raise ValidationError(MESSAGE, code="web_address")


class WebAddressField(forms.URLField):
    """A URL field that takes only http and https (``www.example.org`` becomes https), with one
    clear message."""

    default_validators = [validate_web_address]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("error_messages", {"invalid": MESSAGE})
        super().__init__(**kwargs)
