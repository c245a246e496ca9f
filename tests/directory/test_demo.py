"""``seed_demo``: each demo agency gets a realistic directory, read from its HSDS package."""

import os

import pytest
from django.core.management import call_command

from directory import demo as directory_demo
from directory.models import Address, Language, Location, Service

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_each_demo_agency_gets_a_directory_in_several_cities_and_languages(seeded_demo):
    for organisation in (seeded_demo.harbour, seeded_demo.lindenhof):
        services = Service.objects.filter(owner=organisation)
        assert 20 <= services.count() <= 40
        cities = set(Address.objects.filter(owner=organisation).values_list("city", flat=True))
        assert len(cities) >= 3
        codes = set(Language.objects.filter(owner=organisation).values_list("code", flat=True))
        assert len(codes) >= 4
        assert any(s.is_stale for s in services)
        assert any(not s.is_stale for s in services)
        assert Location.objects.filter(owner=organisation, is_confidential=True).exists()


def test_spoken_languages_are_named_in_the_readers_language(seeded_demo, client):
    from django.urls import reverse
    from django.utils import translation

    language = Language.objects.filter(
        code__in=["nl", "nld"], service__owner=seeded_demo.harbour
    ).first()
    with translation.override("en"):
        assert language.label == "Dutch"
    with translation.override("de"):
        assert language.label == "Niederländisch"
    seeded_demo.ana.language = "fr"
    seeded_demo.ana.save()
    client.force_login(seeded_demo.ana)
    page = client.get(reverse("directory:service", args=[language.service.uuid])).content.decode()
    assert "Néerlandais" in page
    assert ">Dutch<" not in page


def test_demo_dates_move_with_the_calendar_so_stale_and_fresh_entries_stay_so():
    from datetime import date

    from directory.models import STALE_AFTER_DAYS

    def ages(today: date) -> list[int]:
        package = directory_demo.read_demo_package(directory_demo.PACKAGES / "harbour", today)
        rows = [row for _n, row in package.tables["service"].rows]
        return sorted((today - date.fromisoformat(row["assured_date"])).days for row in rows)

    assert ages(date(2027, 6, 1)) == ages(date(2031, 1, 15))
    assert min(ages(date(2027, 6, 1))) >= 0
    assert any(age > STALE_AFTER_DAYS for age in ages(date(2027, 6, 1)))
    assert any(age < STALE_AFTER_DAYS for age in ages(date(2027, 6, 1)))
