"""Pseudonymous clients, session entries, boundary flags and their history, supervision."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import bounds


class Category(models.TextChoices):
    """The detector's fixed codes (journal/slips/categories.py), with translated labels."""

    SELF_DISCLOSURE = "self_disclosure", _("Self-disclosure")
    CLIENT_OVERSHARING = "client_oversharing", _("Client over-sharing")
    GIVING_MONEY = "giving_money", _("Giving money or gifts")
    RESCUING = "rescuing", _("Rescuing")
    DUAL_RELATIONSHIP = "dual_relationship", _("Dual relationship")
    OUT_OF_HOURS = "out_of_hours", _("Out of hours")
    IMPOSING_VALUES = "imposing_values", _("Imposing values")
    OVER_ACCOMMODATING = "over_accommodating", _("Over-accommodating")


# Article 003: follow up after an uncomfortable incident. Confirming a crossing in one of these
# categories schedules a follow-up reminder for the practitioner.
FOLLOW_UP_CATEGORIES = frozenset(
    {"client_oversharing", "giving_money", "dual_relationship", "out_of_hours"}
)

# The longest evidence quote a flag keeps, and the longest dismissal reason (on the flag and in
# its history).
QUOTE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 500


class Client(models.Model):
    """A client known only by a code the practitioner chooses. There is deliberately no name."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clients"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="clients"
    )
    code = models.CharField(
        _("client code"),
        max_length=40,
        help_text=_("A pseudonym you will recognise, such as K-17. Never the client's name."),
    )
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="client_code_unique_per_owner")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class SessionEntry(models.Model):
    """One session with a client, and the practitioner's reflection on it."""

    class Setting(models.TextChoices):
        OFFICE = "office", _("Office")
        HOME_VISIT = "home_visit", _("Home visit")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")
        OUTREACH = "outreach", _("Outreach")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SAVED = "saved", _("Saved")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_entries"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="session_entries"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="entries")
    occurred_at = models.DateTimeField(_("date and time"), default=timezone.now)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    setting = models.CharField(
        _("setting"), max_length=16, choices=Setting.choices, default=Setting.OFFICE
    )
    notes = models.TextField(_("what happened"), blank=True)
    felt = models.TextField(_("what did I feel?"), blank=True)
    went_well = models.TextField(_("what went well?"), blank=True)
    differently = models.TextField(_("what would I do differently?"), blank=True)
    next_steps = models.TextField(_("what next?"), blank=True)
    # The eight principles of article 004, each answered yes / partly / no.
    self_check = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    # Bumped on every save; an edit based on an older version is refused, never overwritten.
    version = models.PositiveIntegerField(default=1)
    shared_with_supervisor_at = models.DateTimeField(null=True, blank=True)
    # When the author last opened the entry; a review after it shows as new to them.
    review_seen_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-occurred_at"], name="entry_owner_date_idx"),
            # The few entries shared with supervision, without scanning all the others.
            models.Index(
                fields=["owner", "shared_with_supervisor_at"],
                condition=Q(shared_with_supervisor_at__isnull=False),
                name="entry_shared_idx",
            ),
        ]
        constraints = [
            # A date that no time zone can show (year 9999) broke every page listing it.
            models.CheckConstraint(
                condition=Q(occurred_at__gte=bounds.EARLIEST_MOMENT)
                & Q(occurred_at__lte=bounds.LATEST_MOMENT),
                name="entry_date_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.occurred_at:%Y-%m-%d}"

    # The free-text parts of an entry, in the order they are shown and exported.
    TEXT_FIELDS = ("notes", "felt", "went_well", "differently", "next_steps")
    # The parts the slip detector reads ("what next" is plans, not events).
    DETECTED_FIELDS = TEXT_FIELDS[:4]

    @property
    def text_for_detection(self) -> str:
        return "\n\n".join(
            getattr(self, name) for name in self.DETECTED_FIELDS if getattr(self, name)
        )


class Flag(models.Model):
    """A possible boundary crossing in an entry: suggested by the detector or self-reported."""

    class Source(models.TextChoices):
        DETECTOR = "detector", _("suggested by Limen")
        SELF = "self", _("added by the practitioner")

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("suggested")
        CONFIRMED = "confirmed", _("confirmed")
        DISMISSED = "dismissed", _("dismissed")

    class Outcome(models.TextChoices):
        HELPFUL = "helpful", _("Harmless or helpful crossing")
        WATCH = "watch", _("Crossing to watch")
        VIOLATION = "violation", _("Violation, action agreed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(SessionEntry, on_delete=models.CASCADE, related_name="flags")
    category = models.CharField(max_length=32, choices=Category.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUGGESTED)
    # Evidence: the detector's rule, the entry field it read and the span it quoted there.
    rule = models.CharField(max_length=120, blank=True)
    field = models.CharField(max_length=16, blank=True)
    quote = models.CharField(max_length=QUOTE_MAX_LENGTH, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    dismiss_reason = models.CharField(_("why dismissed"), max_length=REASON_MAX_LENGTH, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    review_comment = models.TextField(blank=True, max_length=5000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_flags",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "confirmed_at"], name="flag_queue_idx"),
            # The review queue and its count read only confirmed, unresolved flags, oldest
            # first: a small part of all flags once an agency has a few years of entries.
            models.Index(
                fields=["confirmed_at", "id"],
                condition=Q(status="confirmed", resolved_at__isnull=True),
                name="flag_open_queue_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(dismiss_reason=""),
                name="dismissed_flag_keeps_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} ({self.status})"

    @property
    def from_meaning(self) -> bool:
        """Suggested by the detector's learned stage rather than by a rule."""
        return self.rule.startswith("meaning.")


class FlagEvent(models.Model):
    """One step in a flag's history: suggested, confirmed, dismissed, reviewed, resolved."""

    class Action(models.TextChoices):
        SUGGESTED = "suggested", _("suggested")
        REPORTED = "reported", _("added by the practitioner")
        CONFIRMED = "confirmed", _("confirmed")
        DISMISSED = "dismissed", _("dismissed")
        REVIEWED = "reviewed", _("reviewed")
        RESOLVED = "resolved", _("resolved")
        REOPENED = "reopened", _("reopened")

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} @ {self.at:%Y-%m-%d %H:%M}"

    @property
    def sentence(self) -> str:
        """This step told on its entry: "Sara Jansen reviewed this crossing: Crossing to watch"."""
        from accounts.audit import describe

        data = {"reason": self.detail, "outcome": self.detail}
        return describe(
            action=f"journal.flag.{self.action}", actor=self.actor, data=data, here=True
        )

    def get_outcome_display(self) -> str:
        """A review event keeps the outcome code in ``detail``; this is its label."""
        if self.detail in Flag.Outcome.values:
            return str(Flag.Outcome(self.detail).label)
        return self.detail


class SupervisionMeeting(models.Model):
    """A supervision conversation between a supervisor and a supervisee, and what it covered."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="supervision_meetings"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetings_led"
    )
    supervisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetings_attended"
    )
    held_on = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True, max_length=20000)
    agreed_actions = models.TextField(_("agreed actions"), blank=True, max_length=5000)
    flags = models.ManyToManyField(Flag, blank=True, related_name="meetings")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_on__gte=bounds.EARLIEST_DATE) & Q(held_on__lte=bounds.LATEST_DATE),
                name="meeting_date_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} / {self.supervisee} {self.held_on}"
