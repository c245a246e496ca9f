"""The time-zone menu: the zones tzdata lists per country (``zone.tab``), without the deprecated
aliases (``US/Eastern``, ``Europe/Kiev``) that ``zoneinfo.available_timezones()`` also holds,
and the likely ones first: the person's own, their colleagues', the rest of those countries',
and those of the countries their language is spoken in. The browser's zone is moved up by
``limen.js``. Read from the tz database on this machine (or the ``tzdata`` package), never from
the network."""

import zoneinfo
from collections import Counter
from functools import cache
from importlib import resources
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from accounts.models import User

# Countries whose zones a person writing in a language most likely lives in (ISO 3166 codes).
LANGUAGE_COUNTRIES = {
    "en": ("GB", "IE"),
    "nl": ("NL", "BE"),
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "BE", "CH", "LU"),
}
# The suggested group stays short enough to read at a glance.
MAX_SUGGESTED = 12


def _zone_tab_text() -> str | None:
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None


@cache
def zone_countries() -> dict[str, str]:
    """Canonical zone name -> ISO country code, as ``zone.tab`` lists them."""
    text = _zone_tab_text()
    if text is None:
        # No table on this machine: every zone with a region, as before, without countries.
        return {
            name: "" for name in zoneinfo.available_timezones() if "/" in name and name[0].isupper()
        }
    available = zoneinfo.available_timezones()
    zones = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 3 and parts[2] in available:
            zones[parts[2]] = parts[0]
    return zones


def canonical_zones() -> list[str]:
    """Every zone offered: one per place, no deprecated aliases, sorted by name."""
    return sorted([*zone_countries(), "UTC"])


def zone_label(name: str) -> str:
    return name.replace("_", " ")


def suggested_zones(user: User) -> list[str]:
    """The zones ``user`` most likely wants, most likely first."""
    from accounts.selectors import membership_of

    countries = zone_countries()
    suggested: list[str] = []

    def add(zone: str) -> None:
        if zone and zone not in suggested and (zone in countries or zone == user.time_zone):
            suggested.append(zone)

    add(user.time_zone)
    membership = membership_of(user)
    if membership is not None:
        colleagues = Counter(
            User.objects.filter(
                membership__organisation_id=membership.organisation_id, is_active=True
            ).values_list("time_zone", flat=True)
        )
        for zone, _count in colleagues.most_common():
            add(zone)
    places = [countries.get(zone, "") for zone in suggested]
    places += LANGUAGE_COUNTRIES.get(user.language, ())
    for country in dict.fromkeys(p for p in places if p):
        for zone, code in countries.items():
            if code == country:
                add(zone)
    return suggested[:MAX_SUGGESTED]


def time_zone_menu(user: User) -> list[tuple]:
    """Grouped choices for a ``ChoiceField``: the suggested zones, then all of them."""
    suggested = suggested_zones(user)
    everything = canonical_zones()
    return [
        (_("Suggested"), [(zone, zone_label(zone)) for zone in suggested]),
        (_("All time zones"), [(zone, zone_label(zone)) for zone in everything]),
    ]
