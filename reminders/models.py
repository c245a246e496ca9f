"""The reminder outbox: one row per reminder, written in the same transaction as its cause."""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reminders.registry import CODE_MAX_LENGTH, kind_choices


class Reminder(models.Model):
    """A reminder to one person. The row is the truth; the broker only nudges the dispatcher."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        CLAIMED = "claimed", _("being delivered")
        SENT = "sent", _("delivered")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    # The kinds are declared by the apps that own them (``reminders.registry``): a callable, so
    # that a new kind needs no migration here.
    kind = models.CharField(max_length=CODE_MAX_LENGTH, choices=kind_choices)
    # What it is about, as "<app>.<model>:<id>"; reminders never import the other apps.
    about = models.CharField(max_length=120, blank=True)
    # Where the reminder leads (a path inside Limen), and the few facts its text shows. Never note
    # text: e-mails leave the building.
    link = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    # When it falls due: a moment, or for a reminder timed by a day, that day (``due_at`` is then
    # the start of the day in the recipient's zone).
    due_at = models.DateTimeField(_("due"))
    due_on = models.DateField(null=True, blank=True)
    # Snoozed, or waiting to retry a failed e-mail: not before this moment.
    not_before = models.DateTimeField(null=True, blank=True)
    # Where ``due_at`` (or ``not_before``) falls in the recipient's working hours, by their
    # settings as they are now: worked out again whenever those change (``reminders.planning``).
    # The only time the dispatcher reads.
    deliver_after = models.DateTimeField(_("delivered from"), db_index=True)
    # Until when it may wait for the person's reminders falling due just after it, so that they
    # go in one e-mail (``reminders.planning.gather_deadline``). Empty: it does not wait.
    deliver_by = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When its e-mail first failed, while it is retried: how long it has waited (``/healthz``).
    failing_since = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The claim's lease: renewed while its delivery works, swept back once it has run out.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The e-mail digest this reminder goes (or went) out in. A reminder is in at most one digest:
    # a digest that may have reached the server is only ever re-sent whole, never regrouped.
    digest = models.ForeignKey(
        "reminders.Digest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
    )

    class Meta:
        ordering = ["deliver_after", "id"]
        indexes = [
            models.Index(fields=["status", "deliver_after"], name="reminder_due_idx"),
            models.Index(fields=["recipient", "status"], name="reminder_inbox_idx"),
            models.Index(fields=["about"], name="reminder_about_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} @ {self.deliver_after:%Y-%m-%d %H:%M}"


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran a beat-scheduled task: proof that worker and beat live."""

    name = models.CharField(max_length=64, primary_key=True)
    beat_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class DeliveryOutcome(models.Model):
    """How the latest e-mail attempt ended: one row per channel, shown by ``/healthz``.

    Only the outcome, its time and the error's type: a server's reply can quote an address.
    """

    class Outcome(models.TextChoices):
        SENT = "sent", _("sent")
        REFUSED = "refused", _("refused")
        UNKNOWN = "unknown", _("no clear answer")

    channel = models.CharField(max_length=16, primary_key=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    at = models.DateTimeField(default=timezone.now)
    error_type = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"{self.channel}: {self.outcome} @ {self.at:%Y-%m-%d %H:%M:%S}"


class Digest(models.Model):
    """One e-mail to one person carrying several reminders.

    Written (state SENDING) and committed before the SMTP conversation, so that a worker killed
    mid-send leaves a record: the same reminders are later re-sent under the same Message-ID,
    which mail clients treat as one message.
    """

    class State(models.TextChoices):
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    # Deterministic: derived from the recipient and the sorted reminder uuids.
    message_id = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.SENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.state})"


class Delivery(models.Model):
    """Proof that a reminder reached its recipient by one channel; at most one per channel."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        IN_APP = "in_app", _("in Limen")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    digest = models.ForeignKey(
        Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    delivered_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-delivered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "channel"], name="one_delivery_per_reminder_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reminder_id} by {self.channel}"


class ReminderPreference(models.Model):
    """How one person wants their reminders. No row means the defaults: every kind by e-mail
    and in Limen, as they fall due inside working hours."""

    class Window(models.TextChoices):
        WORKING_WINDOW = "window", _("As they fall due, inside my working hours")
        DAILY = "daily", _("Once a day, at the start of my working day")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    # Kinds switched off per channel (lists of kind codes), so that a kind added later
    # reaches everyone until they opt out.
    email_off = models.JSONField(default=list, blank=True)
    in_app_off = models.JSONField(default=list, blank=True)
    window = models.CharField(max_length=8, choices=Window.choices, default=Window.WORKING_WINDOW)
    # The SHA-256 of the secret in the calendar feed's URL, never the secret itself (like the
    # directory's verification and API tokens): a copy of the database opens no one's feed.
    # Empty when the feed is switched off.
    calendar_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"reminder preferences of {self.user}"

    @staticmethod
    def calendar_token_hash_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def wants(self, kind: str, channel: str) -> bool:
        off = self.email_off if channel == Delivery.Channel.EMAIL else self.in_app_off
        return kind not in off
