"""Which HSDS tables Limen keeps, their columns in HSDS order, and how they reference each other.

Column names are HSDS's; each maps to the model field of the same name, except ``id`` (stored as
``hsds_id``) and the ``*_id`` references (foreign keys, listed in ``refs``).
"""

from dataclasses import dataclass
from functools import cached_property

from django.apps import apps


@dataclass(frozen=True)
class Ref:
    column: str
    table: str
    field: str
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    filename: str
    model_name: str
    columns: tuple[str, ...]
    required: tuple[str, ...] = ("id",)
    refs: tuple[Ref, ...] = ()
    # HSDS columns Limen reads but does not keep (their references are dropped with a warning).
    ignored: tuple[str, ...] = ()
    # Tables whose rows may be Limen's shipped rows (owner empty), matched by id, never changed.
    shipped: bool = False

    @property
    def model(self):
        return apps.get_model("directory", self.model_name)

    @cached_property
    def ref_by_column(self) -> dict[str, Ref]:
        return {ref.column: ref for ref in self.refs}

    @property
    def value_columns(self) -> list[str]:
        """Columns stored as plain values on the model."""
        return [
            c
            for c in self.columns
            if c != "id" and c not in self.ref_by_column and c not in self.ignored
        ]


TABLES: tuple[Table, ...] = (
    Table(
        "taxonomy",
        "taxonomies.csv",
        "Taxonomy",
        ("id", "name", "description", "uri", "version"),
        required=("id", "name"),
        shipped=True,
    ),
    Table(
        "taxonomy_term",
        "taxonomy_terms.csv",
        "TaxonomyTerm",
        (
            "id",
            "code",
            "name",
            "description",
            "parent_id",
            "taxonomy",
            "language",
            "taxonomy_id",
            "term_uri",
        ),
        required=("id", "name"),
        refs=(
            Ref("parent_id", "taxonomy_term", "parent"),
            Ref("taxonomy_id", "taxonomy", "taxonomy_detail"),
        ),
        shipped=True,
    ),
    Table(
        "organization",
        "organizations.csv",
        "Organization",
        (
            "id",
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "tax_status",
            "tax_id",
            "year_incorporated",
            "legal_status",
            "logo",
            "uri",
            "parent_organization_id",
        ),
        required=("id", "name"),
        refs=(Ref("parent_organization_id", "organization", "parent_organization"),),
    ),
    Table(
        "service",
        "services.csv",
        "Service",
        (
            "id",
            "organization_id",
            "program_id",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "interpretation_services",
            "application_process",
            "fees_description",
            "wait_time",
            "fees",
            "accreditations",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "assurer_email",
            "licenses",
            "alert",
            "last_modified",
        ),
        required=("id", "organization_id", "name", "status"),
        refs=(Ref("organization_id", "organization", "organization", required=True),),
        ignored=("program_id",),
    ),
    Table(
        "location",
        "locations.csv",
        "Location",
        (
            "id",
            "location_type",
            "url",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "transportation",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
        ),
        required=("id", "location_type"),
        refs=(Ref("organization_id", "organization", "organization"),),
    ),
    Table(
        "service_at_location",
        "service_at_location.csv",
        "ServiceAtLocation",
        ("id", "service_id", "location_id", "description"),
        required=("id", "service_id", "location_id"),
        refs=(
            Ref("service_id", "service", "service", required=True),
            Ref("location_id", "location", "location", required=True),
        ),
    ),
    Table(
        "contact",
        "contacts.csv",
        "Contact",
        (
            "id",
            "organization_id",
            "service_id",
            "service_at_location_id",
            "location_id",
            "name",
            "title",
            "department",
            "email",
        ),
        refs=(
            Ref("organization_id", "organization", "organization"),
            Ref("service_id", "service", "service"),
            Ref("service_at_location_id", "service_at_location", "service_at_location"),
            Ref("location_id", "location", "location"),
        ),
    ),
    Table(
        "phone",
        "phones.csv",
        "Phone",
        (
            "id",
            "location_id",
            "service_id",
            "organization_id",
            "contact_id",
            "service_at_location_id",
            "number",
            "extension",
            "type",
            "description",
        ),
        required=("id", "number"),
        refs=(
            Ref("location_id", "location", "location"),
            Ref("service_id", "service", "service"),
            Ref("organization_id", "organization", "organization"),
            Ref("contact_id", "contact", "contact"),
            Ref("service_at_location_id", "service_at_location", "service_at_location"),
        ),
    ),
    Table(
        "address",
        "addresses.csv",
        "Address",
        (
            "id",
            "location_id",
            "attention",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
        required=("id", "location_id", "address_1", "city", "country", "address_type"),
        refs=(Ref("location_id", "location", "location", required=True),),
    ),
    Table(
        "schedule",
        "schedules.csv",
        "Schedule",
        (
            "id",
            "service_id",
            "location_id",
            "service_at_location_id",
            "valid_from",
            "valid_to",
            "dtstart",
            "timezone",
            "until",
            "count",
            "wkst",
            "freq",
            "interval",
            "byday",
            "byweekno",
            "bymonthday",
            "byyearday",
            "description",
            "opens_at",
            "closes_at",
            "schedule_link",
            "attending_type",
            "notes",
        ),
        refs=(
            Ref("service_id", "service", "service"),
            Ref("location_id", "location", "location"),
            Ref("service_at_location_id", "service_at_location", "service_at_location"),
        ),
    ),
    Table(
        "language",
        "languages.csv",
        "Language",
        ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
        refs=(
            Ref("service_id", "service", "service"),
            Ref("location_id", "location", "location"),
            Ref("phone_id", "phone", "phone"),
        ),
    ),
    Table(
        "service_area",
        "service_areas.csv",
        "ServiceArea",
        ("id", "service_id", "name", "description", "extent", "extent_type", "uri"),
        refs=(Ref("service_id", "service", "service"),),
    ),
    Table(
        "accessibility",
        "accessibility.csv",
        "Accessibility",
        ("id", "location_id", "description", "details", "url"),
        refs=(Ref("location_id", "location", "location"),),
    ),
    Table(
        "attribute",
        "attributes.csv",
        "Attribute",
        ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
        required=("id", "link_id", "taxonomy_term_id", "link_entity"),
        refs=(Ref("taxonomy_term_id", "taxonomy_term", "taxonomy_term", required=True),),
    ),
)

BY_NAME = {t.name: t for t in TABLES}
BY_FILENAME = {t.filename: t for t in TABLES}

# HSDS tables Limen does not keep: accepted in a package, skipped with a warning.
IGNORED_FILES = {
    "programs.csv",
    "funding.csv",
    "required_documents.csv",
    "metadata.csv",
    "meta_table_descriptions.csv",
    "cost_options.csv",
    "organization_identifiers.csv",
}
IGNORED_TABLES = {name.removesuffix(".csv").rstrip("s") for name in IGNORED_FILES} | {
    "program",
    "funding",
    "required_document",
    "meta_table_description",
    "cost_option",
    "organization_identifier",
    "metadata",
}

# Where HSDS nests rows inside each other in its JSON (the API's "full" objects): lists of
# children that point back at their parent, and single objects the parent points to.
CHILD_LISTS: dict[str, dict[str, tuple[str, str]]] = {
    "organization": {
        "contacts": ("contact", "organization_id"),
        "phones": ("phone", "organization_id"),
        "locations": ("location", "organization_id"),
        "services": ("service", "organization_id"),
    },
    "service": {
        "phones": ("phone", "service_id"),
        "schedules": ("schedule", "service_id"),
        "service_areas": ("service_area", "service_id"),
        "service_at_locations": ("service_at_location", "service_id"),
        "languages": ("language", "service_id"),
        "contacts": ("contact", "service_id"),
    },
    "location": {
        "languages": ("language", "location_id"),
        "addresses": ("address", "location_id"),
        "contacts": ("contact", "location_id"),
        "accessibility": ("accessibility", "location_id"),
        "phones": ("phone", "location_id"),
        "schedules": ("schedule", "location_id"),
    },
    "service_at_location": {
        "contacts": ("contact", "service_at_location_id"),
        "phones": ("phone", "service_at_location_id"),
        "schedules": ("schedule", "service_at_location_id"),
    },
    "phone": {"languages": ("language", "phone_id")},
    "contact": {"phones": ("phone", "contact_id")},
}
EMBEDDED: dict[str, dict[str, tuple[str, str]]] = {
    "service": {"organization": ("organization", "organization_id")},
    "service_at_location": {
        "location": ("location", "location_id"),
        "service": ("service", "service_id"),
    },
    "attribute": {"taxonomy_term": ("taxonomy_term", "taxonomy_term_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", "taxonomy_id")},
}
# Every nestable object may carry attributes linking terms to it.
ATTRIBUTE_PARENTS = {
    "organization",
    "service",
    "location",
    "service_at_location",
    "contact",
    "phone",
}
