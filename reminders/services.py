"""Writes for reminders: schedule, cancel, preferences, inbox actions and the worker heartbeat.

Dispatching and delivery (claims, digests, back-off) live in ``reminders.delivery``.
"""

import secrets
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import membership_of, working_hours_of
from accounts.services import audit_log
from reminders import registry
from reminders.models import Delivery, Reminder, ReminderPreference, WorkerHeartbeat
from reminders.planning import due_moment, planned_times, timing_of
from reminders.registry import ReminderKind
from reminders.windows import next_window_opening, start_of_local_day

# The most of a reminder's last delivery error copied into the audit entry of a retry.
AUDITED_ERROR_CHARS = 200


def reminder_schedule(
    *,
    kind: ReminderKind,
    recipient: User,
    about: str,
    key: str,
    due_at: datetime | None = None,
    on: date | None = None,
    link: str = "",
    data: Mapping[str, Any] | None = None,
) -> Reminder:
    """Write (or, while still waiting, move) the reminder identified by ``key``.

    ``kind`` is a registered kind; ``about`` names what the reminder is about, as
    ``"<app>.<model>:<id>"``; ``key`` comes from the kind's key function. It falls due at a
    moment (``due_at``) or on a day (``on``), never at a clock time of the caller's: when it
    reaches the person is theirs to say (``reminders.planning``). Call it inside the transaction
    of the change that causes the reminder. The same key never makes two rows; a reminder
    already delivered or cancelled is left as it is.
    """
    if registry.find_kind(kind.code) is not kind:
        raise ValueError(f"Unknown reminder kind {kind.code!r}")
    if not key:
        raise ValueError("A reminder needs its kind's idempotency key")
    if (due_at is None) == (on is None):
        raise ValueError("A reminder falls due at a moment (due_at) or on a day (on)")
    if due_at is not None and timezone.is_naive(due_at):
        raise ValueError("due_at must be timezone-aware")
    membership = membership_of(recipient)
    if membership is None:
        raise ValueError("The recipient belongs to no organisation")
    timing = timing_of(recipient)
    if on is not None:
        due_at = due_moment(on, timing)
    deliver_after, deliver_by = planned_times(
        due_at=due_at, not_before=None, timing=timing, now=timezone.now()
    )
    fields = {
        "due_at": due_at,
        "due_on": on,
        "not_before": None,
        "deliver_after": deliver_after,
        "deliver_by": deliver_by,
        "link": link,
        "data": dict(data or {}),
    }
    with transaction.atomic():
        reminder, created = Reminder.objects.select_for_update().get_or_create(
            idempotency_key=key,
            defaults={
                "organisation": membership.organisation,
                "recipient": recipient,
                "kind": kind.code,
                "about": about,
                **fields,
            },
        )
        if not created and reminder.status == Reminder.Status.PENDING:
            # A waiting reminder follows its cause (e.g. the newest inventory take).
            fields["about"] = about
            for name, value in fields.items():
                setattr(reminder, name, value)
            reminder.save(update_fields=list(fields))
    return reminder


def reminder_cancel(
    *,
    key: str | None = None,
    about: str | None = None,
    abouts: Iterable[str] | None = None,
    kinds: Iterable[ReminderKind] | None = None,
    keep: Iterable[str] = (),
) -> int:
    """Cancel waiting reminders by key, or by what they are about (one ``about`` or several
    ``abouts``, in one query), optionally only of some kinds, and except those whose key is in
    ``keep``.

    Returns how many were cancelled. Delivered reminders are history and stay as they are.
    """
    abouts = list(abouts) if abouts is not None else None
    if not key and not about and abouts is None:
        raise ValueError("Name a key or what the reminders are about")
    rows = Reminder.objects.filter(status=Reminder.Status.PENDING)
    if key:
        rows = rows.filter(idempotency_key=key)
    if about:
        rows = rows.filter(about=about)
    if abouts is not None:
        rows = rows.filter(about__in=abouts)
    if kinds is not None:
        rows = rows.filter(kind__in=[kind.code for kind in kinds])
    keep = list(keep)
    if keep:
        rows = rows.exclude(idempotency_key__in=keep)
    return rows.update(status=Reminder.Status.CANCELLED)


def reminders_replan(*, recipient: User, now: datetime | None = None) -> int:
    """Move every waiting reminder of ``recipient`` to where their working hours, time zone and
    digest preference put it now; returns how many moved.

    Call it in the transaction that changes any of those (their profile, their reminder
    settings), so that no reminder is ever delivered by settings they no longer have. Rows
    already due are left to the dispatcher, which takes them within the minute.
    """
    now = now or timezone.now()
    timing = timing_of(recipient)
    with transaction.atomic():
        waiting = Reminder.objects.select_for_update().filter(
            recipient_id=recipient.pk, status=Reminder.Status.PENDING, deliver_after__gt=now
        )
        moved = []
        for reminder in waiting:
            due_at = due_moment(reminder.due_on, timing) if reminder.due_on else reminder.due_at
            planned = (
                due_at,
                *planned_times(
                    due_at=due_at, not_before=reminder.not_before, timing=timing, now=now
                ),
            )
            if planned != (reminder.due_at, reminder.deliver_after, reminder.deliver_by):
                reminder.due_at, reminder.deliver_after, reminder.deliver_by = planned
                moved.append(reminder)
        # Only rows still waiting: a row claimed meanwhile keeps the time it was claimed at.
        Reminder.objects.filter(status=Reminder.Status.PENDING).bulk_update(
            moved, ["due_at", "deliver_after", "deliver_by"]
        )
    return len(moved)


# --- Preferences and the calendar feed --------------------------------------------------------


def preference_update(
    *,
    user: User,
    email_kinds: Iterable[str],
    in_app_kinds: Iterable[str],
    window: str,
    offered: Iterable[str] | None = None,
) -> ReminderPreference:
    """Save which kinds reach ``user`` by which channel, and how often digests come; their
    waiting reminders follow the new window. Only the ``offered`` kinds (all when None) are
    set: a kind the settings did not list keeps its choice, should the person's roles change."""
    if window not in ReminderPreference.Window.values:
        raise ValueError(f"Unknown digest window {window!r}")
    email, in_app = set(email_kinds), set(in_app_kinds)
    codes = registry.kind_codes()
    changed = set(codes if offered is None else offered)
    with transaction.atomic():
        preference, _ = ReminderPreference.objects.get_or_create(user=user)
        preference.email_off = [
            kind
            for kind in codes
            if (kind not in email if kind in changed else kind in preference.email_off)
        ]
        preference.in_app_off = [
            kind
            for kind in codes
            if (kind not in in_app if kind in changed else kind in preference.in_app_off)
        ]
        preference.window = window
        preference.save()
        reminders_replan(recipient=user)
    return preference


def preference_unsubscribe(*, user: User, kind: str) -> ReminderPreference:
    """Stop e-mails of one kind (from the link in a digest; no sign-in needed)."""
    if registry.find_kind(kind) is None:
        raise ValueError(f"Unknown reminder kind {kind!r}")
    with transaction.atomic():
        preference, _ = ReminderPreference.objects.select_for_update().get_or_create(user=user)
        if kind not in preference.email_off:
            preference.email_off = [*preference.email_off, kind]
            preference.save(update_fields=["email_off", "updated_at"])
    return preference


def calendar_token_regenerate(*, user: User) -> str:
    """Give ``user`` a new secret feed address; the old one stops working at once. Returns the
    secret, which is stored only as its hash: the caller shows it once."""
    token = secrets.token_urlsafe(32)
    preference, _ = ReminderPreference.objects.get_or_create(user=user)
    preference.calendar_token_hash = ReminderPreference.calendar_token_hash_of(token)
    preference.save(update_fields=["calendar_token_hash", "updated_at"])
    return token


def calendar_token_revoke(*, user: User) -> None:
    ReminderPreference.objects.filter(user=user).update(calendar_token_hash="")


# --- The inbox --------------------------------------------------------------------------------


def reminder_mark_read(*, reminder: Reminder) -> None:
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        Reminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(
            read_at=reminder.read_at
        )


def reminders_mark_read(
    *, recipient: User, abouts: Iterable[str], kinds: Iterable[ReminderKind]
) -> int:
    """Mark the recipient's unread reminders of ``kinds`` about ``abouts`` as read (the badge
    drops); returns how many. One waiting to be delivered is left to arrive as it is."""
    return Reminder.objects.filter(
        recipient_id=recipient.pk,
        about__in=list(abouts),
        kind__in=[kind.code for kind in kinds],
        read_at__isnull=True,
        deliveries__channel=Delivery.Channel.IN_APP,
    ).update(read_at=timezone.now())


def reminder_mark_done(*, reminder: Reminder) -> None:
    """Done: it leaves the inbox and the calendar feed."""
    now = timezone.now()
    Reminder.objects.filter(pk=reminder.pk, done_at__isnull=True).update(
        done_at=now, read_at=reminder.read_at or now
    )


def snooze_until(*, user: User, choice: str, now: datetime | None = None) -> datetime:
    """When a snoozed reminder comes back: ``tomorrow`` is the start of the next working day
    after today, ``next_week`` the start of the first working day from next Monday on."""
    now = now or timezone.now()
    tz = user.tzinfo
    if choice == "tomorrow":
        after = start_of_local_day(now, tz, days_ahead=1)
    elif choice == "next_week":
        weekday = now.astimezone(tz).weekday()
        after = start_of_local_day(now, tz, days_ahead=7 - weekday)
    else:
        raise ValueError(f"Unknown snooze {choice!r}")
    return next_window_opening(after, working_hours_of(user), tz)


def reminder_snooze(*, reminder: Reminder, until: datetime) -> bool:
    """Take the reminder out of the inbox until ``until`` (from ``snooze_until``), when it is
    delivered in Limen again (not e-mailed again: the e-mail has been sent); never earlier, and
    later if the person's hours change. False when it is being delivered just now."""
    with transaction.atomic():
        moved = Reminder.objects.filter(
            pk=reminder.pk, status__in=[Reminder.Status.SENT, Reminder.Status.PENDING]
        ).update(
            status=Reminder.Status.PENDING,
            not_before=until,
            deliver_after=until,
            deliver_by=until,
            read_at=None,
            claim_token=None,
            claimed_at=None,
            claimed_until=None,
        )
        if moved:
            Delivery.objects.filter(reminder=reminder, channel=Delivery.Channel.IN_APP).delete()
    return bool(moved)


def reminder_retry(*, reminder: Reminder, by: User) -> None:
    """An admin sends a failed reminder again, as soon as the recipient's hours (and digest
    preference) allow."""
    planned, deadline = planned_times(
        due_at=reminder.due_at,
        not_before=None,
        timing=timing_of(reminder.recipient),
        now=timezone.now(),
    )
    with transaction.atomic():
        retried = Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.FAILED).update(
            status=Reminder.Status.PENDING,
            attempts=0,
            not_before=None,
            deliver_after=planned,
            deliver_by=deadline,
            failing_since=None,
            claim_token=None,
            claimed_at=None,
            claimed_until=None,
            digest=None,
        )
        if retried:
            audit_log(
                organisation=reminder.organisation,
                actor=by,
                action="reminders.reminder.retried",
                target=reminder,
                data={
                    "kind": reminder.kind,
                    "last_error": reminder.last_error[:AUDITED_ERROR_CHARS],
                },
            )


def worker_heartbeat_record() -> None:
    """Note that a worker is alive and beat is scheduling (shown by /healthz)."""
    WorkerHeartbeat.objects.update_or_create(name="worker", defaults={"beat_at": timezone.now()})
