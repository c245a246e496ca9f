"""Scoped reads of referrals. A referral is as private as a journal entry: only the practitioner
who made it ever sees it; anyone else gets a 404."""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from journal.models import Client
from referrals.models import Referral


def referrals_of(user: User) -> QuerySet[Referral]:
    return Referral.objects.filter(owner=user).select_related("client", "service", "entry")


def referral_for_owner(user: User, referral_uuid: UUID | str) -> Referral:
    try:
        return referrals_of(user).get(uuid=referral_uuid)
    except (Referral.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def referrals_without_outcome(user: User) -> QuerySet[Referral]:
    """The user's referrals with no final outcome yet (none recorded, or a waiting list)."""
    return referrals_of(user).filter(outcome__in=["", Referral.Outcome.WAITING])


def referrals_about(clients: Sequence[Client]) -> QuerySet[Referral]:
    """Every referral made for these clients, newest first. The clients come from the journal's
    scoped selectors: whoever may see a client sees the referrals made for them."""
    return Referral.objects.filter(client__in=clients).select_related("client")


@dataclass(frozen=True)
class ReferralsGlance:
    """The practitioner's referrals at a glance."""

    without_outcome: int
    follow_ups_due: int


def glance(user: User) -> ReferralsGlance:
    counts = referrals_without_outcome(user).aggregate(
        without_outcome=Count("pk"),
        follow_ups_due=Count("pk", filter=Q(follow_up_on__lte=timezone.localdate())),
    )
    return ReferralsGlance(**counts)
