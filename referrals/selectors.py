"""Scoped reads for the directory and referrals.

Everyone in an agency may search its directory; only its admins maintain it. A row of another
agency's directory is a 404, never a 403. Referrals are as private as journal entries: only the
practitioner who made one ever sees it.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language_info

from accounts.models import Organisation, User
from accounts.selectors import has_role, organisation_of
from referrals.models import (
    WEEKDAY_CODES,
    Address,
    Attribute,
    DirectoryImport,
    Language,
    Location,
    PendingCorrection,
    Referral,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
    stale_cutoff,
)
from referrals.search import fold, query_words

PAGE_SIZE = 20

# ISO 639-1 codes and the 639-2/3 codes directories often use for the same language.
LANGUAGE_ALIASES = {
    "en": ("en", "eng"),
    "nl": ("nl", "nld", "dut"),
    "de": ("de", "deu", "ger"),
    "fr": ("fr", "fra", "fre"),
    "ar": ("ar", "ara"),
    "tr": ("tr", "tur"),
    "pl": ("pl", "pol"),
    "uk": ("uk", "ukr"),
    "ru": ("ru", "rus"),
    "es": ("es", "spa"),
    "pt": ("pt", "por"),
    "so": ("so", "som"),
    "ti": ("ti", "tir"),
    "fa": ("fa", "fas", "per"),
    "ur": ("ur", "urd"),
    "it": ("it", "ita"),
    "ro": ("ro", "ron", "rum"),
    "bg": ("bg", "bul"),
    "zh": ("zh", "zho", "chi"),
}
_TO_SHORT = {alias: short for short, aliases in LANGUAGE_ALIASES.items() for alias in aliases}


def language_short(code: str) -> str:
    code = (code or "").strip().lower()
    return _TO_SHORT.get(code, code)


def language_label(code: str) -> str:
    try:
        info = get_language_info(language_short(code))
    except KeyError:
        return code
    return str(info["name_translated"])


def _get_or_404(queryset: QuerySet, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


# --- The directory, for everyone in the agency -----------------------------------------------


def directory_of(user: User) -> Organisation | None:
    return organisation_of(user)


def services_for_member(user: User) -> QuerySet[Service]:
    organisation = organisation_of(user)
    if organisation is None:
        return Service.objects.none()
    return Service.objects.filter(owner=organisation)


def with_details(services: QuerySet[Service], *, full: bool = False) -> QuerySet[Service]:
    """Prefetch what a result card (or, ``full``, a service page) shows: a fixed query count."""
    locations = ServiceAtLocation.objects.select_related("location").prefetch_related(
        "location__addresses", "schedules"
    )
    lookups = [
        Prefetch(
            "attributes",
            queryset=Attribute.objects.select_related("taxonomy_term").order_by(
                "taxonomy_term__name"
            ),
        ),
        "languages",
        "phones",
        "schedules",
        "service_areas",
        Prefetch("at_locations", queryset=locations),
    ]
    if full:
        lookups += [
            "phones__languages",
            "contacts",
            "at_locations__location__phones",
            "at_locations__location__languages",
            "at_locations__location__accessibility",
            "at_locations__location__schedules",
            "at_locations__phones",
        ]
    return services.select_related("organization").prefetch_related(*lookups)


def service_for_member(user: User, service_uuid: UUID | str) -> Service:
    return _get_or_404(with_details(services_for_member(user), full=True), uuid=service_uuid)


def service_for_admin(user: User, service_uuid: UUID | str) -> Service:
    if not has_role(user, "admin"):
        raise Http404
    return service_for_member(user, service_uuid)


def categories_for(user: User) -> QuerySet[TaxonomyTerm]:
    """The shipped categories and the agency's own terms (Limen's flags are not categories)."""
    organisation = organisation_of(user)
    from referrals.categories import CATEGORY_TAXONOMY

    shipped = Q(owner=None, taxonomy_detail__hsds_id=CATEGORY_TAXONOMY["hsds_id"])
    if organisation is None:
        return TaxonomyTerm.objects.filter(shipped)
    return TaxonomyTerm.objects.filter(shipped | Q(owner=organisation)).order_by("owner_id", "name")


@dataclass
class SearchFilters:
    q: str = ""
    category: int | None = None
    language: str = ""
    city: str = ""
    open_now: bool = False


def _open_now_q(moment: datetime) -> Q:
    day = moment.date()
    now = moment.time().replace(tzinfo=None)
    today = WEEKDAY_CODES[moment.weekday()]
    yesterday = WEEKDAY_CODES[(moment.weekday() - 1) % 7]
    valid = (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    weekly = Q(freq__iexact="WEEKLY") | Q(freq="")
    same_day = Q(
        opens_at__lt=F("closes_at"), byday__icontains=today, opens_at__lte=now, closes_at__gt=now
    )
    overnight = Q(opens_at__gt=F("closes_at")) & (
        Q(byday__icontains=today, opens_at__lte=now)
        | Q(byday__icontains=yesterday, closes_at__gt=now)
    )
    return valid & weekly & (same_day | overnight)


def full_text_match(services: QuerySet[Service], words: list[str]):
    """PostgreSQL full-text match of every word as a prefix (as-you-type), and its rank. The
    expression is the one the GIN index ``referrals_service_fts`` is built on."""
    query = SearchQuery(" & ".join(f"{w}:*" for w in words), config="simple", search_type="raw")
    vector = SearchVector("search_text", config="simple")
    return services.alias(document=vector).filter(document=query), SearchRank(vector, query)


def service_search(
    user: User, filters: SearchFilters, *, now: datetime | None = None
) -> QuerySet[Service]:
    """Listed services matching the filters, best match first, with their details prefetched."""
    services = services_for_member(user).filter(
        status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED]
    )
    here = OuterRef("pk")
    if filters.category:
        services = services.filter(
            Exists(Attribute.objects.filter(service=here, taxonomy_term_id=filters.category))
        )
    if filters.language:
        codes = LANGUAGE_ALIASES.get(filters.language, (filters.language,))
        services = services.filter(
            Exists(
                Language.objects.filter(code__in=[*codes, *(c.upper() for c in codes)]).filter(
                    Q(service=here)
                    | Q(phone__service=here)
                    | Q(location__at_services__service=here)
                )
            )
        )
    if filters.city:
        # A confidential address never places a service in a city; its service area may.
        services = services.filter(
            Exists(
                Address.objects.filter(
                    location__at_services__service=here,
                    location__is_confidential=False,
                    city__iexact=filters.city,
                )
            )
            | Exists(ServiceArea.objects.filter(service=here, name__iexact=filters.city))
        )
    if filters.open_now:
        moment = (now or timezone.now()).astimezone(user.tzinfo)
        services = services.filter(
            Exists(
                Schedule.objects.filter(
                    Q(service=here) | Q(service_at_location__service=here)
                ).filter(_open_now_q(moment))
            )
        )
    words = query_words(filters.q)
    if not words:
        return with_details(services.order_by("name", "pk"))
    if connection.vendor == "postgresql":
        matches, rank = full_text_match(services, words)
        if matches.exists():
            ranked = matches.annotate(rank=rank)
        else:
            # Nothing matches word for word: try a typo-tolerant trigram match instead.
            text = " ".join(words)
            # The lookup class itself: django.contrib.postgres is not an installed app here, so
            # its "__trigram_word_similar" is not registered. It uses the pg_trgm GIN index.
            ranked = services.filter(TrigramWordSimilar(F("search_text"), Value(text))).annotate(
                rank=TrigramWordSimilarity(text, "search_text")
            )
        return with_details(ranked.order_by("-rank", "name", "pk"))
    for word in words:
        services = services.filter(search_text__contains=word)
    return with_details(services.order_by("name", "pk"))


def filter_choices(user: User) -> dict:
    """Categories, languages and places a practitioner can filter on, from this directory."""
    organisation = organisation_of(user)
    if organisation is None:
        return {"categories": [], "languages": [], "cities": []}
    codes = sorted(
        {
            language_short(c)
            for c in Language.objects.filter(owner=organisation)
            .values_list("code", flat=True)
            .distinct()
            if c
        }
    )
    cities = set(
        Address.objects.filter(owner=organisation, location__is_confidential=False)
        .values_list("city", flat=True)
        .distinct()
    ) | set(
        ServiceArea.objects.filter(owner=organisation)
        .exclude(name="")
        .values_list("name", flat=True)
        .distinct()
    )
    return {
        "categories": list(categories_for(user)),
        "languages": sorted(((c, language_label(c)) for c in codes), key=lambda x: fold(x[1])),
        "cities": sorted((c for c in cities if c and len(c) <= 60), key=fold),
    }


def open_now(service: Service, moment: datetime) -> bool:
    """Whether a prefetched service is open at ``moment`` (local time)."""
    schedules = list(service.schedules.all())
    for sal in service.at_locations.all():
        schedules.extend(sal.schedules.all())
    return any(s.is_open_at(moment) for s in schedules)


def visible_locations(service: Service, *, admin: bool) -> list[Location]:
    return [sal.location for sal in service.at_locations.all()]


# --- Maintenance, for the agency's admins -----------------------------------------------------


def services_for_admin(user: User) -> QuerySet[Service]:
    if not has_role(user, "admin"):
        return Service.objects.none()
    return services_for_member(user)


def stale_services(user: User) -> QuerySet[Service]:
    """Listed services not verified for 180 days (or never), oldest first."""
    return (
        services_for_admin(user)
        .filter(status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED])
        .filter(Q(assured_date__isnull=True) | Q(assured_date__lt=stale_cutoff()))
        .select_related("organization")
        .order_by(F("assured_date").asc(nulls_first=True), "name")
    )


def imports_for_admin(user: User) -> QuerySet[DirectoryImport]:
    if not has_role(user, "admin"):
        return DirectoryImport.objects.none()
    return DirectoryImport.objects.filter(organisation=organisation_of(user)).defer("payload")


def import_for_admin(user: User, import_uuid: UUID | str) -> DirectoryImport:
    return _get_or_404(imports_for_admin(user), uuid=import_uuid)


def corrections_for_admin(user: User) -> QuerySet[PendingCorrection]:
    if not has_role(user, "admin"):
        return PendingCorrection.objects.none()
    return PendingCorrection.objects.filter(service__owner=organisation_of(user)).select_related(
        "service"
    )


def correction_for_admin(user: User, correction_uuid: UUID | str) -> PendingCorrection:
    return _get_or_404(corrections_for_admin(user), uuid=correction_uuid)


# --- Referrals, for the practitioner who made them --------------------------------------------


def referrals_of(user: User) -> QuerySet[Referral]:
    return Referral.objects.filter(owner=user).select_related("client", "service", "entry")


def referral_for_owner(user: User, referral_uuid: UUID | str) -> Referral:
    return _get_or_404(referrals_of(user), uuid=referral_uuid)
