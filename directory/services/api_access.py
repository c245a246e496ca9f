"""Who may read an agency's directory on the HSDS API: read tokens and open publication.

A token is shown once, when it is made; only its SHA-256 hash is stored (it is 256 random bits,
so a plain hash is enough: there is nothing to guess). Revoking keeps the row, with its last use,
for the record.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.services import audit_log
from directory.models import ApiToken, DirectoryPublication

TOKEN_PREFIX = "limen_"
# Writing the last use on every request would turn each read into a write; a minute is precise
# enough to tell an admin whether a token is still in use.
LAST_USE_PRECISION = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, organisation: Organisation, name: str, by: User) -> tuple[ApiToken, str]:
    """Make a read token; returns the row and the token itself, which is never shown again."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(
            organisation=organisation,
            name=name,
            prefix=token[: len(TOKEN_PREFIX) + 6],
            token_hash=_hash(token),
            created_by=by,
        )
        audit_log(
            organisation=organisation,
            actor=by,
            action="directory.api_token.created",
            data={"token": str(row.uuid), "name": name},
        )
    return row, token


def api_token_revoke(*, token: ApiToken, by: User) -> None:
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        if updated:
            audit_log(
                organisation=token.organisation,
                actor=by,
                action="directory.api_token.revoked",
                data={"token": str(token.uuid), "name": token.name},
            )


def directory_publish(*, organisation: Organisation, is_open: bool, by: User) -> None:
    """Publish the directory openly on the HSDS API, or keep it for token holders only."""
    with transaction.atomic():
        DirectoryPublication.objects.update_or_create(
            organisation=organisation, defaults={"is_open": is_open}
        )
        audit_log(
            organisation=organisation,
            actor=by,
            action="directory.api.published" if is_open else "directory.api.unpublished",
            data={},
        )


def api_token_authenticate(token: str) -> Organisation | None:
    """The organisation a live token reads, noting its use; None for an unknown or revoked one."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = (
        ApiToken.objects.select_related("organisation")
        .filter(token_hash=_hash(token), revoked_at=None)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USE_PRECISION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.organisation


def is_published(organisation: Organisation) -> bool:
    return DirectoryPublication.objects.filter(organisation=organisation, is_open=True).exists()
