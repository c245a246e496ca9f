"""Scoped reads about reminders: a person's inbox and preferences, an admin's lists of failed
and retrying reminders, and the delivery figures ``/healthz`` shows."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import DatabaseError
from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.access import Role, has_role
from accounts.models import User
from accounts.selectors import membership_of
from reminders.models import (
    Delivery,
    DeliveryOutcome,
    Reminder,
    ReminderPreference,
    WorkerHeartbeat,
)
from reminders.registry import ReminderKind, find_kind, kinds_for_roles
from reminders.texts import reminder_details, reminder_text
from reminders.unsubscribe import unsubscribe_payload

# Reminders on one page of the inbox.
INBOX_PAGE_SIZE = 25


def worker_last_seen() -> datetime | None:
    """When a worker last ran the beat-scheduled heartbeat task, if ever."""
    try:
        beat = WorkerHeartbeat.objects.filter(name="worker").first()
    except DatabaseError:
        return None
    return beat.beat_at if beat else None


def preference_of(user: User) -> ReminderPreference:
    """The person's reminder preferences; the (unsaved) defaults when they never changed them."""
    preference = ReminderPreference.objects.filter(user_id=user.pk).first()
    return preference or ReminderPreference(user_id=user.pk)


def kinds_offered_to(user: User) -> list[ReminderKind]:
    """The kinds of reminder ``user``'s roles can bring them: what their settings list."""
    membership = membership_of(user)
    roles = [role for role in Role if membership and membership.holds(role)]
    return kinds_for_roles(roles)


def inbox_of(user: User) -> QuerySet[Reminder]:
    """Reminders delivered to ``user`` in Limen and not yet done, newest delivery first."""
    delivered = Delivery.objects.filter(
        reminder=OuterRef("pk"), channel=Delivery.Channel.IN_APP
    ).values("delivered_at")[:1]
    return (
        Reminder.objects.filter(recipient_id=user.pk, done_at__isnull=True)
        .exclude(status=Reminder.Status.CANCELLED)
        .annotate(delivered_at=Subquery(delivered))
        .filter(delivered_at__isnull=False)
        .order_by("-delivered_at", "-id")
    )


def unread_count_of(user: User) -> int:
    """How many delivered in-app reminders ``user`` has not opened yet (the badge)."""
    if not user.is_authenticated:
        return 0
    return (
        Reminder.objects.filter(
            recipient_id=user.pk,
            done_at__isnull=True,
            read_at__isnull=True,
            deliveries__channel=Delivery.Channel.IN_APP,
        )
        .exclude(status=Reminder.Status.CANCELLED)
        .count()
    )


def reminder_for_user(user: User, reminder_uuid: UUID | str) -> Reminder:
    """One of the user's own reminders; 404 for anyone else's, as for a missing one."""
    try:
        return Reminder.objects.get(uuid=reminder_uuid, recipient_id=user.pk)
    except (Reminder.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def failed_for_admin(user: User) -> QuerySet[Reminder]:
    """Reminders that could not be delivered, in the admin's own organisation only."""
    if not has_role(user, Role.ADMIN):
        return Reminder.objects.none()
    return (
        Reminder.objects.filter(
            organisation=membership_of(user).organisation, status=Reminder.Status.FAILED
        )
        .select_related("recipient")
        .order_by("-due_at", "-id")
    )


# Waiting to go out, with the error of a failed attempt on the row: being tried again.
RETRYING = Q(status__in=[Reminder.Status.PENDING, Reminder.Status.CLAIMED]) & ~Q(last_error="")


@dataclass(frozen=True)
class WaitingForHours:
    """Reminders that have fallen due but wait for the person's working hours (or their daily
    digest), and when the first of them goes out."""

    count: int
    goes_out_at: datetime | None


def _waiting_for_hours(now: datetime) -> Q:
    """Due by ``now`` and going out but for the working hours: not snoozed to a later moment,
    not retrying a failed e-mail."""
    return Q(
        status=Reminder.Status.PENDING, last_error="", due_at__lte=now, deliver_after__gt=now
    ) & (Q(not_before__isnull=True) | Q(not_before__lte=now))


def waiting_for_hours_of(user: User, *, now: datetime | None = None) -> WaitingForHours:
    """``user``'s reminders that wait for their working hours, and when the first goes out.
    One query."""
    numbers = Reminder.objects.filter(
        _waiting_for_hours(now or timezone.now()), recipient_id=user.pk
    ).aggregate(count=Count("pk"), first=Min("deliver_after"))
    return WaitingForHours(count=numbers["count"], goes_out_at=numbers["first"])


@dataclass(frozen=True)
class RemindersGlance:
    """A person's reminders at a glance: unread in their inbox, those waiting for their working
    hours, and (for an agency admin) the ones in their organisation that could not be delivered
    or are being tried again, with the last error of the one to be tried last (as a rule the
    latest to fail)."""

    unread: int
    waiting: WaitingForHours = WaitingForHours(count=0, goes_out_at=None)
    failed: int = 0
    retrying: int = 0
    last_error: str = ""


def glance(user: User) -> RemindersGlance:
    # The unread and the waiting ones in one query (a reminder has at most one in-app delivery).
    waits = _waiting_for_hours(timezone.now())
    own = (
        Reminder.objects.filter(recipient_id=user.pk, done_at__isnull=True)
        .exclude(status=Reminder.Status.CANCELLED)
        .aggregate(
            unread=Count(
                "pk",
                filter=Q(read_at__isnull=True, deliveries__channel=Delivery.Channel.IN_APP),
                distinct=True,
            ),
            waiting=Count("pk", filter=waits, distinct=True),
            goes_out_at=Min("deliver_after", filter=waits),
        )
    )
    waiting = WaitingForHours(count=own["waiting"], goes_out_at=own["goes_out_at"])
    if not has_role(user, Role.ADMIN):
        return RemindersGlance(unread=own["unread"], waiting=waiting)
    mine = Reminder.objects.filter(
        organisation=membership_of(user).organisation,
        status__in=[Reminder.Status.FAILED, Reminder.Status.PENDING, Reminder.Status.CLAIMED],
    )
    numbers = mine.aggregate(
        failed=Count("pk", filter=Q(status=Reminder.Status.FAILED)),
        retrying=Count("pk", filter=RETRYING),
    )
    last_error = ""
    if numbers["retrying"]:  # one query more, only while e-mails are failing
        last_error = (
            mine.filter(RETRYING)
            .order_by(F("not_before").desc(nulls_last=True), "-id")
            .values_list("last_error", flat=True)
            .first()
        )
    return RemindersGlance(unread=own["unread"], waiting=waiting, last_error=last_error, **numbers)


def retrying_for_admin(user: User) -> QuerySet[Reminder]:
    """Reminders whose e-mail failed and is being tried again, in the admin's own organisation
    only, longest failing first."""
    if not has_role(user, Role.ADMIN):
        return Reminder.objects.none()
    return (
        Reminder.objects.filter(RETRYING, organisation=membership_of(user).organisation)
        .select_related("recipient")
        .order_by(F("failing_since").asc(nulls_last=True), "due_at", "id")
    )


def delivery_health(*, now: datetime | None = None) -> dict:
    """Counts and times about delivery across all organisations, for ``/healthz``: how the
    latest e-mail attempt ended, how many reminders are retrying or failed, and how long the
    oldest reminder that should have gone out has waited. No names, addresses or texts."""
    now = now or timezone.now()
    undelivered = [Reminder.Status.PENDING, Reminder.Status.CLAIMED]
    numbers = Reminder.objects.filter(status__in=[*undelivered, Reminder.Status.FAILED]).aggregate(
        oldest_failing=Min("failing_since", filter=Q(status__in=undelivered)),
        oldest_due=Min(
            "deliver_after",
            filter=Q(status__in=undelivered, failing_since__isnull=True, deliver_after__lte=now),
        ),
        retrying=Count("pk", filter=Q(status__in=undelivered) & ~Q(last_error="")),
        failed=Count("pk", filter=Q(status=Reminder.Status.FAILED)),
    )
    waiting_since = min(
        (moment for moment in (numbers["oldest_failing"], numbers["oldest_due"]) if moment),
        default=None,
    )
    last = DeliveryOutcome.objects.filter(channel=Delivery.Channel.EMAIL).first()
    return {
        "last_email": (
            {"outcome": last.outcome, "at": last.at, "error_type": last.error_type}
            if last
            else None
        ),
        "retrying": numbers["retrying"],
        "failed": numbers["failed"],
        "oldest_waiting_seconds": (
            int((now - waiting_since).total_seconds()) if waiting_since else 0
        ),
    }


def failed_reminder_for_admin(user: User, reminder_uuid: UUID | str) -> Reminder:
    try:
        return failed_for_admin(user).get(uuid=reminder_uuid)
    except (Reminder.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def calendar_owner(token: str) -> User | None:
    """Whose calendar feed ``token`` opens, if it is a live token."""
    if not token or len(token) < 20:
        return None
    preference = (
        ReminderPreference.objects.filter(
            calendar_token_hash=ReminderPreference.calendar_token_hash_of(token),
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )
    return preference.user if preference else None


def unsubscribe_target(token: str) -> tuple[User, str] | None:
    """(person, reminder kind) a signed unsubscribe link speaks for, or None when the link was
    tampered with, names an unknown kind, or its person is no longer active. Raises
    ``UnsubscribeLinkExpired`` when the link is too old."""
    payload = unsubscribe_payload(token)
    if payload is None or find_kind(payload[1]) is None:
        return None
    user = User.objects.filter(pk=payload[0], is_active=True).first()
    return (user, payload[1]) if user else None


def calendar_reminders_of(user: User) -> QuerySet[Reminder]:
    """Reminders still to act on: waiting or delivered, not done and not cancelled."""
    return Reminder.objects.filter(
        recipient_id=user.pk,
        done_at__isnull=True,
        status__in=[Reminder.Status.PENDING, Reminder.Status.CLAIMED, Reminder.Status.SENT],
    ).order_by("due_at", "id")


def reminded_abouts(*, kind: ReminderKind, abouts: Iterable[str]) -> set[str]:
    """Which of ``abouts`` already have a reminder of ``kind``, in any state (a rule that
    reminds once per cause asks this before scheduling)."""
    return set(
        Reminder.objects.filter(kind=kind.code, about__in=list(abouts)).values_list(
            "about", flat=True
        )
    )


_PLACEHOLDER_UUID = "00000000-0000-4000-8000-000000000000"


def _uuid_link(name: str) -> Callable[[UUID | str], str]:
    """The URL named ``name`` for any uuid, the resolver asked once: a page of items with a few
    links each would otherwise reverse every link of every item."""
    head, tail = reverse(name, args=[_PLACEHOLDER_UUID]).split(_PLACEHOLDER_UUID)
    return lambda value: f"{head}{value}{tail}"


def inbox_page(user: User, number: str | int | None) -> Page:
    """One page of the user's inbox, each reminder with its sentence, details and links."""
    page = Paginator(inbox_of(user), INBOX_PAGE_SIZE).get_page(number)
    open_link, done_link = _uuid_link("reminders:open"), _uuid_link("reminders:done")
    snooze_link = _uuid_link("reminders:snooze")
    for reminder in page.object_list:
        reminder.text = reminder_text(reminder)
        reminder.details = reminder_details(reminder)
        reminder.open_url = open_link(reminder.uuid)
        reminder.done_url = done_link(reminder.uuid)
        reminder.snooze_url = snooze_link(reminder.uuid)
    return page
