"""The stale rule: a listed service nobody verified for ``STALE_AFTER_DAYS`` is stale, and its
agency's admins are reminded once a week."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

import reminders
from accounts.models import Membership
from directory.models import Service, stale_cutoff


def stale_reminders_schedule(*, now: datetime | None = None) -> int:
    """One grouped "re-verify" reminder per admin per ISO week, for each agency with stale
    entries. Safe to run daily: the key per admin and week makes repeats no-ops."""
    now = now or timezone.now()
    cutoff = stale_cutoff(timezone.localdate(now))
    stale = Service.objects.filter(
        status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED]
    ).filter(Q(assured_date__isnull=True) | Q(assured_date__lt=cutoff))
    counts: dict[int, int] = {}
    for owner_id in stale.values_list("owner_id", flat=True):
        counts[owner_id] = counts.get(owner_id, 0) + 1
    year, week, _day = now.isocalendar()
    scheduled = 0
    link = reverse("directory:verification")
    admins = Membership.objects.filter(
        organisation_id__in=counts, is_admin=True, user__is_active=True
    ).select_related("user")
    for membership in admins:
        with transaction.atomic():
            reminders.schedule(
                kind="directory_stale",
                recipient=membership.user,
                due_at=now,
                about=f"accounts.organisation:{membership.organisation_id}",
                key=f"directory_stale:{membership.user_id}:{year}-W{week:02d}",
                link=link,
                data={"count": counts[membership.organisation_id]},
            )
        scheduled += 1
    return scheduled
