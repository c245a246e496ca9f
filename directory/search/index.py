"""The search index: folding, and the search and filter documents of a service.

Search compares folded text (lower case, accents and ligatures removed) so that "Koln" finds
"Köln" and "hulpverlening" finds "Hulpverlening" on SQLite and PostgreSQL alike. The document
holds the names, descriptions, provider, cities and service areas of a service, its languages and
the labels of its categories in every language Limen speaks. The filter document holds one token
per category (``c<id>``), language spoken (``l<code>``) and place (``p<folded name>``) a
practitioner can filter on, so that on PostgreSQL every filter is one lookup in a GIN index.

What is read off an agency's directory and cached (its filter lists, its result cards) is kept
under the directory's generation (``Organisation.directory_generation``), renewed by every write
that changes what a search shows (``directory_generation_renew``, called by ``service_reindex``,
through which every such write to a service passes; a write to the service's own row alone, such
as its status, also changes its ``updated_at``, which is part of a card's key).
"""

import re
import secrets
import unicodedata
from collections.abc import Iterable

from directory.languages import language_short

WORD = re.compile(r"\w+", re.UNICODE)
NOT_TOKEN = re.compile(r"[\W_]+", re.UNICODE)
INDEX_CHUNK = 500
# Organisation.directory_generation is a PostgreSQL bigint: 63 random bits fit it.
GENERATION_BITS = 63


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def query_words(query: str, limit: int = 8) -> list[str]:
    """The folded words of a search query (at most ``limit``), safe to put in a tsquery."""
    return WORD.findall(fold(query))[:limit]


def search_document(service, *, include_confidential_cities: bool = False) -> str:
    """The folded search text of a service, read from its prefetched relations."""
    parts: list[str] = [
        service.name,
        service.alternate_name,
        service.description,
        service.eligibility_description,
        service.organization.name if service.organization_id else "",
        service.organization.alternate_name if service.organization_id else "",
    ]
    for attribute in service.attributes.all():
        term = attribute.taxonomy_term
        parts.append(term.name)
        parts.extend(term.labels.values())
    for language in service.languages.all():
        parts.extend([language.name, language.code])
    for area in service.service_areas.all():
        parts.append(area.name)
    for sal in service.at_locations.all():
        location = sal.location
        if location.is_confidential and not include_confidential_cities:
            continue
        parts.append(location.name)
        parts.extend(address.city for address in location.addresses.all())
    return fold(" ".join(dict.fromkeys(p for p in parts if p)))


def _token(prefix: str, value: str) -> str:
    return prefix + NOT_TOKEN.sub("", fold(value))


def category_token(term_id: int) -> str:
    return f"c{term_id}"


def language_token(code: str) -> str:
    return _token("l", language_short(code))


def place_token(name: str) -> str:
    return _token("p", name)


def filter_document(service) -> str:
    """The filter tokens of a service, read from its prefetched relations. A confidential
    address never places a service in a city; its service areas may."""
    tokens = [category_token(a.taxonomy_term_id) for a in service.attributes.all()]
    languages = list(service.languages.all())
    for phone in service.phones.all():
        languages.extend(phone.languages.all())
    places = [area.name for area in service.service_areas.all()]
    for sal in service.at_locations.all():
        languages.extend(sal.location.languages.all())
        if not sal.location.is_confidential:
            places.extend(address.city for address in sal.location.addresses.all())
    tokens += [language_token(language.code) for language in languages if language.code]
    tokens += [place_token(place) for place in places if place]
    return " ".join(dict.fromkeys(t for t in tokens if len(t) > 1))


def document_words(document: str) -> set[str]:
    """The words of a search document worth offering as corrections of a typo."""
    return {w for w in WORD.findall(document) if 3 <= len(w) <= 60 and not w.isdigit()}


def index_services(service_model, word_model, service_ids, *, owners: set | None = None) -> int:
    """Recompute the search and filter documents of these services and add their words to the
    agency's word list (and their agencies to ``owners``). Takes the models so that a migration
    can run it too."""
    ids = sorted(set(service_ids))
    done = 0
    for start in range(0, len(ids), INDEX_CHUNK):
        services = list(
            service_model.objects.filter(pk__in=ids[start : start + INDEX_CHUNK])
            .select_related("organization")
            .prefetch_related(
                "attributes__taxonomy_term",
                "languages",
                "phones__languages",
                "service_areas",
                "at_locations__location__addresses",
                "at_locations__location__languages",
            )
        )
        words: set[tuple[int, str]] = set()
        for service in services:
            service.search_text = search_document(service)
            service.search_filters = filter_document(service)
            words.update((service.owner_id, w) for w in document_words(service.search_text))
            if owners is not None:
                owners.add(service.owner_id)
        service_model.objects.bulk_update(
            services, ["search_text", "search_filters"], batch_size=INDEX_CHUNK
        )
        word_model.objects.bulk_create(
            [word_model(owner_id=owner, word=word) for owner, word in sorted(words)],
            batch_size=2000,
            ignore_conflicts=True,
        )
        done += len(services)
    return done


def service_reindex(service_ids: Iterable[int]) -> int:
    """Recompute the search and filter documents of these services (after any write to them),
    and renew their agencies' directory generation."""
    from directory.models import SearchWord, Service

    owners: set[int] = set()
    done = index_services(Service, SearchWord, service_ids, owners=owners)
    for owner_id in sorted(owners):  # rows locked in one order, whoever writes
        directory_generation_renew(owner_id)
    return done


def directory_generation_renew(owner_id: int) -> None:
    """The agency's directory was written: give it a new generation, in the writing transaction,
    so that what was cached from the directory is read again from the moment the write commits.
    A random one, never a count: after a restore from a backup the next write must not take up
    a generation the cache still holds entries of from the timeline the restore discarded."""
    from accounts.models import Organisation

    Organisation.objects.filter(pk=owner_id).update(
        directory_generation=secrets.randbits(GENERATION_BITS)
    )
