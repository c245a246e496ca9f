"""Searching the directory: what practitioners type and filter on, answered from the index
(``directory.search.index``). PostgreSQL matches on the stored tsvector columns and their GIN
indexes; SQLite falls back to substrings of the folded search text.
"""

import difflib
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import Expression
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.models import Organisation, User
from accounts.selectors import organisation_of
from directory.categories import shipped_terms
from directory.languages import LANGUAGE_ALIASES, language_label, language_short
from directory.models import (
    WEEKDAY_CODES,
    Address,
    Attribute,
    Language,
    Schedule,
    SearchWord,
    Service,
    ServiceArea,
    TaxonomyTerm,
)
from directory.search.index import (
    category_token,
    fold,
    language_token,
    place_token,
    query_words,
)
from directory.selectors import categories_for, services_for_member

PAGE_SIZE = 20
SEARCH_COUNT_CAP = 1000
# Places longer than this are left out of the filter's list (they are descriptions, not names).
FILTER_PLACE_MAX_CHARS = 60
# A write to the directory renews the lists' key at once; the expiry only lets old keys go.
FILTER_CHOICES_SECONDS = 24 * 60 * 60
# The cache alias of what searches read off a directory (settings.CACHES).
DIRECTORY_CACHE = "directory"


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


class StoredVector(Expression):
    """A stored tsvector column PostgreSQL keeps itself (migration 0004). The model does not
    declare it, so that SQLite needs nothing of it."""

    output_field = SearchVectorField()

    def __init__(self, column: str):
        super().__init__()
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.{connection.ops.quote_name(self.column)}", []


def full_text_match(services: QuerySet[Service], words: list[str] | list[list[str]]):
    """PostgreSQL full-text match of every word as a prefix (as-you-type), and its rank, on the
    stored vector the GIN index ``referrals_service_search_vector`` is built on. A word may be
    a list of alternatives (typo corrections): any of them matches."""
    groups = [[w] if isinstance(w, str) else w for w in words]
    text = " & ".join("(" + " | ".join(f"{w}:*" for w in group) + ")" for group in groups)
    query = SearchQuery(text, config="simple", search_type="raw")
    vector = StoredVector("search_vector")
    return services.alias(document=vector).filter(document=query), SearchRank(vector, query)


# How alike a directory word must be to a typed one to stand in for it without PostgreSQL
# (difflib's ratio; trigram similarity is stricter on short words, looser on long ones).
CLOSE_WORD_CUTOFF = 0.75

TYPO_SQL = """
SELECT typed.n, close.word
FROM unnest(%s::text[]) WITH ORDINALITY AS typed(word, n)
CROSS JOIN LATERAL (
    SELECT w.word, similarity(w.word, typed.word) AS score
    FROM referrals_searchword w
    WHERE w.owner_id = %s AND w.word %% typed.word
    ORDER BY score DESC, w.word
    LIMIT %s
) AS close
ORDER BY typed.n, close.score DESC, close.word
"""


def typo_corrections(owner: Organisation, words: list[str], limit: int = 3) -> list[list[str]]:
    """For each word, the directory's words closest to it, best first; an empty list when some
    word has no close match at all. One query, however many words were typed: on PostgreSQL
    trigram similarity (the ``%`` operator on the trigram index ``referrals_searchword_trgm``),
    elsewhere difflib over the agency's word list."""
    if not words:
        return []
    if connection.vendor != "postgresql":
        vocabulary = list(SearchWord.objects.filter(owner=owner).values_list("word", flat=True))
        nearest = [
            difflib.get_close_matches(word, vocabulary, n=limit, cutoff=CLOSE_WORD_CUTOFF)
            for word in words
        ]
        return nearest if all(nearest) else []
    with connection.cursor() as cursor:
        cursor.execute(TYPO_SQL, [list(words), owner.pk, limit])
        rows = cursor.fetchall()
    close: dict[int, list[str]] = {}
    for n, word in rows:
        close.setdefault(n, []).append(word)
    if len(close) < len(words):
        return []
    return [close[n] for n in range(1, len(words) + 1)]


class CorrelatedExists(Exists):
    """``EXISTS`` that PostgreSQL runs as a probe per outer row, never as a hash of every row
    that matches inside. Given a correlated EXISTS, the planner also plans "hash the whole
    subquery once" and picks by its row estimates; for the open-now test it estimates a few
    dozen open schedules where a big directory has tens of thousands, so it hashed them all on
    every search (30 ms at 100,000 services) to test a few hundred candidates. ``OFFSET 0`` is
    PostgreSQL's documented fence: a subquery with it is not rewritten, so the probe stays."""

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        if connection.vendor == "postgresql" and sql.endswith(")"):
            sql = sql[:-1] + " OFFSET 0)"
        return sql, params


def _open_now(services: QuerySet[Service], moment: datetime):
    # Two EXISTS, each one probe of a foreign-key index per candidate service: the work follows
    # the candidates (bounded by the other filters, the page and the capped count), not the
    # number of schedules in the directory.
    rules = Schedule.objects.filter(_open_now_q(moment))
    return services.exclude(status=Service.Status.TEMPORARILY_CLOSED).filter(
        CorrelatedExists(rules.filter(service=OuterRef("pk")))
        | CorrelatedExists(rules.filter(service_at_location__service=OuterRef("pk")))
    )


# Search results: the services a practitioner may refer to first (a "do not refer" one after
# them, however well it matches), then the best match, then by name; the primary key keeps pages
# stable. Without words, the first page is read off the index service_owner_referable.
REFERABLE_FIRST = "do_not_refer"
BY_NAME = ("name", "pk")
LISTED_ORDER = (REFERABLE_FIRST, *BY_NAME)
# What a result card reads off a service's own row (directory/_card.html, _card_details.html,
# the cache key of ``directory.search.cards``): not the search documents, which are long.
RESULT_COLUMNS = (
    "uuid",
    "owner",
    "organization",
    "name",
    "description",
    "status",
    "do_not_refer",
    "assured_date",
    "updated_at",
)


def service_search(
    user: User, filters: SearchFilters, *, now: datetime | None = None
) -> QuerySet[Service]:
    """Listed services matching the filters, best match first. What their cards show from
    related rows is read for one page at a time (``directory.search.cards.result_cards``)."""
    services = services_for_member(user).filter(
        status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED]
    )
    owner = organisation_of(user)
    moment = (now or timezone.now()).astimezone(user.tzinfo)
    words = query_words(filters.q)
    if connection.vendor == "postgresql":
        found = _postgres_search(services, owner, filters, words, moment)
        known_count = getattr(found, "known_count", None)
        found = found.only(*RESULT_COLUMNS)
        if known_count is not None:
            found.known_count = known_count
        return found
    # SQLite: each filter is a semi-join on an indexed column ("id IN (SELECT service_id ...)"),
    # and words are substrings of the folded search text.
    if filters.category:
        services = services.filter(
            pk__in=Attribute.objects.filter(owner=owner, taxonomy_term_id=filters.category).values(
                "service_id"
            )
        )
    if filters.language:
        codes = LANGUAGE_ALIASES.get(filters.language, (filters.language,))
        spoken = Language.objects.filter(
            owner=owner, code__in=[*codes, *(c.upper() for c in codes)]
        )
        services = services.filter(
            Q(pk__in=spoken.filter(service__isnull=False).values("service_id"))
            | Q(pk__in=spoken.filter(phone__isnull=False).values("phone__service_id"))
            | Q(
                pk__in=spoken.filter(location__isnull=False).values(
                    "location__at_services__service_id"
                )
            )
        )
    if filters.city:
        # A confidential address never places a service in a city; its service area may.
        services = services.filter(
            Q(
                pk__in=Address.objects.filter(
                    owner=owner, location__is_confidential=False, city__iexact=filters.city
                ).values("location__at_services__service_id")
            )
            | Q(
                pk__in=ServiceArea.objects.filter(owner=owner, name__iexact=filters.city).values(
                    "service_id"
                )
            )
        )
    if filters.open_now:
        services = _open_now(services, moment)
    matches = services
    for word in words:
        matches = matches.filter(search_text__contains=word)
    if words and not matches.exists():
        # Nothing matches word for word: search with the directory's words closest to each
        # typed word instead, as on PostgreSQL ("schuldhlup" finds "schuldhulp").
        corrections = typo_corrections(owner, words)
        if corrections:
            matches = services
            for group in corrections:
                alternatives = Q()
                for word in group:
                    alternatives |= Q(search_text__contains=word)
                matches = matches.filter(alternatives)
    return matches.order_by(*LISTED_ORDER).only(*RESULT_COLUMNS)


def _postgres_search(
    services: QuerySet[Service],
    owner: Organisation,
    filters: SearchFilters,
    words: list[str],
    moment: datetime,
) -> QuerySet[Service]:
    # Category, language and place are tokens of the filter vector (see search.py): together
    # one lookup in its GIN index, whatever the size of the directory.
    tokens = [
        token
        for token in (
            category_token(filters.category) if filters.category else "",
            language_token(filters.language) if filters.language else "",
            place_token(filters.city) if filters.city else "",
        )
        if len(token) > 1
    ]
    if tokens:
        services = services.alias(filter_document=StoredVector("filter_vector")).filter(
            filter_document=SearchQuery(" & ".join(tokens), config="simple", search_type="raw")
        )
    if filters.open_now:
        services = _open_now(services, moment)
    if not words:
        return services.order_by(*LISTED_ORDER)
    matches, rank = full_text_match(services, words)
    candidates = _candidates(matches)
    if not candidates:
        # Nothing matches word for word: search with the directory's words closest to each
        # typed word instead ("schuldhlup" finds "schuldhulp").
        corrections = typo_corrections(owner, words)
        if corrections:
            matches, rank = full_text_match(services, corrections)
            candidates = _candidates(matches)
    # Rank at most one more than the counted results, read once from the GIN index: a word
    # found in ten thousand services is not ranked ten thousand times for one page of twenty;
    # past that, the page says "more than 1,000 found: add a word or a filter", and the best
    # of those candidates come first. The count is known already (see SearchPaginator), and
    # the page is read by primary key.
    found = Service.objects.filter(pk__in=candidates).order_by(
        REFERABLE_FIRST, rank.desc(), *BY_NAME
    )
    found.known_count = len(candidates)
    return found


def _candidates(matches: QuerySet[Service]) -> list[int]:
    """The primary keys of at most ``SEARCH_COUNT_CAP + 1`` matches, in the order the index
    gives them: one bitmap scan of the GIN index, stopped at the cap."""
    return list(matches.order_by().values_list("pk", flat=True)[: SEARCH_COUNT_CAP + 1])


class SearchPaginator(Paginator):
    """Counts at most ``SEARCH_COUNT_CAP`` results: past that, nobody pages on but narrows the
    search, and counting every match of a common word in a big directory is wasted work."""

    @cached_property
    def count(self) -> int:
        # A text search on PostgreSQL has already read its (capped) candidates.
        known = getattr(self.object_list, "known_count", None)
        if known is not None:
            return min(known, self.cap + 1)
        return self.object_list.order_by()[: self.cap + 1].count()

    cap = SEARCH_COUNT_CAP

    @property
    def capped(self) -> bool:
        return self.count > self.cap


# In the key: a release that ships other categories starts with fresh lists.
SHIPPED_DIGEST = hashlib.sha256(json.dumps(shipped_terms(), sort_keys=True).encode()).hexdigest()[
    :12
]


def _filter_choices_key(organisation: Organisation) -> str:
    return (
        f"limen:directory:filter-choices:{SHIPPED_DIGEST}:{organisation.pk}:"
        f"{organisation.directory_generation}"
    )


def _filter_values(user: User, organisation: Organisation) -> tuple[list, list[str], list[str]]:
    """The categories (id, name and translated labels), language codes and place names of an
    agency's directory, cached until the directory changes (an edit, a new category, an import
    or a pull: ``directory.search.index.directory_generation_renew``).
    ``order_by()`` drops the models' ordering, which would otherwise be added to the SELECT
    DISTINCT and return every row instead of every value."""
    key = _filter_choices_key(organisation)
    cached = caches[DIRECTORY_CACHE].get(key)
    if cached is not None:
        return cached
    terms = [tuple(t) for t in categories_for(user).values_list("pk", "name", "labels")]
    codes = sorted(
        {
            language_short(c)
            for c in Language.objects.filter(owner=organisation)
            .order_by()
            .values_list("code", flat=True)
            .distinct()
            if c
        }
    )
    cities = set(
        Address.objects.filter(owner=organisation, location__is_confidential=False)
        .order_by()
        .values_list("city", flat=True)
        .distinct()
    ) | set(
        ServiceArea.objects.filter(owner=organisation)
        .exclude(name="")
        .order_by()
        .values_list("name", flat=True)
        .distinct()
    )
    places = sorted((c for c in cities if c and len(c) <= FILTER_PLACE_MAX_CHARS), key=fold)
    values = (terms, codes, places)
    caches[DIRECTORY_CACHE].set(key, values, FILTER_CHOICES_SECONDS)
    return values


def filter_choices(user: User) -> dict:
    """Categories, languages and places a practitioner can filter on, from this directory."""
    organisation = organisation_of(user)
    if organisation is None:
        return {"categories": [], "languages": [], "cities": []}
    terms, codes, cities = _filter_values(user, organisation)
    return {
        # Terms enough for their id and their label in the reader's language, in the order of
        # those labels (not of the English names).
        "categories": sorted(
            (TaxonomyTerm(pk=pk, name=name, labels=labels) for pk, name, labels in terms),
            key=lambda term: fold(term.label),
        ),
        "languages": sorted(((c, language_label(c)) for c in codes), key=lambda x: fold(x[1])),
        "cities": cities,
    }


# What ``Schedule.is_open_at`` reads of a rule.
OPENING_FIELDS = ("freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to")


def open_now_of(services: list[Service], moment: datetime) -> dict[int, bool]:
    """Whether each of a page of services is open at ``moment`` (local time), by its own weekly
    hours and those at its locations (as ``open_now``): one query for the page, the union of
    two index lookups (an ``OR`` across the join to the locations read every schedule). A
    temporarily closed service is not open, whatever its hours say."""
    closed = Service.Status.TEMPORARILY_CLOSED
    ids = {service.pk for service in services if service.status != closed}
    open_ids = set()
    if ids:
        rules = Schedule.objects.only(*OPENING_FIELDS)
        own = rules.filter(service_id__in=ids).annotate(of=F("service_id"))
        at_locations = rules.filter(service_at_location__service_id__in=ids).annotate(
            of=F("service_at_location__service_id")
        )
        open_ids = {
            schedule.of
            for schedule in own.order_by().union(at_locations.order_by(), all=True)
            if schedule.is_open_at(moment)
        }
    return {service.pk: service.pk in open_ids for service in services}


def open_now(service: Service, moment: datetime) -> bool:
    """Whether a prefetched service is open at ``moment`` (local time): never while it is
    temporarily closed."""
    if service.status == Service.Status.TEMPORARILY_CLOSED:
        return False
    schedules = list(service.schedules.all())
    for sal in service.at_locations.all():
        schedules.extend(sal.schedules.all())
    return any(s.is_open_at(moment) for s in schedules)
