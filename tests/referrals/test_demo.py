"""``seed_demo``: the demo practitioners get a few referrals with reminders, idempotently."""

import os

import pytest
from django.core.management import call_command

from directory.models import Service
from referrals.models import Referral
from reminders.models import Reminder

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_demo_practitioners_have_a_few_referrals_with_reminders(seeded_demo):
    for practitioner in (seeded_demo.ana, seeded_demo.ben, seeded_demo.chloe, seeded_demo.daan):
        referrals = Referral.objects.filter(owner=practitioner)
        assert referrals.exists()
        for referral in referrals:
            assert referral.client.owner == practitioner
            assert referral.service.owner_id == referral.organisation_id
    pending = Referral.objects.filter(outcome="")
    assert pending.exists() and Referral.objects.exclude(outcome="").exists()
    for referral in pending:
        assert Reminder.objects.get(about=referral.about).status == Reminder.Status.PENDING


def test_seeding_twice_changes_nothing(seeded_demo):
    before = (Service.objects.count(), Referral.objects.count(), Reminder.objects.count())
    seed()
    assert (Service.objects.count(), Referral.objects.count(), Reminder.objects.count()) == before
