"""Upkeep of the directory by its agency's admins: editing a service, its status, "do not
refer", verifying it, and the agency's own categories. Each write runs in a transaction, keeps the
search index current and writes its audit entry."""

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.services import audit_log
from directory.languages import language_label
from directory.models import (
    DO_NOT_REFER_REASON_MAX_LENGTH,
    WEEKDAY_CODES,
    Address,
    Attribute,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
    new_hsds_id,
)
from directory.search.index import directory_generation_renew, service_reindex
from directory.services.verification import verification_requests_revoke

# The service's own text fields the admin's form edits, in the form's order.
SERVICE_TEXT_FIELDS = (
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
)


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
    created = service is None
    if created:
        service = Service(owner=owner, hsds_id=new_hsds_id())
    organization = _provider(owner, data.organization_name)
    _save_fields(service, data, organization)
    if not created and service.status != Service.Status.ACTIVE:
        verification_requests_revoke(service=service)
    _save_phone(service, data.phone)
    _save_place(service, data, organization)
    _save_languages(service, data.languages)
    _save_categories(service, data.categories)
    _save_service_areas(service, data.service_areas)
    if data.hours is not None:
        _save_hours(service, data.hours)
    service_reindex([service.pk])  # also renews the directory's generation
    audit_log(
        organisation=owner,
        actor=by,
        action="referrals.service.created" if created else "referrals.service.updated",
        target=service,
        data={"name": service.name},
    )
    return service


def _provider(owner: Organisation, name: str) -> Organization:
    """The agency's provider of that name, created when it is new."""
    organization = Organization.objects.filter(owner=owner, name=name).first()
    if organization is None:
        organization = Organization.objects.create(owner=owner, hsds_id=new_hsds_id(), name=name)
    return organization


def _save_fields(service: Service, data: ServiceData, organization: Organization) -> None:
    for name in SERVICE_TEXT_FIELDS:
        setattr(service, name, getattr(data, name))
    service.organization = organization
    service.last_modified = timezone.now()
    service.save()


def _save_phone(service: Service, number: str) -> None:
    """The form edits the service's first phone; an empty number removes it."""
    phone = service.phones.order_by("id").first()
    if number:
        if phone is None:
            phone = Phone(owner_id=service.owner_id, hsds_id=new_hsds_id(), service=service)
        phone.number = number
        phone.save()
    elif phone is not None:
        phone.delete()


def _save_place(service: Service, data: ServiceData, organization: Organization) -> None:
    """The form edits the service's first location and that location's first address."""
    if not (data.location_name or data.address_1 or data.city):
        return
    owner_id = service.owner_id
    sal = service.at_locations.select_related("location").order_by("id").first()
    if sal is None:
        location = Location.objects.create(
            owner_id=owner_id,
            hsds_id=new_hsds_id(),
            organization=organization,
            name=data.location_name,
        )
        sal = ServiceAtLocation.objects.create(
            owner_id=owner_id, hsds_id=new_hsds_id(), service=service, location=location
        )
    location = sal.location
    location.name = data.location_name
    location.is_confidential = data.is_confidential
    location.save(update_fields=["name", "is_confidential"])
    address = location.addresses.order_by("id").first()
    if data.address_1 and data.city:
        address = address or Address(owner_id=owner_id, hsds_id=new_hsds_id(), location=location)
        address.address_1 = data.address_1
        address.postal_code = data.postal_code
        address.city = data.city
        address.country = data.country or "NL"
        address.save()


def _save_languages(service: Service, codes: tuple[str, ...]) -> None:
    wanted = {code.lower() for code in codes}
    current = {lang.code.lower(): lang for lang in service.languages.all()}
    for code, lang in current.items():
        if code not in wanted:
            lang.delete()
    Language.objects.bulk_create(
        Language(
            owner_id=service.owner_id,
            hsds_id=new_hsds_id(),
            service=service,
            code=code,
            name=str(language_label(code)),
        )
        for code in sorted(wanted - current.keys())
    )


def _save_categories(service: Service, terms: tuple[TaxonomyTerm, ...]) -> None:
    """Categories are HSDS attributes linking a taxonomy term to the service."""
    wanted_terms = {t.pk: t for t in terms}
    attributes = {a.taxonomy_term_id: a for a in service.attributes.all()}
    for term_id, attribute in attributes.items():
        if term_id not in wanted_terms:
            attribute.delete()
    Attribute.objects.bulk_create(
        Attribute(
            owner_id=service.owner_id,
            hsds_id=new_hsds_id(),
            taxonomy_term=term,
            link_id=service.hsds_id,
            link_type="category",
            link_entity="service",
            service=service,
        )
        for pk, term in wanted_terms.items()
        if pk not in attributes
    )


def _save_service_areas(service: Service, names: tuple[str, ...]) -> None:
    areas = {a.name: a for a in service.service_areas.all()}
    for name, area in areas.items():
        if name not in names:
            area.delete()
    ServiceArea.objects.bulk_create(
        ServiceArea(owner_id=service.owner_id, hsds_id=new_hsds_id(), service=service, name=name)
        for name in names
        if name not in areas
    )


def _save_hours(service: Service, hours: dict[str, tuple[time, time]]) -> None:
    """Replace every weekly rule of the service by one rule per distinct opening time."""
    Schedule.objects.filter(Q(service=service) | Q(service_at_location__service=service)).delete()
    groups: dict[tuple[time, time], list[str]] = {}
    for code in WEEKDAY_CODES:
        if code in hours:
            groups.setdefault(hours[code], []).append(code)
    Schedule.objects.bulk_create(
        Schedule(
            owner_id=service.owner_id,
            hsds_id=new_hsds_id(),
            service=service,
            freq="WEEKLY",
            byday=",".join(days),
            opens_at=opens,
            closes_at=closes,
        )
        for (opens, closes), days in groups.items()
    )


@transaction.atomic
def service_set_status(*, service: Service, status: str, by: User) -> Service:
    """Deactivate or reactivate a service (HSDS status)."""
    if status not in Service.Status.values:
        raise ValidationError(_("Unknown status."))
    before = service.status
    service.status = status
    service.save(update_fields=["status", "updated_at"])
    if status != Service.Status.ACTIVE:
        verification_requests_revoke(service=service)
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
    reason = reason.strip()[:DO_NOT_REFER_REASON_MAX_LENGTH]
    service.do_not_refer_reason = reason if do_not_refer else ""
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
        hsds_id=new_hsds_id(),
        name=name,
        description=name,
        code="",
        language="en",
        labels={k: v.strip() for k, v in labels.items() if v.strip()},
    )
    directory_generation_renew(owner.pk)
    audit_log(
        organisation=owner,
        actor=by,
        action="referrals.category.created",
        target=term,
        data={"name": name},
    )
    return term
