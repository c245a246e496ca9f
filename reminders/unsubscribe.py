"""The signed "stop these e-mails" link in every digest: it names a person and a kind of reminder,
and works for ``UNSUBSCRIBE_LINK_MAX_AGE`` after the e-mail was written.

RFC 8058 lets the one-click link carry its own credential (mail providers post to it without
cookies), and nothing in it forbids that credential from expiring: an old e-mail lying in a
forwarded thread or a shared mailbox should not change someone's settings for ever.

Its own module because both the e-mail (``delivery``) and the page the link opens (``selectors``)
need it, and neither should import the other.
"""

from datetime import timedelta

from django.core import signing

from accounts.models import User

UNSUBSCRIBE_SALT = "reminders.unsubscribe"
UNSUBSCRIBE_LINK_MAX_AGE = timedelta(days=60)


class UnsubscribeLinkExpired(Exception):
    """The link was signed by Limen but is older than ``UNSUBSCRIBE_LINK_MAX_AGE``."""


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user: User, kind: str) -> str:
    return _signer().sign_object({"u": user.pk, "k": kind}, compress=True)


def unsubscribe_payload(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a link in a digest, or None when it was tampered with. Raises
    ``UnsubscribeLinkExpired`` for a genuine link that is too old."""
    try:
        data = _signer().unsign_object(token, max_age=UNSUBSCRIBE_LINK_MAX_AGE)
        return int(data["u"]), str(data["k"])
    except signing.SignatureExpired as exc:
        raise UnsubscribeLinkExpired from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
