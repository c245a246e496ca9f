"""Writes for reminders: schedule, cancel, and the worker heartbeat."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import membership_of, working_hours_of
from reminders.models import Reminder, WorkerHeartbeat
from reminders.windows import next_window_start


def deliver_after_for(recipient: User, due_at: datetime) -> datetime:
    """The first moment in the recipient's working hours at or after ``due_at``."""
    return next_window_start(due_at, working_hours_of(recipient), recipient.tzinfo)


def reminder_schedule(
    *,
    kind: str,
    recipient: User,
    due_at: datetime,
    about: str = "",
    key: str | None = None,
    link: str = "",
    data: dict[str, Any] | None = None,
) -> Reminder:
    """Write (or, while still waiting, move) the reminder identified by ``key``.

    Call it inside the transaction of the change that causes the reminder. The same key never
    makes two rows; a reminder already delivered or cancelled is left as it is.
    """
    if kind not in Reminder.Kind.values:
        raise ValueError(f"Unknown reminder kind {kind!r}")
    if timezone.is_naive(due_at):
        raise ValueError("due_at must be timezone-aware")
    membership = membership_of(recipient)
    if membership is None:
        raise ValueError("The recipient belongs to no organisation")
    key = key or f"{kind}:{about}:{recipient.pk}"
    fields = {
        "due_at": due_at,
        "deliver_after": deliver_after_for(recipient, due_at),
        "link": link,
        "data": dict(data or {}),
    }
    with transaction.atomic():
        reminder, created = Reminder.objects.select_for_update().get_or_create(
            idempotency_key=key,
            defaults={
                "organisation": membership.organisation,
                "recipient": recipient,
                "kind": kind,
                "about": about,
                **fields,
            },
        )
        if not created and reminder.status == Reminder.Status.PENDING:
            for name, value in fields.items():
                setattr(reminder, name, value)
            reminder.save(update_fields=list(fields))
    return reminder


def reminder_cancel(
    *, key: str | None = None, about: str | None = None, kinds: Iterable[str] | None = None
) -> int:
    """Cancel waiting reminders by key, or by what they are about (optionally of some kinds).

    Returns how many were cancelled. Delivered reminders are history and stay as they are.
    """
    if not key and not about:
        raise ValueError("Name a key or what the reminders are about")
    rows = Reminder.objects.filter(status=Reminder.Status.PENDING)
    if key:
        rows = rows.filter(idempotency_key=key)
    if about:
        rows = rows.filter(about=about)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    return rows.update(status=Reminder.Status.CANCELLED)


def worker_heartbeat_record() -> None:
    """Note that a worker is alive and beat is scheduling (shown by /healthz)."""
    WorkerHeartbeat.objects.update_or_create(name="worker", defaults={"beat_at": timezone.now()})
