"""The bias self-inventory: a versioned item catalogue, takes and answers, the personal register of
hot-button topics, and summaries shared with a supervisor.

Catalogue texts are stored per language as JSON objects (``{"en": ..., "nl": ..., "de": ...,
"fr": ...}``), exactly as in the YAML files, and shown in the reader's language with English as
the fallback. A published version is never rewritten: a new file becomes new rows, and answers
keep pointing at the item rows of the version their take was started on.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.languages import FALLBACK_LANGUAGE


def in_language(texts: Any, language: str | None = None) -> Any:
    """A per-language mapping's text in ``language`` (default: the active one), else English."""
    if not isinstance(texts, dict):
        return texts
    language = (language or get_language() or FALLBACK_LANGUAGE).split("-")[0]
    value = texts.get(language)
    return value if value else texts.get(FALLBACK_LANGUAGE, "")


class CatalogueVersion(models.Model):
    """One published catalogue file (``boundaries/catalogue/vN.yaml``)."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    scales = models.JSONField(
        _("answer scales"),
        default=dict,
        help_text=_("Scale name → min, max and labels per language."),
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"


class Section(models.Model):
    """A group of items shown as one step of the inventory."""

    version = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="sections")
    code = models.CharField(_("code"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"))
    sources = models.JSONField(_("source articles"), default=list, blank=True)
    title = models.JSONField(_("title"), default=dict)
    intro = models.JSONField(_("introduction"), default=dict)
    suggestions = models.JSONField(
        _("suggestions for reflection"),
        default=dict,
        help_text=_("Per language, a list of prompts shown when this section is weak."),
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_section_code"),
            models.UniqueConstraint(fields=["version", "position"], name="unique_section_position"),
        ]

    def __str__(self) -> str:
        return f"v{self.version_id}:{self.code}"

    @property
    def title_text(self) -> str:
        return in_language(self.title)

    @property
    def intro_text(self) -> str:
        return in_language(self.intro)

    @property
    def suggestion_list(self) -> list[str]:
        return in_language(self.suggestions) or []


class Item(models.Model):
    """One statement to answer on a scale; ``reverse`` items count agreement as a concern."""

    version = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("code"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"))
    scale = models.CharField(_("scale"), max_length=40)
    scale_min = models.SmallIntegerField(_("lowest answer"))
    scale_max = models.SmallIntegerField(_("highest answer"))
    reverse = models.BooleanField(
        _("reverse scored"),
        default=False,
        help_text=_("Agreeing means more need for attention (the score is flipped)."),
    )
    statement = models.JSONField(_("statement"), default=dict)
    why = models.JSONField(_("why it matters"), default=dict)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_item_code"),
            models.CheckConstraint(
                condition=Q(scale_min__lt=models.F("scale_max")), name="item_scale_min_below_max"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def statement_text(self) -> str:
        return in_language(self.statement)

    @property
    def why_text(self) -> str:
        return in_language(self.why)

    def accepts(self, value: int) -> bool:
        return self.scale_min <= value <= self.scale_max

    def score(self, value: int) -> int:
        """Normalised score: higher is healthier (see catalogue/README.md)."""
        return self.scale_min + self.scale_max - value if self.reverse else value


class Take(models.Model):
    """One sitting of the inventory, on one catalogue version, saved answer by answer."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inventory_takes"
    )
    version = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="takes")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("inventory take")
        verbose_name_plural = _("inventory takes")
        ordering = ["-started_at", "-id"]
        constraints = [
            # Resuming is unambiguous: at most one take in progress per person.
            models.UniqueConstraint(
                fields=["user"], condition=Q(completed_at__isnull=True), name="one_open_take"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%Y-%m-%d}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class Answer(models.Model):
    """The answer to one item in one take, as given on the item's scale (not normalised)."""

    take = models.ForeignKey(Take, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(_("answer"))
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["take", "item"], name="one_answer_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}={self.value}"

    @property
    def score(self) -> int:
        return self.item.score(self.value)


class HotButtonTopic(models.Model):
    """An entry in the practitioner's private register of biases and hot-button topics."""

    class Status(models.TextChoices):
        NOTICED = "noticed", _("Noticed")
        WORKING_ON_IT = "working_on_it", _("Working on it")
        UNDER_CONTROL = "under_control", _("Under control")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hot_button_topics"
    )
    topic = models.CharField(_("topic"), max_length=120)
    how_it_shows = models.TextField(_("how it shows in my work"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    strategy = models.TextField(_("my strategy"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOTICED
    )
    refer_when_at_stake = models.BooleanField(
        _("refer clients when this is at stake"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hot-button topic")
        verbose_name_plural = _("hot-button topics")
        ordering = ["topic", "id"]

    def __str__(self) -> str:
        return self.topic


class SummaryShare(models.Model):
    """A practitioner's choice to show one supervisor the section scores of one completed take
    and some register entries. Never answers, never entries they did not choose."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inventory_shares"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="inventory_shares_received",
    )
    take = models.ForeignKey(Take, on_delete=models.CASCADE, related_name="shares")
    topics = models.ManyToManyField(HotButtonTopic, blank=True, related_name="shares")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shared summary")
        verbose_name_plural = _("shared summaries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "supervisor"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_share_per_supervisor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} → {self.supervisor}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
