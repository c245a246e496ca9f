"""Secrets Limen has to read back, encrypted at rest: Fernet (AES-128-CBC with HMAC-SHA256) from
the ``cryptography`` package.

The key comes from ``LIMEN_SECRET_BOX_KEY`` (a Fernet key; several, comma-separated and newest
first, to rotate). When it is unset, a key is derived from ``SECRET_KEY`` with HKDF-SHA256, so a
stolen database alone never gives the secrets away; changing ``SECRET_KEY`` then makes stored
secrets unreadable (each must be entered again), which is why production should set its own key.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

HKDF_INFO = b"limen secret box v1"


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted with the current keys."""


def _derived_key() -> bytes:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        settings.SECRET_KEY.encode()
    )
    return base64.urlsafe_b64encode(raw)


def _box() -> MultiFernet:
    configured = [k.strip() for k in settings.LIMEN_SECRET_BOX_KEY.split(",") if k.strip()]
    keys = configured or [_derived_key()]
    return MultiFernet([Fernet(key) for key in keys])


def seal(secret: str) -> str:
    return _box().encrypt(secret.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    try:
        return _box().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable from exc
