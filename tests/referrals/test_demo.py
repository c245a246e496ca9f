"""``seed_demo``: each demo agency gets a realistic directory and a few referrals, idempotently."""

import os

import pytest
from django.core.management import call_command

from referrals.models import Address, Language, Location, Referral, Service
from reminders.models import Reminder

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_each_demo_agency_gets_a_directory_in_several_cities_and_languages(demo):
    seed()
    for organisation in (demo.harbour, demo.lindenhof):
        services = Service.objects.filter(owner=organisation)
        assert 20 <= services.count() <= 40
        cities = set(Address.objects.filter(owner=organisation).values_list("city", flat=True))
        assert len(cities) >= 3
        codes = set(Language.objects.filter(owner=organisation).values_list("code", flat=True))
        assert len(codes) >= 4
        assert any(s.is_stale for s in services)
        assert any(not s.is_stale for s in services)
        assert Location.objects.filter(owner=organisation, is_confidential=True).exists()


def test_demo_practitioners_have_a_few_referrals_with_reminders(demo):
    seed()
    for practitioner in (demo.ana, demo.ben, demo.chloe, demo.daan):
        referrals = Referral.objects.filter(owner=practitioner)
        assert referrals.exists()
        for referral in referrals:
            assert referral.client.owner == practitioner
            assert referral.service.owner_id == referral.organisation_id
    pending = Referral.objects.filter(outcome="")
    assert pending.exists() and Referral.objects.exclude(outcome="").exists()
    for referral in pending:
        assert Reminder.objects.get(about=referral.about).status == Reminder.Status.PENDING


def test_seeding_twice_changes_nothing(demo):
    seed()
    before = (Service.objects.count(), Referral.objects.count(), Reminder.objects.count())
    seed()
    assert (Service.objects.count(), Referral.objects.count(), Reminder.objects.count()) == before


def test_spoken_languages_are_named_in_the_readers_language(demo, client):
    from django.urls import reverse
    from django.utils import translation

    from referrals import demo as referrals_demo

    referrals_demo.seed(open(os.devnull, "w"))  # noqa: SIM115
    language = Language.objects.filter(code__in=["nl", "nld"], service__owner=demo.harbour).first()
    with translation.override("en"):
        assert language.label == "Dutch"
    with translation.override("de"):
        assert language.label == "Niederländisch"
    demo.ana.language = "fr"
    demo.ana.save()
    client.force_login(demo.ana)
    page = client.get(reverse("referrals:service", args=[language.service.uuid])).content.decode()
    assert "Néerlandais" in page
    assert ">Dutch<" not in page
