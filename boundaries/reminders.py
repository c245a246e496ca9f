"""The self-inventory's reminder: a re-take suggested ``RETAKE_AFTER`` (in ``selectors``) after
the latest completed take, scheduled when a take is finished and kept recurring by a daily rule
(with its beat task). Registered in ``BoundariesConfig.ready()``."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import reminders
from accounts.access import Role
from accounts.models import User
from accounts.selectors import membership_of
from boundaries import selectors
from boundaries.models import Take
from reminders.registry import BeatTask, Data, ReminderKind
from reminders.texts import date_text


def _inventory_retake_text(data: Data) -> str:
    return _(
        "You last took the self-inventory on %(completed)s: time to take it again and compare"
    ) % {"completed": date_text(data["completed"])}


INVENTORY_RETAKE = ReminderKind(
    code="inventory_retake",
    label=gettext_lazy("Time to retake the self-inventory"),
    text=_inventory_retake_text,
    roles=(Role.PRACTITIONER,),
)
KINDS = (INVENTORY_RETAKE,)

BEAT = (
    BeatTask(
        name="boundaries-inventory-retake",
        task="boundaries.tasks.inventory_retake_rules",
        every=timedelta(days=1),
        expires=timedelta(hours=12),
    ),
)


def take_about(take: Take) -> str:
    return f"boundaries.take:{take.uuid}"


def inventory_retake_key(take: Take) -> str:
    """One key per take, so that a suggestion already delivered for an earlier take never
    swallows the next one."""
    return f"inventory_retake:{take.uuid}"


def _schedule(take: Take) -> None:
    reminders.schedule(
        kind=INVENTORY_RETAKE,
        recipient=take.user,
        due_at=take.completed_at + selectors.RETAKE_AFTER,
        about=take_about(take),
        key=inventory_retake_key(take),
        link=reverse("boundaries:home"),
        data={"completed": timezone.localdate(take.completed_at, take.user.tzinfo).isoformat()},
    )


def retake_schedule(*, take: Take) -> None:
    """Suggest a re-take ``RETAKE_AFTER`` after ``take`` was completed, and withdraw the
    suggestion still waiting about the take before it (only the latest take's re-take is ever
    pending).

    Call it in the transaction that completes the take. Someone who is no longer part of an
    organisation has nobody to deliver to, so nothing is scheduled for them.
    """
    if membership_of(take.user) is None:
        return
    previous = selectors.previous_completed_take(take)
    if previous is not None:
        reminders.cancel(about=take_about(previous), kinds=[INVENTORY_RETAKE])
    _schedule(take)


def inventory_retake_reminders_schedule(*, now: datetime | None = None) -> int:
    """The daily rule, a safety net that keeps the suggestion recurring: remind, once per take,
    everyone whose latest take is ``RETAKE_AFTER`` old and has no re-take reminder about it yet
    (takes made before reminders existed, or a take finished after the previous suggestion was
    delivered). Returns how many; safe to run any number of times, since the key names the
    take."""
    now = now or timezone.now()
    latest = (
        Take.objects.filter(user=OuterRef("pk"), completed_at__isnull=False)
        .order_by("-completed_at", "-id")
        .values("pk")[:1]
    )
    people = (
        User.objects.filter(is_active=True, membership__isnull=False)
        .annotate(latest_take=Subquery(latest))
        .filter(latest_take__isnull=False)
    )
    takes = list(
        Take.objects.filter(
            pk__in=people.values("latest_take"), completed_at__lte=now - selectors.RETAKE_AFTER
        ).select_related("user")
    )
    reminded = reminders.reminded_abouts(
        kind=INVENTORY_RETAKE, abouts=[take_about(take) for take in takes]
    )
    scheduled = 0
    for take in takes:
        if take_about(take) in reminded:
            continue
        with transaction.atomic():
            _schedule(take)
        scheduled += 1
    return scheduled
