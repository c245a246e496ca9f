"""Result cards of a directory search.

A card's heading and what it shows from the service's related rows (its provider and places,
description, categories, languages and first phone number) are rendered once per language and
kept in the cache under the directory's generation and the service's last change: a page of
twenty results reads its cards in one round trip to the cache, and only the cards not found
there are read from the database (six prefetches for all of them together) and rendered. What
changes by the minute or with the reader (open now, the badges read off the service's own row,
the refer button) is rendered with every page (``directory/_card.html``).
"""

import functools
import hashlib
from datetime import datetime
from pathlib import Path

from django.core.cache import caches
from django.db.models import prefetch_related_objects
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from accounts.models import Organisation
from directory.models import Service
from directory.search.query import DIRECTORY_CACHE, SHIPPED_DIGEST, open_now_of
from directory.selectors import card_lookups

# A card stays cached an hour from when it was rendered; a write to the directory renews the keys
# at once.
CARD_SECONDS = 60 * 60
DETAILS_TEMPLATE = "directory/_card_details.html"


@functools.cache
def _release() -> str:
    """A digest of this module, the cached template and the shipped categories: a release that
    changes what a card caches, or how, starts with fresh cards rather than read the old ones.
    Computed once per process: with DEBUG on, restart after editing the template."""
    source = get_template(DETAILS_TEMPLATE).template.source.encode()
    code = Path(__file__).read_bytes() + SHIPPED_DIGEST.encode()  # the categories' labels too
    return hashlib.sha256(code + source).hexdigest()[:12]


def _key(organisation: Organisation, service: Service, language: str) -> str:
    changed = service.updated_at.timestamp() if service.updated_at else 0
    return (
        f"limen:directory:card:{_release()}:{organisation.pk}:{organisation.directory_generation}:"
        f"{service.pk}:{changed}:{language}"
    )


def _details(service: Service) -> dict[str, SafeString]:
    phone = next(iter(service.phones.all()), None)
    return {
        "heading": format_html(
            '<h3><a href="{}">{}</a></h3>',
            reverse("directory:service", args=[service.uuid]),
            service.name,
        ),
        "details": render_to_string(DETAILS_TEMPLATE, {"s": service}),
        "phone": format_html('<a href="tel:{0}">{0}</a>', phone.number) if phone else "",
    }


def result_cards(
    organisation: Organisation, services: list[Service], moment: datetime
) -> list[dict]:
    """One page of the organisation's services as cards: each service, whether it is open at
    ``moment``, and its heading and details from the cache or, when missing there, read and
    rendered now."""
    language = get_language()
    keys = {s.pk: _key(organisation, s, language) for s in services}
    cache = caches[DIRECTORY_CACHE]
    cached = cache.get_many(keys.values()) if keys else {}
    missing = [s for s in services if keys[s.pk] not in cached]
    if missing:
        prefetch_related_objects(missing, *card_lookups())
        fresh = {keys[s.pk]: _details(s) for s in missing}
        cache.set_many(fresh, CARD_SECONDS)
        cached.update(fresh)
    is_open = open_now_of(services, moment)
    return [{"service": s, "open_now": is_open[s.pk], **cached[keys[s.pk]]} for s in services]
