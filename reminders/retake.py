"""The inventory re-take rule: 90 days after someone's latest completed take, suggest another.

Completing a take schedules its reminder in the same transaction (``boundaries.services``); this
daily rule is the safety net that keeps the suggestion recurring. It reminds, once per take,
everyone whose latest take is 90 days old and has no re-take reminder about it yet: takes made
before reminders existed, or a take finished after the previous suggestion was delivered.
Takes are read through the app registry so that reminders never imports the inventory's code.
"""

from datetime import datetime, timedelta

from django.apps import apps
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from reminders.models import Reminder
from reminders.services import reminder_schedule

RETAKE_AFTER = timedelta(days=90)


def inventory_retake_reminders_schedule(*, now: datetime | None = None) -> int:
    """Schedule the missing re-take reminders; returns how many. Safe to run any number of
    times: the key names the take."""
    now = now or timezone.now()
    take = apps.get_model("boundaries", "Take")
    latest = (
        take.objects.filter(user=OuterRef("pk"), completed_at__isnull=False)
        .order_by("-completed_at", "-id")
        .values("pk")[:1]
    )
    people = (
        User.objects.filter(is_active=True, membership__isnull=False)
        .annotate(latest_take=Subquery(latest))
        .filter(latest_take__isnull=False)
    )
    takes = take.objects.filter(
        pk__in=people.values("latest_take"), completed_at__lte=now - RETAKE_AFTER
    ).select_related("user")
    reminded = set(
        Reminder.objects.filter(
            kind=Reminder.Kind.INVENTORY_RETAKE,
            about__in=[f"boundaries.take:{t.uuid}" for t in takes],
        ).values_list("about", flat=True)
    )
    scheduled = 0
    link = reverse("boundaries:home")
    for latest_take in takes:
        about = f"boundaries.take:{latest_take.uuid}"
        if about in reminded:
            continue
        with transaction.atomic():
            reminder_schedule(
                kind=Reminder.Kind.INVENTORY_RETAKE,
                recipient=latest_take.user,
                due_at=latest_take.completed_at + RETAKE_AFTER,
                about=about,
                key=f"inventory_retake:{latest_take.uuid}",  # as boundaries.services.retake_key
                link=link,
                data={
                    "completed": timezone.localdate(
                        latest_take.completed_at, latest_take.user.tzinfo
                    ).isoformat()
                },
            )
        scheduled += 1
    return scheduled
