"""The referral directory: Open Referral HSDS 3.0 tables, their imports and the corrections a
service's own contact proposes.

Article 003: refer serious problems (domestic violence, drug abuse) to specialists, keep a list of
trusted contacts and resources, update it regularly, and follow up. Article 000: refer to someone
"better equipped" when a clash of values is too strong.

Field names follow HSDS so that import and export are a mapping, not a translation. HSDS ids
(``hsds_id``) are unique per Limen organisation (``owner``), not globally: two agencies may import
the same public dataset. Every table carries ``owner`` so that every read can be scoped by it.

The tables keep the names they had when the directory lived in the ``referrals`` app
(``db_table``), so moving the models moved no data (see migrations/0001_initial.py).
"""

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.languages import limen_language
from directory.languages import language_label

# Article 003 asks for a list that is "updated regularly"; Limen calls an entry stale after this.
# Every page and message that mentions the period reads it from here.
STALE_AFTER_DAYS = 180
# The longest reason kept for asking colleagues not to refer to a service for now.
DO_NOT_REFER_REASON_MAX_LENGTH = 500

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def new_hsds_id() -> str:
    """An HSDS id for a row made in Limen (imported rows keep the id they came with)."""
    return str(uuid.uuid4())


class OwnedHSDS(models.Model):
    """Common columns of every HSDS table: the owning agency and the HSDS id."""

    owner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", null=False
    )
    hsds_id = models.CharField(_("HSDS id"), max_length=100)

    class Meta:
        abstract = True


def _owned_constraints(name: str) -> list[models.UniqueConstraint]:
    return [models.UniqueConstraint(fields=["owner", "hsds_id"], name=f"{name}_unique_hsds_id")]


class Taxonomy(models.Model):
    """An HSDS taxonomy. ``owner`` is empty for the vocabularies shipped with Limen."""

    owner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    hsds_id = models.CharField(max_length=100)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    uri = models.CharField(max_length=500, blank=True)
    version = models.CharField(max_length=100, blank=True)

    class Meta:
        db_table = "referrals_taxonomy"
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        constraints = [
            *_owned_constraints("taxonomy"),
            models.UniqueConstraint(
                fields=["hsds_id"], condition=Q(owner__isnull=True), name="taxonomy_shipped_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """A category. Shipped terms (``owner`` empty) carry their labels in en/nl/de/fr."""

    owner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    hsds_id = models.CharField(max_length=100)
    code = models.CharField(_("code"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    taxonomy = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=20, blank=True)
    # HSDS calls the foreign key ``taxonomy_id`` and nests it as ``taxonomy_detail``.
    taxonomy_detail = models.ForeignKey(
        Taxonomy, on_delete=models.SET_NULL, null=True, blank=True, related_name="terms"
    )
    term_uri = models.CharField(max_length=500, blank=True)
    # Limen: translated labels, {"nl": "...", "de": "...", "fr": "..."}; ``name`` is English.
    labels = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "referrals_taxonomyterm"
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [
            *_owned_constraints("taxonomy_term"),
            models.UniqueConstraint(
                fields=["hsds_id"], condition=Q(owner__isnull=True), name="term_shipped_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language, falling back to the HSDS name."""
        return self.labels.get(limen_language(get_language())) or self.name


class Organization(OwnedHSDS):
    """An HSDS organization: the body that delivers services (not a Limen Organisation)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("alternate name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    website = models.CharField(_("website"), max_length=500, blank=True)
    tax_status = models.CharField(max_length=255, blank=True)
    tax_id = models.CharField(max_length=255, blank=True)
    year_incorporated = models.IntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=255, blank=True)
    logo = models.CharField(max_length=500, blank=True)
    uri = models.CharField(max_length=500, blank=True)
    parent_organization = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )

    class Meta:
        db_table = "referrals_organization"
        verbose_name = _("provider organisation")
        verbose_name_plural = _("provider organisations")
        ordering = ["name"]
        constraints = _owned_constraints("organization")

    def __str__(self) -> str:
        return self.name


class Service(OwnedHSDS):
    """A service someone can be referred to: the unit practitioners search for."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")
        DEFUNCT = "defunct", _("defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("alternate name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.CharField(_("website"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    interpretation_services = models.TextField(_("interpretation services"), blank=True)
    application_process = models.TextField(_("how to refer or apply"), blank=True)
    fees_description = models.TextField(_("fees"), blank=True)
    wait_time = models.CharField(_("waiting time"), max_length=255, blank=True)
    fees = models.TextField(blank=True)
    accreditations = models.TextField(_("accreditations"), blank=True)
    eligibility_description = models.TextField(_("eligibility"), blank=True)
    minimum_age = models.IntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.IntegerField(_("maximum age"), null=True, blank=True)
    assured_date = models.DateField(_("last verified"), null=True, blank=True)
    assurer_email = models.EmailField(_("verified by"), max_length=254, blank=True)
    licenses = models.TextField(blank=True)
    alert = models.TextField(_("alert"), blank=True)
    last_modified = models.DateTimeField(null=True, blank=True)
    # Limen: still listed (for context and history) but practitioners are warned not to refer.
    do_not_refer = models.BooleanField(_("active, but do not refer"), default=False)
    do_not_refer_reason = models.CharField(
        _("why not"), max_length=DO_NOT_REFER_REASON_MAX_LENGTH, blank=True
    )
    # Limen: pulled from another agency's HSDS API; that agency keeps it, so it is not edited
    # here (see ``Subscription``). Empty for the agency's own entries.
    source = models.ForeignKey(
        "directory.Subscription",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("pulled from"),
    )
    # Folded (lower-case, accents removed) text of everything search looks at, and one token
    # per category, language and place a practitioner can filter on; see search.py. On
    # PostgreSQL both are also kept as stored tsvector columns with GIN indexes (migration 0004).
    search_text = models.TextField(blank=True, editable=False)
    search_filters = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "referrals_service"
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name", "id"]
        constraints = _owned_constraints("service")
        indexes = [
            models.Index(fields=["owner", "assured_date"], name="service_owner_assured"),
            # Lists by name (directory upkeep) read their first page off this index; the search
            # puts the services not to refer to last, and reads its first page off the next.
            models.Index(fields=["owner", "name", "id"], name="service_owner_name"),
            models.Index(
                fields=["owner", "do_not_refer", "name", "id"], name="service_owner_referable"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def web_url(self) -> str:
        """The website as a link target: empty unless it is an http or https address (one
        stored before addresses were checked is shown as text, never linked)."""
        from directory.weblinks import is_web_address

        return self.url.strip() if is_web_address(self.url) else ""

    @property
    def is_stale(self) -> bool:
        return self.assured_date is None or self.assured_date < stale_cutoff()

    @property
    def is_listed(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.TEMPORARILY_CLOSED)


def stale_cutoff(today: date | None = None) -> date:
    return (today or timezone.localdate()) - timedelta(days=STALE_AFTER_DAYS)


class SearchWord(models.Model):
    """The words of an agency's directory: typo-tolerant search looks up the words closest to
    what was typed here (a small table, trigram-indexed on PostgreSQL), then searches with
    those, as the pg_trgm documentation recommends."""

    owner = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=60)

    class Meta:
        db_table = "referrals_searchword"
        constraints = [models.UniqueConstraint(fields=["owner", "word"], name="search_word_unique")]

    def __str__(self) -> str:
        return self.word


class Location(OwnedHSDS):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("physical")
        POSTAL = "postal", _("postal")
        VIRTUAL = "virtual", _("virtual")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location_type = models.CharField(
        max_length=20, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    url = models.CharField(max_length=500, blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=255, blank=True)
    external_identifier_type = models.CharField(max_length=255, blank=True)
    # Limen: a shelter's address is secret. Practitioners see only the "front door" (phones and
    # how to apply); admins see the address; exports leave it out unless asked explicitly.
    is_confidential = models.BooleanField(_("confidential address"), default=False)

    class Meta:
        db_table = "referrals_location"
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name", "id"]
        constraints = _owned_constraints("location")

    def __str__(self) -> str:
        return self.name or self.hsds_id


class ServiceAtLocation(OwnedHSDS):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="at_services")
    description = models.TextField(blank=True)

    class Meta:
        db_table = "referrals_serviceatlocation"
        constraints = _owned_constraints("service_at_location")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.hsds_id}"


class Contact(OwnedHSDS):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    department = models.CharField(max_length=255, blank=True)
    email = models.EmailField(max_length=254, blank=True)

    class Meta:
        db_table = "referrals_contact"
        constraints = _owned_constraints("contact")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.hsds_id}"


class Phone(OwnedHSDS):
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=100)
    extension = models.FloatField(null=True, blank=True)
    type = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        db_table = "referrals_phone"
        ordering = ["id"]
        constraints = _owned_constraints("phone")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.hsds_id}"


class Address(OwnedHSDS):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(_("street address"), max_length=255)
    address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=255)
    region = models.CharField(max_length=255, blank=True)
    state_province = models.CharField(max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=50, blank=True)
    country = models.CharField(_("country"), max_length=2)
    address_type = models.CharField(
        max_length=20, choices=Location.LocationType.choices, default="physical"
    )

    class Meta:
        db_table = "referrals_address"
        ordering = ["id"]
        constraints = _owned_constraints("address")

    def __str__(self) -> str:
        return ", ".join(p for p in (self.address_1, self.postal_code, self.city) if p)


class Schedule(OwnedHSDS):
    """Opening hours as an iCalendar-like rule (HSDS): Limen reads WEEKLY rules with ``byday``."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.IntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=10, blank=True)
    interval = models.IntegerField(null=True, blank=True)
    byday = models.CharField(max_length=100, blank=True)
    byweekno = models.CharField(max_length=100, blank=True)
    bymonthday = models.CharField(max_length=100, blank=True)
    byyearday = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.CharField(max_length=500, blank=True)
    attending_type = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        db_table = "referrals_schedule"
        ordering = ["id"]
        constraints = _owned_constraints("schedule")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.hsds_id}"

    @property
    def days(self) -> list[str]:
        return [d for d in (x.strip()[-2:].upper() for x in self.byday.split(",")) if d]

    def is_open_at(self, moment: datetime) -> bool:
        """Whether this weekly rule is open at ``moment`` (a local, aware or naive datetime)."""
        if self.freq.upper() not in ("WEEKLY", "") or not self.opens_at or not self.closes_at:
            return False
        day = moment.date()
        if (self.valid_from and day < self.valid_from) or (self.valid_to and day > self.valid_to):
            return False
        now = moment.time().replace(tzinfo=None)
        today = WEEKDAY_CODES[moment.weekday()]
        if self.opens_at < self.closes_at:
            return today in self.days and self.opens_at <= now < self.closes_at
        # Opens in the evening and closes after midnight.
        yesterday = WEEKDAY_CODES[(moment.weekday() - 1) % 7]
        return (today in self.days and now >= self.opens_at) or (
            yesterday in self.days and now < self.closes_at
        )


class Language(OwnedHSDS):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=20, blank=True, db_index=True)
    note = models.TextField(blank=True)

    class Meta:
        db_table = "referrals_language"
        ordering = ["id"]
        constraints = _owned_constraints("language")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.hsds_id}"

    @property
    def label(self) -> str:
        """The language's name in the reader's language; the stored name only for unknown codes."""
        if self.code:
            label = language_label(self.code)
            if label != self.code or not self.name:
                return label
        return self.name


class ServiceArea(OwnedHSDS):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="service_areas"
    )
    name = models.TextField(blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=50, blank=True)
    uri = models.CharField(max_length=500, blank=True)

    class Meta:
        db_table = "referrals_servicearea"
        ordering = ["id"]
        constraints = _owned_constraints("service_area")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.hsds_id}"


class Accessibility(OwnedHSDS):
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="accessibility"
    )
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)

    class Meta:
        db_table = "referrals_accessibility"
        ordering = ["id"]
        constraints = _owned_constraints("accessibility")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.hsds_id}"


class Attribute(OwnedHSDS):
    """Links a taxonomy term to any HSDS row; Limen reads those on services as categories."""

    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes"
    )
    link_id = models.CharField(max_length=100)
    link_type = models.CharField(max_length=100, blank=True)
    link_entity = models.CharField(max_length=100)
    value = models.TextField(blank=True)
    # Resolved from link_entity="service" + link_id, so search can join on it.
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="attributes"
    )

    class Meta:
        db_table = "referrals_attribute"
        ordering = ["id"]
        constraints = _owned_constraints("attribute")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.hsds_id}"


# --- Imports and corrections ----------------------------------------------------------------


class DirectoryImport(models.Model):
    """An uploaded HSDS package on its way in: validated first, applied only when confirmed."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded, waiting to be checked")
        VALIDATING = "validating", _("being checked")
        VALID = "valid", _("checked, waiting for confirmation")
        INVALID = "invalid", _("has errors")
        CONFIRMED = "confirmed", _("confirmed, waiting to be imported")
        APPLYING = "applying", _("being imported")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="directory_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    # The upload itself, in the database so that any web or worker machine can read it.
    # Cleared once the import is done or abandoned.
    payload = models.BinaryField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "referrals_directoryimport"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_busy(self) -> bool:
        return self.status in (
            self.Status.UPLOADED,
            self.Status.VALIDATING,
            self.Status.CONFIRMED,
            self.Status.APPLYING,
        )


class VerificationRequest(models.Model):
    """A secret, expiring link e-mailed to a service so its own staff can confirm or correct it.

    Only a hash of the token is stored; the link in the e-mail is the only copy of the secret.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="verification_requests"
    )
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "referrals_verificationrequest"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"verification of {self.service} sent to {self.email}"


class PendingCorrection(models.Model):
    """Changes a service's contact proposed; published only when an admin approves them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="corrections")
    request = models.ForeignKey(
        VerificationRequest, on_delete=models.SET_NULL, null=True, related_name="corrections"
    )
    submitted_by_email = models.EmailField()
    # {"field": [current value when submitted, proposed value]}
    changes = models.JSONField(default=dict)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "referrals_pendingcorrection"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"correction of {self.service} ({self.status})"


# --- The HSDS API: who may read an agency's directory ----------------------------------------


class DirectoryPublication(models.Model):
    """Whether an agency publishes its directory openly on the HSDS API (anyone may read it,
    confidential addresses left out); otherwise only holders of its read tokens may."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="directory_publication"
    )
    is_open = models.BooleanField(_("published openly"), default=False)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organisation} ({'open' if self.is_open else 'tokens only'})"


class ApiToken(models.Model):
    """A read token for the HSDS API. Only a SHA-256 hash of the token is kept: it is shown
    once, when it is made, and a revoked token stays listed (with its last use) for the record."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("who uses it"), max_length=100)
    # The first characters, shown in the list so that an admin can tell tokens apart.
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# --- Pulling another agency's directory ------------------------------------------------------


class Subscription(models.Model):
    """This agency's directory follows another agency's HSDS API: a scheduled pull fetches what
    changed there and proposes it as a ``PullChangeSet``. The remote token is kept encrypted
    (``directory.secretbox``) and never shown again after it is saved."""

    class Outcome(models.TextChoices):
        NEVER = "never", _("not pulled yet")
        NO_CHANGES = "no_changes", _("nothing new")
        PENDING = "pending", _("changes wait for approval")
        APPLIED = "applied", _("changes applied")
        REJECTED = "rejected", _("changes rejected")
        INVALID = "invalid", _("changes refused: records with errors")
        FAILED = "failed", _("the source could not be read")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="directory_subscriptions"
    )
    name = models.CharField(_("name"), max_length=100)
    base_url = models.CharField(_("HSDS API address"), max_length=500)
    token_encrypted = models.TextField(blank=True, editable=False)
    is_scheduled = models.BooleanField(_("pull on a schedule"), default=True)
    auto_apply = models.BooleanField(_("apply changes without approval"), default=False)
    # The remote's own clock: the newest last_modified among the records taken so far, sent as
    # modified_after next time (clocks of two servers need not agree).
    cursor = models.CharField(max_length=64, blank=True)
    last_sync_at = models.DateTimeField(_("last pulled"), null=True, blank=True)
    last_outcome = models.CharField(
        _("last outcome"), max_length=16, choices=Outcome.choices, default=Outcome.NEVER
    )
    last_message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_token(self) -> bool:
        return bool(self.token_encrypted)


class PullChangeSet(models.Model):
    """What one pull would change, checked like an import: applied all or nothing once an admin
    approves it (or at once, when the subscription says so). A failed pull is recorded here too,
    with the directory left as it was."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPLIED = "applied", _("applied")
        REJECTED = "rejected", _("rejected")
        INVALID = "invalid", _("has errors")
        FAILED = "failed", _("failed")
        EMPTY = "empty", _("nothing new")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="change_sets"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    # The fetched service records (HSDS JSON, fully nested), kept until decided.
    payload = models.JSONField(null=True, blank=True)
    # {"created": [{"id", "name"}], "updated": [...], "withdrawn": [...]}
    changes = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=500, blank=True)
    cursor_after = models.CharField(max_length=64, blank=True)
    full = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one change set waits per subscription: a later pull builds on its decision.
            models.UniqueConstraint(
                fields=["subscription"],
                condition=Q(status="pending"),
                name="pull_one_pending_per_subscription",
            )
        ]

    def __str__(self) -> str:
        return f"pull of {self.subscription} ({self.status})"

    def count(self, kind: str) -> int:
        return len(self.changes.get(kind, []))


class SourceNote(models.Model):
    """A correction to a pulled service, written here for the agency that keeps it: pulled
    records are not edited locally."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="notes")
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, related_name="source_notes"
    )
    service_hsds_id = models.CharField(max_length=100)
    text = models.TextField(_("what should change"), max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note on {self.service_hsds_id} for {self.subscription}"
