"""The signed "stop these e-mails" link in every digest: it names a person and a kind of reminder.

Its own module because both the e-mail (``delivery``) and the page the link opens (``selectors``)
need it, and neither should import the other.
"""

from django.core import signing

from accounts.models import User

UNSUBSCRIBE_SALT = "reminders.unsubscribe"


def unsubscribe_token(user: User, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_payload(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a link in a digest, or None when it was tampered with."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["u"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
