"""Folding and the search document of a service.

Search compares folded text (lower case, accents and ligatures removed) so that "Koln" finds
"Köln" and "hulpverlening" finds "Hulpverlening" on SQLite and PostgreSQL alike. The document
holds the names, descriptions, provider, cities and service areas of a service, its languages and
the labels of its categories in every language Limen speaks.
"""

import re
import unicodedata
from collections.abc import Iterable

WORD = re.compile(r"\w+", re.UNICODE)


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


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
