"""Scoped reads. Every other app asks these who belongs where and who may see whom.

Functions that fetch one object for a user raise ``Http404`` when it is missing *or* outside the
user's reach, so a response never confirms that something exists in another organisation.
"""

from dataclasses import dataclass, field
from datetime import time
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import (
    AuditEvent,
    Membership,
    Organisation,
    SupervisionLink,
    User,
    WorkingPeriod,
)


def membership_of(user: User) -> Membership | None:
    """The user's membership (with its organisation), or None for anonymous or unattached users."""
    if not user.is_authenticated or not user.is_active:
        return None
    cached = getattr(user, "_limen_membership", False)
    if cached is not False:
        return cached
    membership = Membership.objects.select_related("organisation").filter(user_id=user.pk).first()
    user._limen_membership = membership
    return membership


def organisation_of(user: User) -> Organisation | None:
    membership = membership_of(user)
    return membership.organisation if membership else None


def organisation_with_slug(slug: str) -> Organisation | None:
    """The organisation known by ``slug`` in addresses (e.g. its openly published directory)."""
    return Organisation.objects.filter(slug=slug).first()


def _is_admin(user: User) -> bool:
    # Other modules ask accounts.access.has_role, which builds on membership_of here.
    membership = membership_of(user)
    return bool(membership and membership.is_admin)


def same_organisation(user: User, other: User) -> bool:
    mine, theirs = membership_of(user), membership_of(other)
    return bool(mine and theirs and mine.organisation_id == theirs.organisation_id)


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by(
        "user__full_name", "user__email"
    )


def members_visible_to_admin(user: User) -> QuerySet[Membership]:
    """All memberships of the admin's own organisation; nothing for anyone else."""
    if not _is_admin(user):
        return Membership.objects.none()
    return members_of(membership_of(user).organisation)


def member_for_admin(user: User, member_uuid: UUID | str) -> Membership:
    try:
        return members_visible_to_admin(user).get(uuid=member_uuid)
    except (Membership.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def supervision_links_visible_to_admin(user: User) -> QuerySet[SupervisionLink]:
    if not _is_admin(user):
        return SupervisionLink.objects.none()
    return SupervisionLink.objects.filter(
        organisation=membership_of(user).organisation
    ).select_related("supervisor", "supervisee")


def supervision_link_for_admin(user: User, link_uuid: UUID | str) -> SupervisionLink:
    try:
        return supervision_links_visible_to_admin(user).get(uuid=link_uuid)
    except (SupervisionLink.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def supervisees_of(user: User) -> QuerySet[User]:
    """The people this user supervises, in the same organisation."""
    membership = membership_of(user)
    if not membership or not membership.is_supervisor:
        return User.objects.none()
    return User.objects.filter(
        supervisor_links__supervisor=user,
        supervisor_links__organisation=membership.organisation,
        is_active=True,
    ).order_by("full_name", "email")


def supervisors_of(user: User) -> QuerySet[User]:
    membership = membership_of(user)
    if not membership:
        return User.objects.none()
    return User.objects.filter(
        supervisee_links__supervisee=user,
        supervisee_links__organisation=membership.organisation,
        is_active=True,
    ).order_by("full_name", "email")


def supervises(supervisor: User, supervisee: User) -> bool:
    return supervisees_of(supervisor).filter(pk=supervisee.pk).exists()


def supervision_links_of(user: User) -> QuerySet[SupervisionLink]:
    """Pairs the user is part of, either side."""
    membership = membership_of(user)
    if not membership:
        return SupervisionLink.objects.none()
    return (
        SupervisionLink.objects.filter(organisation=membership.organisation)
        .filter(Q(supervisor=user) | Q(supervisee=user))
        .select_related("supervisor", "supervisee")
    )


def supervisor_links_of_supervisee(user: User) -> QuerySet[SupervisionLink]:
    """Who can read the user's flagged and shared entries (active supervisors), and since when."""
    membership = membership_of(user)
    if not membership:
        return SupervisionLink.objects.none()
    return (
        SupervisionLink.objects.filter(
            organisation=membership.organisation, supervisee=user, supervisor__is_active=True
        )
        .select_related("supervisor")
        .order_by("created_at")
    )


def supervision_link_for_supervisee(user: User, link_uuid: UUID | str) -> SupervisionLink:
    try:
        return supervisor_links_of_supervisee(user).get(uuid=link_uuid)
    except (SupervisionLink.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def working_hours_of(user: User) -> dict[int, tuple[time, time]]:
    """Weekday (0 = Monday) → (start, end) in the user's own time zone.

    Someone who has not set hours gets Monday to Friday, 9:00–17:00.
    """
    periods = {p.weekday: (p.start, p.end) for p in user.working_periods.all()}
    if periods:
        return periods
    default = (WorkingPeriod.DEFAULT_START, WorkingPeriod.DEFAULT_END)
    return dict.fromkeys(WorkingPeriod.DEFAULT_DAYS, default)


def audit_events_for_admin(user: User, limit: int = 50) -> QuerySet[AuditEvent]:
    if not _is_admin(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(organisation=membership_of(user).organisation).select_related(
        "actor"
    )[:limit]


@dataclass(frozen=True)
class AccountGlance:
    """A person's place in their organisation, for the overview, by the roles they hold: new
    supervisors they have not acknowledged yet; their supervisors (practitioners); the people
    they supervise (supervisors); the organisation's size (admins)."""

    new_supervision: list[SupervisionLink] = field(default_factory=list)
    supervisors: list[User] = field(default_factory=list)
    supervisees: list[User] = field(default_factory=list)
    active_members: int = 0
    supervision_pairs: int = 0


def glance(user: User) -> AccountGlance:
    membership = membership_of(user)
    if membership is None:
        return AccountGlance()
    # One query for both: the supervisors (``supervisors_of``) are the people on these links.
    links = list(
        supervisor_links_of_supervisee(user).order_by(
            "supervisor__full_name", "supervisor__email", "created_at"
        )
    )
    return AccountGlance(
        new_supervision=sorted(
            (link for link in links if link.supervisee_acknowledged_at is None),
            key=lambda link: link.created_at,
        ),
        supervisors=[link.supervisor for link in links] if membership.is_practitioner else [],
        supervisees=list(supervisees_of(user)) if membership.is_supervisor else [],
        active_members=(
            members_visible_to_admin(user).filter(user__is_active=True).count()
            if membership.is_admin
            else 0
        ),
        supervision_pairs=(
            supervision_links_visible_to_admin(user).count() if membership.is_admin else 0
        ),
    )
