"""The reminder outbox: one row per reminder, written in the same transaction as its cause."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    """A reminder to one person. The row is the truth; the broker only nudges the dispatcher."""

    class Kind(models.TextChoices):
        FLAG_FOLLOWUP = "flag_followup", _("Follow up after a boundary crossing")
        REFERRAL_FOLLOWUP = "referral_followup", _("Follow up on a referral")
        FLAG_UNREVIEWED = "flag_unreviewed", _("Flag waiting for review")
        SUPERVISION_DUE = "supervision_due", _("Supervision meeting due")
        SUPERVISION_OVERDUE = "supervision_overdue", _("Supervision meeting overdue")
        DIRECTORY_STALE = "directory_stale", _("Directory entries to re-verify")
        INVENTORY_RETAKE = "inventory_retake", _("Time to retake the self-inventory")

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
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # What it is about, as "<app>.<model>:<id>"; reminders never import the other apps.
    about = models.CharField(max_length=120, blank=True)
    # Where the reminder leads (a path inside Limen), and the few facts its text shows. Never note
    # text: e-mails leave the building.
    link = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    due_at = models.DateTimeField(_("due"))
    deliver_after = models.DateTimeField(_("delivered from"), db_index=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

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
