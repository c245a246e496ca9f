"""Demo referrals (run by ``manage.py seed_demo`` after the demo directory; idempotent).

``demo.json`` lists a few referrals by the demo practitioners, some with an outcome and one
follow-up due: who made it, for which client code, to which service of their agency's demo
directory (by name), why, how many days ago, and when to follow up.
"""

import json
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from accounts.models import User
from directory.models import Service
from journal.models import Client
from referrals.models import Referral
from referrals.services import referral_create, referral_record_outcome

REFERRALS = Path(__file__).resolve().parent / "demo.json"


def seed(stdout) -> None:
    now = timezone.now()
    made = 0
    for item in json.loads(REFERRALS.read_text(encoding="utf-8")):
        user = User.objects.filter(email=item["practitioner"]).first()
        client = Client.objects.filter(owner=user, code=item["client"]).first() if user else None
        if client is None:
            continue
        service = Service.objects.filter(
            owner_id=client.organisation_id, name=item["service"]
        ).first()
        if service is None or Referral.objects.filter(client=client, service=service).exists():
            continue
        made_at = now - timedelta(days=item["days_ago"])
        after = timedelta(days=item["follow_up_after_days"])
        referral = referral_create(
            by=user,
            client=client,
            entry=client.entries.order_by("-occurred_at").first(),
            service=service,
            reason=item["reason"],
            client_consented=True,
            follow_up_on=(made_at + after).date(),
        )
        outcome = item["outcome"]
        if outcome:
            referral_record_outcome(
                referral=referral, outcome=outcome["outcome"], note=outcome["note"], by=user
            )
        Referral.objects.filter(pk=referral.pk).update(
            created_at=made_at, outcome_at=made_at + after if outcome else None
        )
        made += 1
    if made:
        stdout.write(f"Demo referrals: {made}.\n")
