"""The directory's reminder: the weekly reminder to re-verify stale directory entries (the stale
rule: a listed service nobody verified for ``STALE_AFTER_DAYS`` is stale, and its agency's admins
are reminded once a week), with its beat task. Registered in ``DirectoryConfig.ready()``."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

import reminders
from accounts.access import Role
from accounts.models import Membership, User
from directory.models import Service, stale_cutoff
from reminders.registry import BeatTask, Data, ReminderKind
from reminders.texts import count_of


def _directory_stale_text(data: Data) -> str:
    count = count_of(data.get("count"))
    return ngettext(
        "%(count)s directory entry has not been verified for a long time",
        "%(count)s directory entries have not been verified for a long time",
        count,
    ) % {"count": count}


DIRECTORY_STALE = ReminderKind(
    code="directory_stale",
    label=gettext_lazy("Directory entries to re-verify"),
    text=_directory_stale_text,
    roles=(Role.ADMIN,),
)
KINDS = (DIRECTORY_STALE,)

# The entry and the task keep the names they had when the directory lived in the ``referrals``
# app (see ``directory/tasks.py``), so that queued messages and beat's schedule file find them.
BEAT = (
    BeatTask(
        name="referrals-stale-directory",
        task="referrals.tasks.remind_stale_directory",
        every=timedelta(days=1),
        expires=timedelta(hours=12),
    ),
)


def directory_about(organisation_id: int) -> str:
    """A stale-directory reminder is about the agency's whole directory."""
    return f"accounts.organisation:{organisation_id}"


def directory_stale_key(admin: User, year: int, week: int) -> str:
    """One per admin and ISO week: the daily rule reminds each admin once a week."""
    return f"directory_stale:{admin.pk}:{year}-W{week:02d}"


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
                kind=DIRECTORY_STALE,
                recipient=membership.user,
                due_at=now,
                about=directory_about(membership.organisation_id),
                key=directory_stale_key(membership.user, year, week),
                link=link,
                data={"count": counts[membership.organisation_id]},
            )
        scheduled += 1
    return scheduled
