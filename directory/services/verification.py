"""Verification by a service's own contact: a secret, expiring link e-mailed to the service, on
which its staff confirm the listing or propose corrections that wait for an admin's approval."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_log
from directory import weblinks
from directory.models import (
    PendingCorrection,
    Phone,
    Schedule,
    Service,
    VerificationRequest,
    new_hsds_id,
)
from directory.search.index import service_reindex
from directory.weblinks import is_web_address

VERIFICATION_LINK_DAYS = 14
# A proposed correction's note is cut to this length.
NOTE_MAX_CHARS = 2000


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def verification_requests_revoke(*, service: Service) -> int:
    """End every open link of ``service`` now: a newer one replaces them, and a deactivated
    service has nothing left to confirm. Returns how many were ended."""
    now = timezone.now()
    return VerificationRequest.objects.filter(
        service=service, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)


@transaction.atomic
def verification_request_send(*, service: Service, email: str, by: User) -> VerificationRequest:
    """E-mail the service a secret link (valid ``VERIFICATION_LINK_DAYS``) to confirm or correct
    its listing."""
    token = secrets.token_urlsafe(32)
    # Only the newest link works: an older e-mail forwarded or left in a shared inbox does not.
    verification_requests_revoke(service=service)
    request = VerificationRequest.objects.create(
        service=service,
        email=email,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + timedelta(days=VERIFICATION_LINK_DAYS),
        created_by=by,
    )
    link = settings.SITE_URL + reverse("directory:public_verify", args=[token])
    context = {
        "service": service,
        "link": link,
        "agency": service.owner,
        "days": VERIFICATION_LINK_DAYS,
    }
    body = render_to_string("directory/email/verification_request.txt", context)
    subject = _("Please check your listing in %(agency)s's referral directory") % {
        "agency": service.owner
    }
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    audit_log(
        organisation=service.owner,
        actor=by,
        action="referrals.service.verification_requested",
        target=service,
        data={"email": email},
    )
    return request


def verification_request_by_token(token: str) -> VerificationRequest | None:
    """The open request this token belongs to, or None when unknown, used or expired."""
    if not token or len(token) > 100:
        return None
    request = (
        VerificationRequest.objects.select_related(
            "service", "service__organization", "service__owner"
        )
        .filter(token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    return request


# What a service's contact may correct: fields of the service itself, and two kept in rows of
# their own (its first phone number and its first opening-hours description).
SERVICE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "eligibility_description",
    "application_process",
    "fees_description",
    "interpretation_services",
)
CORRECTABLE_FIELDS = (*SERVICE_FIELDS, "phone", "hours_description")


def correctable_values(service: Service) -> dict[str, str]:
    phone = service.phones.order_by("id").first()
    schedule = service.schedules.exclude(description="").order_by("id").first()
    values = {name: getattr(service, name) for name in SERVICE_FIELDS}
    values["phone"] = phone.number if phone else ""
    values["hours_description"] = schedule.description if schedule else ""
    return values


@transaction.atomic
def verification_confirm(*, request: VerificationRequest) -> Service:
    """The service's contact says the listing is right: it counts as verified today."""
    request = VerificationRequest.objects.select_for_update().get(pk=request.pk)
    if request.used_at is not None:
        raise ValidationError(_("This link was used already."))
    request.used_at = timezone.now()
    request.save(update_fields=["used_at"])
    service = request.service
    service.assured_date = timezone.localdate()
    service.assurer_email = request.email
    service.save(update_fields=["assured_date", "assurer_email", "updated_at"])
    audit_log(
        organisation=service.owner,
        actor=None,
        action="referrals.service.verified_by_contact",
        target=service,
        data={"email": request.email},
    )
    return service


@transaction.atomic
def correction_submit(
    *, request: VerificationRequest, proposed: dict[str, str], note: str
) -> PendingCorrection | None:
    """Store what the contact wants changed; nothing is published until an admin approves."""
    request = VerificationRequest.objects.select_for_update().get(pk=request.pk)
    if request.used_at is not None:
        raise ValidationError(_("This link was used already."))
    if (proposed.get("url") or "").strip() and not is_web_address(proposed["url"]):
        raise ValidationError({"url": weblinks.MESSAGE})
    current = correctable_values(request.service)
    changes = {
        name: [current[name], value.strip()]
        for name, value in proposed.items()
        if name in current and value.strip() != (current[name] or "").strip()
    }
    request.used_at = timezone.now()
    request.save(update_fields=["used_at"])
    if not changes and not note.strip():
        return None
    correction = PendingCorrection.objects.create(
        service=request.service,
        request=request,
        submitted_by_email=request.email,
        changes=changes,
        note=note.strip()[:NOTE_MAX_CHARS],
    )
    audit_log(
        organisation=request.service.owner,
        actor=None,
        action="referrals.correction.submitted",
        target=correction,
        data={"fields": sorted(changes), "email": request.email},
    )
    return correction


@transaction.atomic
def correction_approve(*, correction: PendingCorrection, by: User) -> Service:
    """Publish a proposed correction; the listing counts as verified by its contact today."""
    correction = PendingCorrection.objects.select_for_update().get(pk=correction.pk)
    if correction.status != PendingCorrection.Status.PENDING:
        raise ValidationError(_("This correction was decided already."))
    service = correction.service
    url = correction.changes.get("url")
    if url and url[1] and not is_web_address(url[1]):
        # Proposed before web addresses were checked: refused rather than published as a link.
        raise ValidationError({"url": weblinks.MESSAGE})
    for name, (_before, after) in correction.changes.items():
        if name == "phone":
            phone = service.phones.order_by("id").first()
            if phone is None:
                phone = Phone(owner=service.owner, hsds_id=new_hsds_id(), service=service)
            phone.number = after
            phone.save()
        elif name == "hours_description":
            schedule = service.schedules.order_by("id").first()
            if schedule is None:
                schedule = Schedule(owner=service.owner, hsds_id=new_hsds_id(), service=service)
            schedule.description = after
            schedule.save()
        elif name in SERVICE_FIELDS:
            setattr(service, name, after)
    service.assured_date = timezone.localdate()
    service.assurer_email = correction.submitted_by_email
    service.last_modified = timezone.now()
    service.full_clean(exclude=["organization", "owner"], validate_unique=False)
    service.save()
    service_reindex([service.pk])
    correction.status = PendingCorrection.Status.APPROVED
    correction.decided_by = by
    correction.decided_at = timezone.now()
    correction.save(update_fields=["status", "decided_by", "decided_at"])
    audit_log(
        organisation=service.owner,
        actor=by,
        action="referrals.correction.approved",
        target=correction,
        data={"fields": sorted(correction.changes)},
    )
    return service


@transaction.atomic
def correction_reject(*, correction: PendingCorrection, by: User) -> PendingCorrection:
    correction = PendingCorrection.objects.select_for_update().get(pk=correction.pk)
    if correction.status != PendingCorrection.Status.PENDING:
        raise ValidationError(_("This correction was decided already."))
    correction.status = PendingCorrection.Status.REJECTED
    correction.decided_by = by
    correction.decided_at = timezone.now()
    correction.save(update_fields=["status", "decided_by", "decided_at"])
    audit_log(
        organisation=correction.service.owner,
        actor=by,
        action="referrals.correction.rejected",
        target=correction,
    )
    return correction
