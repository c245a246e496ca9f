"""People, their agencies, roles, supervision pairs and working hours."""

import uuid
import zoneinfo
from datetime import time

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str) -> "User":
        # E-mail addresses are stored lower-case; sign-in is case-insensitive.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language Limen speaks to you in, on screen and in e-mails."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Amsterdam",
        help_text=_("Times are shown, and reminders timed, in this zone."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can sign in to the Django admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Part of every session's signature once raised: raising it ends all of the person's sessions
    # at once, whatever the session store (deactivation does; reactivating starts none again).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.time_zone not in zoneinfo.available_timezones():
            raise ValidationError({"time_zone": _("Choose a time zone from the list.")})

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]

    def _get_session_auth_hash(self, secret=None):
        # Django signs each session with a hash of the password, so changing the password ends
        # the other sessions. The generation joins that hash; at 0 it is Django's own, so the
        # sessions that existed before the generation did stay valid.
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "accounts.User.session_generation",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class Organisation(models.Model):
    """An agency. Everything in Limen belongs to exactly one; nothing crosses organisations."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    require_two_factor = models.BooleanField(
        _("require two-factor sign-in"),
        default=False,
        help_text=_(
            "Every member signs in with a code from an authenticator app as well as their "
            "password; members without one set it up after signing in."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Renewed, in the writing transaction, by every write that changes what a search shows of the
    # agency's directory (``directory.search.index.directory_generation_renew``); what is cached
    # from the directory is kept under it. Read with the membership every request reads, so it
    # costs no query, and every process sees it change at the commit, whatever its cache.
    directory_generation = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """An existing agency is saved without its directory generation, which only
        ``directory_generation_renew`` writes: a form (the Django admin's) that read the row
        before a directory write would otherwise put the old generation back, and with it what
        was cached under it."""
        if (
            self.pk is not None
            and not self._state.adding
            and not kwargs.get("force_insert")
            and kwargs.get("update_fields") is None
        ):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "directory_generation"
            ]
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A person's place in their organisation, with any combination of the three roles.

    An account belongs to one organisation: someone who works for two agencies has two accounts,
    so that notes about one agency's clients can never surface in the other's.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    is_practitioner = models.BooleanField(_("practitioner"), default=True)
    is_supervisor = models.BooleanField(_("supervisor"), default=False)
    is_admin = models.BooleanField(_("agency admin"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation", "user__full_name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    def holds(self, role: str) -> bool:
        """Whether this membership holds ``role`` (an ``accounts.access.Role``)."""
        return getattr(self, f"is_{role}")

    @property
    def role_names(self) -> list[str]:
        names = []
        if self.is_practitioner:
            names.append(str(_("practitioner")))
        if self.is_supervisor:
            names.append(str(_("supervisor")))
        if self.is_admin:
            names.append(str(_("agency admin")))
        return names


class SupervisionLink(models.Model):
    """A supervisor and a supervisee in the same organisation, who meet every few weeks."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="supervision_links"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervisee_links"
    )
    supervisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervisor_links"
    )
    cadence_weeks = models.PositiveSmallIntegerField(
        _("meet every (weeks)"),
        default=4,
        help_text=_("How often supervisor and supervisee meet, in weeks."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the supervisee dismissed the notice that this supervisor can now read their flagged
    # entries (they are also e-mailed); empty while the notice is still shown.
    supervisee_acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("supervision pair")
        verbose_name_plural = _("supervision pairs")
        ordering = ["supervisor__full_name", "supervisee__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervisor", "supervisee"], name="unique_supervision_pair"
            ),
            models.CheckConstraint(
                condition=~Q(supervisor=models.F("supervisee")), name="no_self_supervision"
            ),
            models.CheckConstraint(
                condition=Q(cadence_weeks__gte=1) & Q(cadence_weeks__lte=52),
                name="cadence_between_1_and_52_weeks",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} → {self.supervisee}"


class WorkingPeriod(models.Model):
    """One weekday's working window. Reminders reach a person only inside these windows."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    # Used for anyone who has not set their hours yet: Monday to Friday, 9:00 to 17:00.
    DEFAULT_START = time(9, 0)
    DEFAULT_END = time(17, 0)
    DEFAULT_DAYS = (0, 1, 2, 3, 4)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_periods"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["user", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["user", "weekday"], name="one_period_per_weekday"),
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="start_before_end"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class AuditEvent(models.Model):
    """Who did what to what, and when, inside one organisation. Written in the same transaction
    as the change it records; never edited."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="audit_events",
    )
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def sentence(self) -> str:
        """What happened, as a sentence in the reader's language ("Markus Weber read a session
        entry"); each app words its own actions in its ``audit.py``."""
        from accounts.audit import describe

        return describe(action=self.action, actor=self.actor, data=self.data)

    @property
    def sentence_here(self) -> str:
        """The same, told on the page of what it happened to ("Markus Weber read this entry")."""
        from accounts.audit import describe

        return describe(action=self.action, actor=self.actor, data=self.data, here=True)
