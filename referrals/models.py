"""Referrals practitioners make from a session entry or a client page, with the client's consent,
a follow-up date and, later, the outcome.

Article 003: refer serious problems to specialists and follow up. The services referred to live
in the directory (``directory.Service``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Referral(models.Model):
    """A practitioner referred a client to a service. As private as a journal entry."""

    class Outcome(models.TextChoices):
        CONTACTED = "contacted", _("client made contact")
        ACCEPTED = "accepted", _("accepted by the service")
        WAITING = "waiting", _("on a waiting list")
        DECLINED = "declined", _("declined")
        NOT_REACHABLE = "not_reachable", _("service not reachable")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="referrals"
    )
    client = models.ForeignKey("journal.Client", on_delete=models.CASCADE, related_name="referrals")
    entry = models.ForeignKey(
        "journal.SessionEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.SET_NULL, null=True, related_name="referrals"
    )
    # Kept so the referral still reads well if the service is later removed from the directory.
    service_name = models.CharField(max_length=255)
    reason = models.TextField(_("reason for the referral"), max_length=2000)
    client_consented = models.BooleanField(_("the client agreed to this referral"), default=False)
    follow_up_on = models.DateField(_("follow up on"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note on the outcome"), blank=True, max_length=2000)
    outcome_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="referral_owner_idx")]

    def __str__(self) -> str:
        return f"{self.client} → {self.service_name}"

    @property
    def about(self) -> str:
        return f"referrals.referral:{self.uuid}"
