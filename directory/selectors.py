"""Scoped reads of the directory.

Everyone in an agency may read its directory; only its admins maintain it. A row of another
agency's directory is a 404, never a 403. Searching it is in ``directory.search.query``.
"""

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.access import Role, has_role
from accounts.models import User
from accounts.selectors import organisation_of
from directory.categories import CATEGORY_TAXONOMY
from directory.models import (
    STALE_AFTER_DAYS,
    ApiToken,
    Attribute,
    DirectoryImport,
    DirectoryPublication,
    Organization,
    PendingCorrection,
    PullChangeSet,
    Service,
    ServiceAtLocation,
    Subscription,
    Taxonomy,
    TaxonomyTerm,
    stale_cutoff,
)


def _get_or_404(queryset: QuerySet, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


# --- The directory, for everyone in the agency -----------------------------------------------


def services_for_member(user: User) -> QuerySet[Service]:
    organisation = organisation_of(user)
    if organisation is None:
        return Service.objects.none()
    return Service.objects.filter(owner=organisation)


def _categories() -> Prefetch:
    """A service's categories with their terms, by name."""
    return Prefetch(
        "attributes",
        queryset=Attribute.objects.select_related("taxonomy_term").order_by("taxonomy_term__name"),
    )


def _places(*more: str) -> Prefetch:
    """A service's locations with their addresses (and ``more`` of what is at them)."""
    locations = ServiceAtLocation.objects.select_related("location")
    return Prefetch(
        "at_locations", queryset=locations.prefetch_related("location__addresses", *more)
    )


def card_lookups() -> list:
    """What a result card shows from a service's related rows (``directory.search.cards``): its
    provider, categories, languages, phone numbers and places."""
    return ["organization", _categories(), "languages", "phones", _places()]


def with_details(services: QuerySet[Service]) -> QuerySet[Service]:
    """Prefetch what a service's page shows: a fixed query count."""
    return services.select_related("organization").prefetch_related(
        _categories(),
        "languages",
        "phones__languages",
        "schedules",
        "service_areas",
        "contacts",
        _places(
            "location__phones",
            "location__languages",
            "location__accessibility",
            "location__schedules",
            "phones",
            "schedules",
        ),
    )


def service_for_member(user: User, service_uuid: UUID | str) -> Service:
    return _get_or_404(with_details(services_for_member(user)), uuid=service_uuid)


def service_for_referral(user: User, service_uuid: UUID | str) -> Service:
    """A service of the user's directory with what a referral's form shows beside it: its
    provider and phone numbers (the service page's other details are not read)."""
    services = services_for_member(user).select_related("organization").prefetch_related("phones")
    return _get_or_404(services, uuid=service_uuid)


def service_for_admin(user: User, service_uuid: UUID | str) -> Service:
    if not has_role(user, Role.ADMIN):
        raise Http404
    return service_for_member(user, service_uuid)


def categories_for(user: User) -> QuerySet[TaxonomyTerm]:
    """The shipped categories and the agency's own terms (Limen's flags are not categories)."""
    organisation = organisation_of(user)
    shipped = Q(owner=None, taxonomy_detail__hsds_id=CATEGORY_TAXONOMY["hsds_id"])
    if organisation is None:
        return TaxonomyTerm.objects.filter(shipped)
    return TaxonomyTerm.objects.filter(shipped | Q(owner=organisation)).order_by("owner_id", "name")


# --- Maintenance, for the agency's admins -----------------------------------------------------


def services_for_admin(user: User) -> QuerySet[Service]:
    if not has_role(user, Role.ADMIN):
        return Service.objects.none()
    return services_for_member(user)


def _stale_q() -> Q:
    listed = Q(status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED])
    return listed & (Q(assured_date__isnull=True) | Q(assured_date__lt=stale_cutoff()))


def stale_services(user: User) -> QuerySet[Service]:
    """Listed services not verified for ``STALE_AFTER_DAYS`` (or never), oldest first."""
    return (
        services_for_admin(user)
        .filter(_stale_q())
        .select_related("organization")
        .order_by(F("assured_date").asc(nulls_first=True), "name")
    )


def imports_for_admin(user: User) -> QuerySet[DirectoryImport]:
    if not has_role(user, Role.ADMIN):
        return DirectoryImport.objects.none()
    return DirectoryImport.objects.filter(organisation=organisation_of(user)).defer("payload")


def import_for_admin(user: User, import_uuid: UUID | str) -> DirectoryImport:
    return _get_or_404(imports_for_admin(user), uuid=import_uuid)


def corrections_for_admin(user: User) -> QuerySet[PendingCorrection]:
    if not has_role(user, Role.ADMIN):
        return PendingCorrection.objects.none()
    return PendingCorrection.objects.filter(service__owner=organisation_of(user)).select_related(
        "service"
    )


def correction_for_admin(user: User, correction_uuid: UUID | str) -> PendingCorrection:
    return _get_or_404(corrections_for_admin(user), uuid=correction_uuid)


@dataclass(frozen=True)
class DirectoryGlance:
    """The directory's upkeep at a glance, for its agency's admins."""

    services: int
    stale: int
    corrections_pending: int
    stale_after_days: int = STALE_AFTER_DAYS


def glance(user: User) -> DirectoryGlance:
    pending = corrections_for_admin(user).filter(status=PendingCorrection.Status.PENDING)
    counts = services_for_admin(user).aggregate(
        services=Count("pk"), stale=Count("pk", filter=_stale_q())
    )
    return DirectoryGlance(**counts, corrections_pending=pending.count())


# --- The HSDS API: an agency's directory as other systems read it ------------------------------
# Every query takes the organisation the request may read (from its token, or an openly published
# directory) and prefetches what ``directory.hsds.objects`` nests, so a page of any size costs
# the same number of queries.


def _location_details(prefix: str) -> list[str]:
    return [
        f"{prefix}addresses",
        f"{prefix}phones",
        f"{prefix}languages",
        f"{prefix}schedules",
        f"{prefix}accessibility",
    ]


def api_services(organisation, *, full: bool = False) -> QuerySet[Service]:
    services = Service.objects.filter(owner=organisation).select_related("organization")
    if full:
        services = services.prefetch_related(
            "phones",
            "schedules",
            "service_areas",
            "languages",
            Prefetch(
                "at_locations",
                queryset=ServiceAtLocation.objects.select_related(
                    "service", "location", "location__organization"
                ).order_by("hsds_id"),
            ),
            *_location_details("at_locations__location__"),
            "at_locations__phones",
            "at_locations__schedules",
            Prefetch(
                "attributes",
                queryset=Attribute.objects.select_related(
                    "taxonomy_term__parent", "taxonomy_term__taxonomy_detail"
                ).order_by("hsds_id"),
            ),
        )
    return services.order_by("hsds_id")


def api_tagged(rows: QuerySet, prefix: str = "", **attribute: str) -> QuerySet:
    """The services (or, through ``prefix``, the rows that reach a service) carrying a taxonomy
    term that matches ``attribute`` (lookups on ``Attribute``, e.g. ``taxonomy_term__hsds_id``)."""
    tagged = Attribute.objects.filter(service=OuterRef(f"{prefix}pk"))
    return rows.filter(Exists(tagged.filter(**attribute)))


def api_service_at_locations(organisation, *, full: bool = False) -> QuerySet[ServiceAtLocation]:
    rows = ServiceAtLocation.objects.filter(owner=organisation).select_related(
        "service", "service__organization", "location", "location__organization"
    )
    if full:
        rows = rows.prefetch_related("phones", "schedules", *_location_details("location__"))
    return rows.order_by("hsds_id")


def api_organizations(organisation, *, full: bool = False) -> QuerySet[Organization]:
    rows = Organization.objects.filter(owner=organisation)
    if full:
        rows = rows.prefetch_related(
            "phones",
            Prefetch(
                "services",
                queryset=Service.objects.select_related("organization").order_by("hsds_id"),
            ),
        )
    return rows.order_by("hsds_id")


def api_taxonomies(organisation) -> QuerySet[Taxonomy]:
    return Taxonomy.objects.filter(Q(owner=organisation) | Q(owner=None)).order_by("hsds_id")


def api_taxonomy_terms(organisation) -> QuerySet[TaxonomyTerm]:
    return (
        TaxonomyTerm.objects.filter(Q(owner=organisation) | Q(owner=None))
        .select_related("parent", "taxonomy_detail")
        .order_by("hsds_id")
    )


def api_get(queryset: QuerySet, hsds_id: str):
    """One row by HSDS id, or 404. Shipped terms and taxonomies may share an id with none."""
    row = queryset.filter(hsds_id=hsds_id).first()
    if row is None:
        raise Http404
    return row


def api_tokens_for_admin(user: User) -> QuerySet[ApiToken]:
    organisation = organisation_of(user)
    if organisation is None or not has_role(user, Role.ADMIN):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(organisation=organisation).select_related("created_by")


def api_token_for_admin(user: User, token_uuid: UUID) -> ApiToken:
    return _get_or_404(api_tokens_for_admin(user), uuid=token_uuid)


def directory_is_published(user: User) -> bool:
    organisation = organisation_of(user)
    return bool(
        organisation
        and DirectoryPublication.objects.filter(organisation=organisation, is_open=True).exists()
    )


# --- Pulling another agency's directory, for the agency's admins --------------------------------


def subscriptions_for_admin(user: User) -> QuerySet[Subscription]:
    organisation = organisation_of(user)
    if organisation is None or not has_role(user, Role.ADMIN):
        return Subscription.objects.none()
    return Subscription.objects.filter(organisation=organisation)


def subscription_for_admin(user: User, subscription_uuid: UUID | str) -> Subscription:
    return _get_or_404(subscriptions_for_admin(user), uuid=subscription_uuid)


def change_set_for_admin(user: User, change_set_uuid: UUID | str) -> PullChangeSet:
    change_sets = PullChangeSet.objects.filter(
        subscription__in=subscriptions_for_admin(user)
    ).select_related("subscription", "decided_by")
    return _get_or_404(change_sets.defer("payload"), uuid=change_set_uuid)
