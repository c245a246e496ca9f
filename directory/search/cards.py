"""Result cards of a directory search.

What a card shows from a service's related rows (its provider and places, description,
categories, languages and first phone number) is rendered once per language and kept in the
cache under the directory's generation and the service's last change: a page of twenty results
reads its cards in one round trip to the cache, and only the cards not found there are read from
the database (five prefetches for all of them together) and rendered. What changes by the minute
or with the reader (open now, the badges read off the service's own row, the refer button) is
rendered with every page (``directory/_card.html``).
"""

from datetime import datetime

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from directory.models import Service
from directory.search.index import directory_generation
from directory.search.query import open_now_of
from directory.selectors import card_lookups

# Cards seen within the hour stay cached; a write to the directory renews their keys at once.
CARD_SECONDS = 60 * 60


def _key(generation: str, service: Service, language: str) -> str:
    changed = service.updated_at.timestamp() if service.updated_at else 0
    return f"limen:directory:card:{service.owner_id}:{generation}:{service.pk}:{changed}:{language}"


def _details(service: Service) -> dict[str, SafeString]:
    phone = next(iter(service.phones.all()), None)
    return {
        "details": render_to_string("directory/_card_details.html", {"s": service}),
        "phone": format_html('<a href="tel:{0}">{0}</a>', phone.number) if phone else "",
    }


def result_cards(services: list[Service], moment: datetime) -> list[dict]:
    """One page of services as cards: each service, whether it is open at ``moment``, and its
    details from the cache or, when missing there, read and rendered now."""
    language = get_language()
    generations = {owner: directory_generation(owner) for owner in {s.owner_id for s in services}}
    keys = {s.pk: _key(generations[s.owner_id], s, language) for s in services}
    cached = cache.get_many(keys.values()) if keys else {}
    missing = [s for s in services if keys[s.pk] not in cached]
    if missing:
        prefetch_related_objects(missing, *card_lookups())
        fresh = {keys[s.pk]: _details(s) for s in missing}
        cache.set_many(fresh, CARD_SECONDS)
        cached.update(fresh)
    is_open = open_now_of(services, moment)
    return [{"service": s, "open_now": is_open[s.pk], **cached[keys[s.pk]]} for s in services]
