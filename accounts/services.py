"""Writes for accounts: members, roles, supervision pairs, profiles. Each runs in a transaction
and leaves an audit entry beside the change."""

import logging
from collections.abc import Iterable, Mapping
from datetime import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.access import Role
from accounts.forms import LocalisedPasswordResetForm
from accounts.models import (
    AuditEvent,
    Membership,
    Organisation,
    SupervisionLink,
    User,
    WorkingPeriod,
)
from accounts.signals import working_time_changed

logger = logging.getLogger(__name__)


def audit_log(
    *,
    organisation: Organisation,
    actor: User | None,
    action: str,
    target: Any = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record ``action`` (a namespaced verb such as ``accounts.member.added``)."""
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(getattr(target, "uuid", None) or getattr(target, "pk", "")) if target else "",
        data=dict(data or {}),
    )


def _roles_data(membership: Membership) -> dict[str, bool]:
    return {role.value: membership.holds(role) for role in Role}


def send_password_setup_email(*, user: User, request=None, invited_by: User | None = None) -> None:
    """E-mail a link to choose a password, in the person's own language. With ``invited_by``
    it is an invitation: it names the agency and the admin who added the person, so that they
    know the e-mail is expected and from whom.

    Django's reset form skips accounts without a usable password, which is exactly what a newly
    added member has, so the link is built here with the same token generator.
    """
    from django.contrib.auth.tokens import default_token_generator
    from django.contrib.sites.requests import RequestSite
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    site = RequestSite(request) if request else None
    context = {
        "email": user.email,
        "domain": site.domain if site else settings.SITE_URL.split("://", 1)[-1],
        "site_name": "Limen",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": ("https" if request.is_secure() else "http")
        if request
        else settings.SITE_URL.split("://", 1)[0],
    }
    templates = "registration/password_reset"
    if invited_by is not None:
        templates = "registration/invitation"
        membership = getattr(user, "membership", None)
        context["organisation"] = membership.organisation.name if membership else ""
        context["inviter"] = invited_by.get_full_name() or invited_by.email
    LocalisedPasswordResetForm().send_mail(
        f"{templates}_subject.txt",
        f"{templates}_email.txt",
        context,
        None,
        user.email,
        html_email_template_name=f"{templates}_email.html",
    )


def _existing_account_message(user: User, organisation: Organisation) -> str:
    """What an admin can do about an address that already has an account. Which other
    organisation holds it is not said: that is the other organisation's business."""
    membership = getattr(user, "membership", None)
    if membership is not None and membership.organisation_id == organisation.pk:
        if not user.is_active:
            return _(
                "%(name)s is already a member of your organisation, deactivated. Find them in "
                "the member list and reactivate them."
            ) % {"name": user}
        return _(
            "%(name)s is already a member of your organisation. Find them in the member list "
            "to change their roles, or to send a new sign-in link."
        ) % {"name": user}
    return _(
        "This address already has a Limen account in another organisation, and an account "
        "belongs to one organisation only, so that notes about one agency's clients never reach "
        "another. Ask the person for another work address to add them here (someone who works "
        "for two agencies has an account at each), or ask them to have the other account closed "
        "first."
    )


@transaction.atomic
def member_add(
    *,
    organisation: Organisation,
    email: str,
    full_name: str,
    language: str,
    is_practitioner: bool,
    is_supervisor: bool,
    is_admin: bool,
    by: User,
) -> Membership:
    """Create an account in ``organisation``; the person sets a password from an e-mailed link."""
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).select_related("membership").first()
    if existing is not None:
        raise ValidationError({"email": _existing_account_message(existing, organisation)})
    if not (is_practitioner or is_supervisor or is_admin):
        raise ValidationError(_("Give the member at least one role."))
    user = User.objects.create_user(email=email, full_name=full_name.strip(), language=language)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    membership = Membership.objects.create(
        user=user,
        organisation=organisation,
        is_practitioner=is_practitioner,
        is_supervisor=is_supervisor,
        is_admin=is_admin,
    )
    audit_log(
        organisation=organisation,
        actor=by,
        action="accounts.member.added",
        target=membership,
        data={"email": email, **_roles_data(membership)},
    )
    return membership


@transaction.atomic
def member_update(
    *,
    membership: Membership,
    full_name: str,
    is_practitioner: bool,
    is_supervisor: bool,
    is_admin: bool,
    by: User,
) -> Membership:
    """Change a member's name and roles, keeping at least one admin and every pair valid."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not (is_practitioner or is_supervisor or is_admin):
        raise ValidationError(_("Give the member at least one role."))
    if membership.is_admin and not is_admin:
        other_admins = Membership.objects.filter(
            organisation=membership.organisation, is_admin=True, user__is_active=True
        ).exclude(pk=membership.pk)
        if not other_admins.exists():
            raise ValidationError(_("An organisation needs at least one admin."))
    has_pairs = SupervisionLink.objects.filter(supervisor=membership.user).exists()
    if membership.is_supervisor and not is_supervisor and has_pairs:
        raise ValidationError(
            _("Remove this person's supervision pairs before taking the supervisor role away.")
        )
    before = _roles_data(membership)
    membership.is_practitioner = is_practitioner
    membership.is_supervisor = is_supervisor
    membership.is_admin = is_admin
    membership.save(update_fields=["is_practitioner", "is_supervisor", "is_admin"])
    if membership.user.full_name != full_name.strip():
        membership.user.full_name = full_name.strip()
        membership.user.save(update_fields=["full_name"])
    audit_log(
        organisation=membership.organisation,
        actor=by,
        action="accounts.member.updated",
        target=membership,
        data={"before": before, "after": _roles_data(membership)},
    )
    return membership


@transaction.atomic
def member_set_active(*, membership: Membership, active: bool, by: User) -> Membership:
    """Deactivate (sign-in refused, data kept) or reactivate a member."""
    if membership.user_id == by.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not active and membership.is_admin:
        other_admins = Membership.objects.filter(
            organisation=membership.organisation, is_admin=True, user__is_active=True
        ).exclude(pk=membership.pk)
        if not other_admins.exists():
            raise ValidationError(_("An organisation needs at least one active admin."))
    membership.user.is_active = active
    fields = ["is_active"]
    if not active:
        # Every session ends now, not merely while the account is off: reactivating must not
        # bring an old session (on a shared or lost computer) back to life.
        membership.user.session_generation += 1
        fields.append("session_generation")
    membership.user.save(update_fields=fields)
    audit_log(
        organisation=membership.organisation,
        actor=by,
        action="accounts.member.reactivated" if active else "accounts.member.deactivated",
        target=membership,
    )
    return membership


def _check_pair(organisation: Organisation, supervisor: User, supervisee: User) -> None:
    if supervisor.pk == supervisee.pk:
        raise ValidationError(_("Nobody can supervise themselves."))
    members = {
        m.user_id: m
        for m in Membership.objects.filter(
            organisation=organisation, user_id__in=[supervisor.pk, supervisee.pk]
        )
    }
    if supervisor.pk not in members or supervisee.pk not in members:
        raise ValidationError(_("Both people must be members of this organisation."))
    if not members[supervisor.pk].is_supervisor:
        raise ValidationError({"supervisor": _("Give this person the supervisor role first.")})


@transaction.atomic
def supervision_link_create(
    *,
    organisation: Organisation,
    supervisor: User,
    supervisee: User,
    cadence_weeks: int,
    by: User,
) -> SupervisionLink:
    """Pair a supervisor with a supervisee, who is told in Limen and by e-mail.

    A pair lets the supervisor read the supervisee's flagged and shared entries, so no admin
    grants it to themselves: another admin must make a pair with them as supervisor.
    """
    if supervisor.pk == by.pk:
        raise ValidationError(
            {
                "supervisor": _(
                    "Another admin must pair you with a supervisee: nobody gives themselves "
                    "access to someone's notes."
                )
            }
        )
    _check_pair(organisation, supervisor, supervisee)
    if SupervisionLink.objects.filter(supervisor=supervisor, supervisee=supervisee).exists():
        raise ValidationError(_("This supervision pair exists already."))
    link = SupervisionLink.objects.create(
        organisation=organisation,
        supervisor=supervisor,
        supervisee=supervisee,
        cadence_weeks=cadence_weeks,
    )
    transaction.on_commit(lambda: send_supervisor_linked_email(link=link, by=by))
    audit_log(
        organisation=organisation,
        actor=by,
        action="accounts.supervision.added",
        target=link,
        data={
            "supervisor": supervisor.email,
            "supervisee": supervisee.email,
            "cadence_weeks": cadence_weeks,
        },
    )
    return link


def send_supervisor_linked_email(*, link: SupervisionLink, by: User) -> None:
    """Tell the supervisee, in their language, who can now read their flagged entries.

    Sent after the pair is committed. A mail server that refuses it is logged and does not undo
    the pair: the notice on the supervisee's overview stays until they dismiss it.
    """
    supervisee = link.supervisee
    with translation.override(supervisee.language or settings.LANGUAGE_CODE):
        context = {
            "name": supervisee.get_short_name(),
            "supervisor": link.supervisor.get_full_name(),
            "admin": by.get_full_name(),
            "organisation": link.organisation.name,
            "date": date_format(timezone.localtime(link.created_at, supervisee.tzinfo)),
            "link": settings.SITE_URL + reverse("profile") + "#supervision",
        }
        subject = _("%(supervisor)s is now your supervisor in Limen") % context
        body = (
            _(
                "Hello %(name)s,\n\n"
                "On %(date)s, %(admin)s made %(supervisor)s your supervisor in "
                "%(organisation)s.\n\n"
                "From now on %(supervisor)s can read the journal entries in which you confirmed a "
                "boundary crossing or reported one yourself, and the entries you share with "
                "supervision. Each time they read one, the entry shows it to you.\n\n"
                "Your profile lists everyone who can read your flagged entries, and since when:\n"
                "%(link)s\n\n"
                "If you did not expect this, ask your organisation's admins about it."
            )
            % context
        )
    try:
        send_mail(subject, body, None, [supervisee.email])
    except Exception:  # the in-app notice still tells them
        logger.exception("Could not e-mail supervision pair %s to its supervisee", link.uuid)


@transaction.atomic
def supervision_link_acknowledge(*, link: SupervisionLink, by: User) -> SupervisionLink:
    """The supervisee has read the notice about their new supervisor; it is no longer shown."""
    if link.supervisee_id != by.pk:
        raise ValueError("only the supervisee acknowledges a new supervisor")
    if link.supervisee_acknowledged_at is None:
        link.supervisee_acknowledged_at = timezone.now()
        link.save(update_fields=["supervisee_acknowledged_at"])
    return link


@transaction.atomic
def supervision_link_update(
    *, link: SupervisionLink, cadence_weeks: int, by: User
) -> SupervisionLink:
    before = link.cadence_weeks
    link.cadence_weeks = cadence_weeks
    link.save(update_fields=["cadence_weeks"])
    audit_log(
        organisation=link.organisation,
        actor=by,
        action="accounts.supervision.updated",
        target=link,
        data={"cadence_weeks": [before, cadence_weeks]},
    )
    return link


@transaction.atomic
def supervision_link_delete(*, link: SupervisionLink, by: User) -> None:
    audit_log(
        organisation=link.organisation,
        actor=by,
        action="accounts.supervision.removed",
        target=link,
        data={"supervisor": link.supervisor.email, "supervisee": link.supervisee.email},
    )
    link.delete()


@transaction.atomic
def profile_update(
    *,
    user: User,
    full_name: str,
    language: str,
    time_zone: str,
    working_hours: Iterable[tuple[int, time, time]],
) -> User:
    """Save a person's own name, language, time zone and weekly working hours (replaced whole)."""
    user.full_name = full_name.strip()
    user.language = language
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "language", "time_zone"])
    WorkingPeriod.objects.filter(user=user).delete()
    WorkingPeriod.objects.bulk_create(
        WorkingPeriod(user=user, weekday=day, start=start, end=end)
        for day, start, end in working_hours
    )
    working_time_changed.send(sender=User, user=user)
    return user
