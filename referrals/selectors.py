"""Scoped reads of referrals. A referral is as private as a journal entry: only the practitioner
who made it ever sees it; anyone else gets a 404."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from referrals.models import Referral


def referrals_of(user: User) -> QuerySet[Referral]:
    return Referral.objects.filter(owner=user).select_related("client", "service", "entry")


def referral_for_owner(user: User, referral_uuid: UUID | str) -> Referral:
    try:
        return referrals_of(user).get(uuid=referral_uuid)
    except (Referral.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
