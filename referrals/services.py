"""Writes for the directory and referrals. Each runs in a transaction and writes its audit entry;
reminders are scheduled in the same transaction as their cause."""

import hashlib
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.services import audit_log
from referrals.hsds import importer, reader
from referrals.models import (
    WEEKDAY_CODES,
    Address,
    Attribute,
    DirectoryImport,
    Language,
    Location,
    Organization,
    PendingCorrection,
    Phone,
    Referral,
    Schedule,
    SearchWord,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
    VerificationRequest,
)
from referrals.reminders import referral_followup_cancel, referral_followup_schedule
from referrals.search import index_services

# An import of this many services or more runs on the worker, with a progress bar.
ASYNC_IMPORT_SERVICES = 5000
# An upload this large is checked on the worker too, so no web request waits on it.
ASYNC_CHECK_BYTES = 2 * 1024 * 1024
VERIFICATION_LINK_DAYS = 14


def _new_id() -> str:
    return str(uuid.uuid4())


# --- Search index ---------------------------------------------------------------------------


def service_reindex(service_ids: Iterable[int]) -> int:
    """Recompute the search and filter documents of these services (see search.py)."""
    return index_services(Service, SearchWord, service_ids)


# --- Editing --------------------------------------------------------------------------------


@dataclass
class ServiceData:
    """What the admin's service form edits: the service and its first phone, place and hours."""

    name: str
    organization_name: str
    description: str = ""
    alternate_name: str = ""
    status: str = Service.Status.ACTIVE
    eligibility_description: str = ""
    application_process: str = ""
    fees_description: str = ""
    interpretation_services: str = ""
    url: str = ""
    email: str = ""
    categories: tuple[TaxonomyTerm, ...] = ()
    languages: tuple[str, ...] = ()
    phone: str = ""
    location_name: str = ""
    address_1: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    is_confidential: bool = False
    service_areas: tuple[str, ...] = ()
    # weekday code -> (opens, closes), or None to leave the opening hours untouched
    hours: dict[str, tuple[time, time]] | None = None


def service_form_initial(service: Service) -> dict[str, Any]:
    """The form's starting values for a prefetched service."""
    sal = next(iter(service.at_locations.all()), None)
    location = sal.location if sal else None
    address = next(iter(location.addresses.all()), None) if location else None
    phone = next(iter(service.phones.all()), None)
    return {
        "name": service.name,
        "alternate_name": service.alternate_name,
        "organization_name": service.organization.name,
        "description": service.description,
        "status": service.status,
        "eligibility_description": service.eligibility_description,
        "application_process": service.application_process,
        "fees_description": service.fees_description,
        "interpretation_services": service.interpretation_services,
        "url": service.url,
        "email": service.email,
        "categories": [a.taxonomy_term_id for a in service.attributes.all()],
        "languages": ", ".join(
            dict.fromkeys(lang.code for lang in service.languages.all() if lang.code)
        ),
        "phone": phone.number if phone else "",
        "location_name": location.name if location else "",
        "address_1": address.address_1 if address else "",
        "postal_code": address.postal_code if address else "",
        "city": address.city if address else "",
        "country": address.country if address else "",
        "is_confidential": location.is_confidential if location else False,
        "service_areas": ", ".join(a.name for a in service.service_areas.all()),
        **{f"hours_{code.lower()}": text for code, text in hours_text(service).items()},
    }


def hours_text(service: Service) -> dict[str, str]:
    """Weekday code -> "09:00-17:00" from a prefetched service's weekly schedules."""
    schedules = list(service.schedules.all())
    for sal in service.at_locations.all():
        schedules.extend(sal.schedules.all())
    text = dict.fromkeys(WEEKDAY_CODES, "")
    for schedule in schedules:
        if schedule.opens_at and schedule.closes_at:
            for day in schedule.days:
                if day in text and not text[day]:
                    text[day] = f"{schedule.opens_at:%H:%M}-{schedule.closes_at:%H:%M}"
    return text


@transaction.atomic
def service_save(
    *, owner: Organisation, data: ServiceData, by: User, service: Service | None = None
) -> Service:
    """Create or update a service from the admin's form, with its first phone, place and hours."""
    organization = Organization.objects.filter(owner=owner, name=data.organization_name).first()
    if organization is None:
        organization = Organization.objects.create(
            owner=owner, hsds_id=_new_id(), name=data.organization_name
        )
    created = service is None
    if created:
        service = Service(owner=owner, hsds_id=_new_id())
    for name in (
        "name",
        "alternate_name",
        "description",
        "status",
        "eligibility_description",
        "application_process",
        "fees_description",
        "interpretation_services",
        "url",
        "email",
    ):
        setattr(service, name, getattr(data, name))
    service.organization = organization
    service.last_modified = timezone.now()
    service.save()

    phone = service.phones.order_by("id").first()
    if data.phone:
        if phone is None:
            phone = Phone(owner=owner, hsds_id=_new_id(), service=service)
        phone.number = data.phone
        phone.save()
    elif phone is not None:
        phone.delete()

    sal = service.at_locations.select_related("location").order_by("id").first()
    if data.location_name or data.address_1 or data.city:
        if sal is None:
            location = Location.objects.create(
                owner=owner, hsds_id=_new_id(), organization=organization, name=data.location_name
            )
            sal = ServiceAtLocation.objects.create(
                owner=owner, hsds_id=_new_id(), service=service, location=location
            )
        location = sal.location
        location.name = data.location_name
        location.is_confidential = data.is_confidential
        location.save(update_fields=["name", "is_confidential"])
        address = location.addresses.order_by("id").first()
        if data.address_1 and data.city:
            address = address or Address(owner=owner, hsds_id=_new_id(), location=location)
            address.address_1 = data.address_1
            address.postal_code = data.postal_code
            address.city = data.city
            address.country = data.country or "NL"
            address.save()

    wanted = {code.lower() for code in data.languages}
    current = {lang.code.lower(): lang for lang in service.languages.all()}
    for code, lang in current.items():
        if code not in wanted:
            lang.delete()
    from referrals.selectors import language_label

    Language.objects.bulk_create(
        Language(
            owner=owner,
            hsds_id=_new_id(),
            service=service,
            code=code,
            name=str(language_label(code)),
        )
        for code in sorted(wanted - current.keys())
    )

    wanted_terms = {t.pk: t for t in data.categories}
    attributes = {a.taxonomy_term_id: a for a in service.attributes.all()}
    for term_id, attribute in attributes.items():
        if term_id not in wanted_terms:
            attribute.delete()
    Attribute.objects.bulk_create(
        Attribute(
            owner=owner,
            hsds_id=_new_id(),
            taxonomy_term=term,
            link_id=service.hsds_id,
            link_type="category",
            link_entity="service",
            service=service,
        )
        for pk, term in wanted_terms.items()
        if pk not in attributes
    )

    areas = {a.name: a for a in service.service_areas.all()}
    for name, area in areas.items():
        if name not in data.service_areas:
            area.delete()
    ServiceArea.objects.bulk_create(
        ServiceArea(owner=owner, hsds_id=_new_id(), service=service, name=name)
        for name in data.service_areas
        if name not in areas
    )

    if data.hours is not None:
        Schedule.objects.filter(
            Q(service=service) | Q(service_at_location__service=service)
        ).delete()
        groups: dict[tuple[time, time], list[str]] = {}
        for code in WEEKDAY_CODES:
            if code in data.hours:
                groups.setdefault(data.hours[code], []).append(code)
        Schedule.objects.bulk_create(
            Schedule(
                owner=owner,
                hsds_id=_new_id(),
                service=service,
                freq="WEEKLY",
                byday=",".join(days),
                opens_at=opens,
                closes_at=closes,
            )
            for (opens, closes), days in groups.items()
        )

    service_reindex([service.pk])
    audit_log(
        organisation=owner,
        actor=by,
        action="referrals.service.created" if created else "referrals.service.updated",
        target=service,
        data={"name": service.name},
    )
    return service


@transaction.atomic
def service_set_status(*, service: Service, status: str, by: User) -> Service:
    """Deactivate or reactivate a service (HSDS status)."""
    if status not in Service.Status.values:
        raise ValidationError(_("Unknown status."))
    before = service.status
    service.status = status
    service.save(update_fields=["status", "updated_at"])
    audit_log(
        organisation=service.owner,
        actor=by,
        action="referrals.service.status_changed",
        target=service,
        data={"before": before, "after": status},
    )
    return service


@transaction.atomic
def service_set_do_not_refer(
    *, service: Service, do_not_refer: bool, reason: str, by: User
) -> Service:
    """Keep a service listed but warn everyone not to refer to it (or lift that warning)."""
    service.do_not_refer = do_not_refer
    service.do_not_refer_reason = reason.strip()[:500] if do_not_refer else ""
    service.save(update_fields=["do_not_refer", "do_not_refer_reason", "updated_at"])
    audit_log(
        organisation=service.owner,
        actor=by,
        action="referrals.service.do_not_refer"
        if do_not_refer
        else "referrals.service.refer_again",
        target=service,
        data={"reason": service.do_not_refer_reason},
    )
    return service


@transaction.atomic
def service_verify(*, service: Service, by: User, today: date | None = None) -> Service:
    """Record that an admin checked the listing today (HSDS assured_date / assurer_email)."""
    service.assured_date = today or timezone.localdate()
    service.assurer_email = by.email
    service.save(update_fields=["assured_date", "assurer_email", "updated_at"])
    audit_log(
        organisation=service.owner, actor=by, action="referrals.service.verified", target=service
    )
    return service


@transaction.atomic
def term_create(
    *, owner: Organisation, name: str, labels: dict[str, str], by: User
) -> TaxonomyTerm:
    """Add one of the agency's own categories."""
    name = name.strip()
    if TaxonomyTerm.objects.filter(Q(owner=owner) | Q(owner=None), name__iexact=name).exists():
        raise ValidationError({"name": _("A category with this name exists already.")})
    term = TaxonomyTerm.objects.create(
        owner=owner,
        hsds_id=_new_id(),
        name=name,
        description=name,
        code="",
        language="en",
        labels={k: v.strip() for k, v in labels.items() if v.strip()},
    )
    audit_log(
        organisation=owner,
        actor=by,
        action="referrals.category.created",
        target=term,
        data={"name": name},
    )
    return term


# --- Self-service verification ----------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def verification_request_send(*, service: Service, email: str, by: User) -> VerificationRequest:
    """E-mail the service a secret link (valid 14 days) to confirm or correct its listing."""
    token = secrets.token_urlsafe(32)
    request = VerificationRequest.objects.create(
        service=service,
        email=email,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + timedelta(days=VERIFICATION_LINK_DAYS),
        created_by=by,
    )
    link = settings.SITE_URL + reverse("referrals:public_verify", args=[token])
    context = {
        "service": service,
        "link": link,
        "agency": service.owner,
        "days": VERIFICATION_LINK_DAYS,
    }
    body = render_to_string("referrals/email/verification_request.txt", context)
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


CORRECTABLE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "eligibility_description",
    "application_process",
    "fees_description",
    "interpretation_services",
    "phone",
    "hours_description",
)


def correctable_values(service: Service) -> dict[str, str]:
    phone = service.phones.order_by("id").first()
    schedule = service.schedules.exclude(description="").order_by("id").first()
    values = {name: getattr(service, name) for name in CORRECTABLE_FIELDS[:8]}
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
        note=note.strip()[:2000],
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
    for name, (_before, after) in correction.changes.items():
        if name == "phone":
            phone = service.phones.order_by("id").first()
            if phone is None:
                phone = Phone(owner=service.owner, hsds_id=_new_id(), service=service)
            phone.number = after
            phone.save()
        elif name == "hours_description":
            schedule = service.schedules.order_by("id").first()
            if schedule is None:
                schedule = Schedule(owner=service.owner, hsds_id=_new_id(), service=service)
            schedule.description = after
            schedule.save()
        elif name in CORRECTABLE_FIELDS:
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


# --- Import -------------------------------------------------------------------------------------


def _progress_key(directory_import: DirectoryImport) -> str:
    return f"referrals:import-progress:{directory_import.pk}"


def import_progress(directory_import: DirectoryImport) -> int:
    """Progress in percent; while writing, the database row cannot show it (one transaction)."""
    return max(
        directory_import.progress, caches["progress"].get(_progress_key(directory_import), 0)
    )


def _set_progress(directory_import: DirectoryImport, percent: int, *, stored: bool) -> None:
    caches["progress"].set(_progress_key(directory_import), percent, 3600)
    if stored:
        DirectoryImport.objects.filter(pk=directory_import.pk).update(progress=percent)


@transaction.atomic
def directory_import_create(
    *, organisation: Organisation, filename: str, payload: bytes, by: User
) -> DirectoryImport:
    directory_import = DirectoryImport.objects.create(
        organisation=organisation,
        created_by=by,
        filename=Path(filename).name[:255],
        payload=payload,
    )
    audit_log(
        organisation=organisation,
        actor=by,
        action="referrals.import.uploaded",
        target=directory_import,
        data={"filename": directory_import.filename, "bytes": len(payload)},
    )
    return directory_import


def directory_import_should_run_async(directory_import: DirectoryImport) -> bool:
    if directory_import.status == DirectoryImport.Status.UPLOADED:
        return len(directory_import.payload or b"") >= ASYNC_CHECK_BYTES
    return directory_import.summary.get("services", 0) >= ASYNC_IMPORT_SERVICES


def _claim(directory_import: DirectoryImport, source: str, target: str) -> bool:
    # Compare-and-swap, so that a redelivered task never runs the same step twice.
    return bool(
        DirectoryImport.objects.filter(pk=directory_import.pk, status=source).update(status=target)
    )


def directory_import_check(*, directory_import: DirectoryImport) -> DirectoryImport:
    """Validate an uploaded package (nothing is written to the directory)."""
    if not _claim(
        directory_import, DirectoryImport.Status.UPLOADED, DirectoryImport.Status.VALIDATING
    ):
        directory_import.refresh_from_db()
        return directory_import
    directory_import.refresh_from_db()
    package = reader.read_upload(bytes(directory_import.payload or b""), directory_import.filename)
    _dataset, report = importer.check(
        directory_import.organisation,
        package,
        progress=lambda p: _set_progress(directory_import, p // 2, stored=True),
    )
    directory_import.errors = [p.as_dict() for p in report.errors]
    directory_import.warnings = [p.as_dict() for p in report.warnings[: importer.MAX_ERRORS]]
    directory_import.summary = report.summary()
    directory_import.status = (
        DirectoryImport.Status.VALID if report.ok else DirectoryImport.Status.INVALID
    )
    directory_import.progress = 0
    if not report.ok:
        directory_import.payload = None
        directory_import.finished_at = timezone.now()
    directory_import.save()
    return directory_import


@transaction.atomic
def directory_import_confirm(*, directory_import: DirectoryImport, by: User) -> DirectoryImport:
    if not _claim(directory_import, DirectoryImport.Status.VALID, DirectoryImport.Status.CONFIRMED):
        raise ValidationError(_("This import cannot be confirmed now."))
    directory_import.refresh_from_db()
    audit_log(
        organisation=directory_import.organisation,
        actor=by,
        action="referrals.import.confirmed",
        target=directory_import,
    )
    return directory_import


def directory_import_apply(*, directory_import: DirectoryImport) -> DirectoryImport:
    """Write a confirmed import, all or nothing. The package is validated again first, against
    the directory as it is now."""
    if not _claim(
        directory_import, DirectoryImport.Status.CONFIRMED, DirectoryImport.Status.APPLYING
    ):
        directory_import.refresh_from_db()
        return directory_import
    directory_import.refresh_from_db()
    organisation = directory_import.organisation
    try:
        result = import_package(
            organisation=organisation,
            data=bytes(directory_import.payload or b""),
            filename=directory_import.filename,
            by=directory_import.created_by,
            progress=lambda p: _set_progress(directory_import, p, stored=False),
        )
    except Exception as exc:  # noqa: BLE001 - any failure leaves the directory as it was
        directory_import.status = DirectoryImport.Status.FAILED
        directory_import.errors = [{"message": str(exc), "file": "", "row": None, "column": ""}]
    else:
        directory_import.status = (
            DirectoryImport.Status.DONE if result.ok else DirectoryImport.Status.FAILED
        )
        directory_import.errors = [p.as_dict() for p in result.errors]
        directory_import.summary = result.summary()
    directory_import.payload = None
    directory_import.progress = 100
    directory_import.finished_at = timezone.now()
    directory_import.save()
    return directory_import


def import_package(
    *,
    organisation: Organisation,
    data: bytes | None = None,
    filename: str = "",
    path: Path | None = None,
    by: User | None = None,
    progress: Callable[[int], None] | None = None,
) -> importer.Report:
    """Validate and, when everything is valid, write a package in one transaction."""
    package = (
        reader.read_directory(path)
        if path is not None and path.is_dir()
        else reader.read_upload(
            data if data is not None else path.read_bytes(), filename or (path.name if path else "")
        )
    )
    dataset, report = importer.check(
        organisation, package, progress=(lambda p: progress(p // 3)) if progress else None
    )
    if not report.ok:
        return report
    with transaction.atomic():
        touched = importer.apply(
            organisation, dataset, progress=(lambda p: progress(33 + p // 2)) if progress else None
        )
        service_reindex(touched)
        audit_log(
            organisation=organisation,
            actor=by,
            action="referrals.import.applied",
            data={"filename": filename or (path.name if path else ""), **report.summary()},
        )
    if progress:
        progress(100)
    return report


# --- Referrals ------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    by: User,
    client,
    service: Service,
    reason: str,
    client_consented: bool,
    follow_up_on: date,
    entry=None,
) -> Referral:
    """Record a referral and schedule its follow-up reminder."""
    if client.owner_id != by.pk or (entry is not None and entry.owner_id != by.pk):
        raise ValidationError(_("You can only refer your own clients."))
    if service.owner_id != client.organisation_id:
        raise ValidationError(_("This service is not in your directory."))
    if not client_consented:
        raise ValidationError({"client_consented": _("Refer only with the client's agreement.")})
    referral = Referral.objects.create(
        owner=by,
        organisation_id=client.organisation_id,
        client=client,
        entry=entry,
        service=service,
        service_name=service.name,
        reason=reason.strip(),
        client_consented=client_consented,
        follow_up_on=follow_up_on,
    )
    referral_followup_schedule(referral)
    audit_log(
        organisation=referral.organisation,
        actor=by,
        action="referrals.referral.created",
        target=referral,
        data={"service": str(service.uuid)},
    )
    return referral


@transaction.atomic
def referral_record_outcome(*, referral: Referral, outcome: str, note: str, by: User) -> Referral:
    """Record what came of a referral; the pending follow-up reminder is cancelled."""
    if referral.owner_id != by.pk:
        raise ValidationError(
            _("Only the practitioner who made the referral can record its outcome.")
        )
    if outcome not in Referral.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    referral.outcome = outcome
    referral.outcome_note = note.strip()
    referral.outcome_at = timezone.now()
    referral.save(update_fields=["outcome", "outcome_note", "outcome_at"])
    referral_followup_cancel(referral)
    audit_log(
        organisation=referral.organisation,
        actor=by,
        action="referrals.referral.outcome",
        target=referral,
        data={"outcome": outcome},
    )
    return referral
