"""Validating raw HSDS rows against Limen's models, then writing them all or nothing.

``check`` reads nothing but the package and the ids already in the agency's directory, and
returns every problem at once. ``apply`` runs inside one transaction: rows are matched by HSDS id
within the agency, so importing the same package twice updates and never duplicates.
"""

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from config import bounds
from directory import categories
from directory.hsds import spec
from directory.hsds.reader import Problem, RawPackage
from directory.weblinks import is_web_address

TEXT_MAX_CHARS = 20_000
MAX_ERRORS = 500
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CHUNK = 2000
# Columns that hold links people click (organization.website and logo; the url of services,
# locations and accessibility): http and https only. ``uri`` is an identifier, never a link.
WEB_ADDRESS_COLUMNS = frozenset({"website", "url", "logo"})

Progress = Callable[[int], None]


@dataclass
class Row:
    number: int
    hsds_id: str
    values: dict[str, Any]
    refs: dict[str, str]  # model FK field -> referenced HSDS id (resolved ones only)


@dataclass
class Dataset:
    """A validated package: per table, the rows in file order, and the columns it carried."""

    tables: dict[str, list[Row]] = field(default_factory=dict)
    columns: dict[str, set[str]] = field(default_factory=dict)
    # Limen's flags carried as HSDS attributes: location ids that are confidential, and
    # service id -> reason for "do not refer".
    confidential: set[str] = field(default_factory=set)
    do_not_refer: dict[str, str] = field(default_factory=dict)
    flags_present: bool = False


@dataclass
class Report:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def service_count(self) -> int:
        return self.counts.get("service", {}).get("rows", 0)

    def summary(self) -> dict:
        return {"counts": self.counts, "services": self.service_count}


def _field(table: spec.Table, column: str) -> models.Field:
    return table.model._meta.get_field(column)


def _number_message(raw: str) -> str:
    return _("“%(v)s” is not a number. Write it with a decimal point, such as 4.5.") % {
        "v": raw[:40]
    }


def parse_value(model_field: models.Field, raw: str) -> Any:
    """A cell's text as the field's Python value; ValueError with a reader's message if wrong."""
    raw = raw.strip() if not isinstance(model_field, models.TextField) else raw
    if raw == "":
        return None if model_field.null else ""
    if model_field.choices:
        allowed = [str(value) for value, _label in model_field.flatchoices]
        if raw not in allowed:
            raise ValueError(
                _("“%(v)s” is not allowed here; write one of: %(allowed)s.")
                % {"v": raw[:40], "allowed": ", ".join(allowed)}
            )
        return raw
    if isinstance(model_field, models.DateTimeField):
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise ValueError(
                _("“%(v)s” is not a date and time. Write it as 2024-05-31T14:30:00Z.")
                % {"v": raw[:40]}
            ) from None
        value = value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
        if not bounds.EARLIEST_MOMENT <= value <= bounds.LATEST_MOMENT:
            raise ValueError(f"“{raw[:40]}”: {bounds.DATE_MESSAGE}")
        return value
    if isinstance(model_field, models.DateField):
        try:
            if not DATE_RE.match(raw):
                raise ValueError
            day = date.fromisoformat(raw)
        except ValueError:
            raise ValueError(
                _("“%(v)s” is not a date. Write it as YYYY-MM-DD, such as 2024-05-31.")
                % {"v": raw[:40]}
            ) from None
        if not bounds.EARLIEST_DATE <= day <= bounds.LATEST_DATE:
            raise ValueError(f"“{raw[:40]}”: {bounds.DATE_MESSAGE}")
        return day
    if isinstance(model_field, models.TimeField):
        try:
            return time.fromisoformat(raw)
        except ValueError:
            raise ValueError(
                _("“%(v)s” is not a time. Write it as HH:MM or HH:MM:SS, such as 09:30.")
                % {"v": raw[:40]}
            ) from None
    if isinstance(model_field, models.IntegerField):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(
                _("“%(v)s” is not a whole number. Write digits only, such as 12.") % {"v": raw[:40]}
            ) from None
    if isinstance(model_field, models.FloatField):
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(_number_message(raw)) from None
        if not math.isfinite(value):
            raise ValueError(_number_message(raw))
        return value
    limit = model_field.max_length or TEXT_MAX_CHARS
    if len(raw) > limit:
        raise ValueError(
            _("The value is %(n)s characters long; at most %(max)s fit. Shorten it.")
            % {"n": len(raw), "max": limit}
        )
    if isinstance(model_field, models.EmailField):
        try:
            validate_email(raw)
        except ValidationError:
            raise ValueError(
                _("“%(v)s” is not an e-mail address (name@example.org). Correct it.")
                % {"v": raw[:60]}
            ) from None
    if model_field.name in WEB_ADDRESS_COLUMNS and not is_web_address(raw):
        raise ValueError(
            _("“%(v)s” is not a web address starting with http:// or https://.") % {"v": raw[:60]}
        )
    return raw


def _existing_ids(
    organisation: Organisation | None, table: spec.Table, ids: Iterable[str]
) -> dict[str, int]:
    """HSDS id -> primary key of rows already in the directory (and shipped rows)."""
    ids = list(ids)
    found: dict[str, int] = {}
    model = table.model
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        if table.shipped:
            found.update(
                model.objects.filter(owner=None, hsds_id__in=chunk).values_list("hsds_id", "pk")
            )
        if organisation is not None:
            found.update(
                model.objects.filter(owner=organisation, hsds_id__in=chunk).values_list(
                    "hsds_id", "pk"
                )
            )
    return found


def _shipped_ids(table: spec.Table, ids: Iterable[str]) -> set[str]:
    if not table.shipped:
        return set()
    ids = list(ids)
    return set(
        table.model.objects.filter(owner=None, hsds_id__in=ids).values_list("hsds_id", flat=True)
    )


def check(
    organisation: Organisation, package: RawPackage, progress: Progress | None = None
) -> tuple[Dataset, Report]:
    """Validate a package for ``organisation``; the Dataset is only usable when report.ok."""
    report = Report(errors=list(package.errors), warnings=list(package.warnings))
    dataset = Dataset()
    total = sum(len(t.rows) for t in package.tables.values()) or 1
    seen = 0

    def error(problem: Problem) -> None:
        if len(report.errors) < MAX_ERRORS:
            report.errors.append(problem)

    for table in spec.TABLES:
        raw = package.tables.get(table.name)
        if raw is None:
            continue
        if raw.header is not None:
            present = set(raw.header)
        else:
            # JSON rows may leave keys out; a required one left out is an empty value.
            present = set(table.required).union(*(r.keys() for _n, r in raw.rows))
        if raw.header is not None:
            missing = [c for c in table.required if c not in present]
            for column in missing:
                error(
                    Problem(
                        _(
                            "A required column is missing. Add it to the first row (the header), "
                            "with a value in every row."
                        ),
                        raw.filename,
                        1,
                        column,
                    )
                )
            if missing:
                continue
            unknown = [c for c in raw.header if c not in table.columns]
            if unknown:
                report.warnings.append(
                    Problem(
                        _("Columns Limen does not know were skipped: %(cols)s")
                        % {"cols": ", ".join(unknown)},
                        raw.filename,
                    )
                )
        dataset.columns[table.name] = present & set(table.columns)
        rows: list[Row] = []
        ids: set[str] = set()
        for number, cells in raw.rows:
            seen += 1
            if progress and seen % 5000 == 0:
                progress(int(seen * 100 / total))
            hsds_id = (cells.get("id") or "").strip()
            if not hsds_id:
                error(
                    Problem(
                        _("The row has no id. Give every row an id of its own (HSDS uses UUIDs)."),
                        raw.filename,
                        number,
                        "id",
                    )
                )
                continue
            if len(hsds_id) > 100:
                error(
                    Problem(
                        _(
                            "The id is longer than 100 characters. Use a shorter id, "
                            "such as a UUID."
                        ),
                        raw.filename,
                        number,
                        "id",
                    )
                )
                continue
            if hsds_id in ids:
                error(
                    Problem(
                        _(
                            "The id “%(id)s” appears twice in this file. Remove the repeated "
                            "row, or give it an id of its own."
                        )
                        % {"id": hsds_id},
                        raw.filename,
                        number,
                        "id",
                    )
                )
                continue
            ids.add(hsds_id)
            values: dict[str, Any] = {}
            refs: dict[str, str] = {}
            bad = False
            for column in table.columns:
                if column == "id" or column not in present:
                    continue
                text = cells.get(column, "") or ""
                if column in table.required and not text.strip():
                    error(
                        Problem(
                            _("A value is required: fill in this cell."),
                            raw.filename,
                            number,
                            column,
                        )
                    )
                    bad = True
                    continue
                if column in table.ignored:
                    continue
                if column in table.ref_by_column:
                    if text.strip():
                        refs[column] = text.strip()
                    continue
                try:
                    values[column] = parse_value(_field(table, column), text)
                except ValueError as exc:
                    error(Problem(str(exc), raw.filename, number, column))
                    bad = True
            if not bad:
                rows.append(Row(number, hsds_id, values, refs))
        dataset.tables[table.name] = rows

    _check_references(organisation, dataset, package, report, error)
    if report.ok:
        _count(organisation, dataset, report)
    return dataset, report


def _check_references(
    organisation, dataset: Dataset, package: RawPackage, report: Report, error
) -> None:
    package_ids = {name: {r.hsds_id for r in rows} for name, rows in dataset.tables.items()}
    wanted: dict[str, set[str]] = defaultdict(set)
    for table in spec.TABLES:
        for row in dataset.tables.get(table.name, []):
            for column, target in row.refs.items():
                target_table = table.ref_by_column[column].table
                if target not in package_ids.get(target_table, ()):
                    wanted[target_table].add(target)
    existing = {
        name: set(_existing_ids(organisation, spec.BY_NAME[name], ids))
        for name, ids in wanted.items()
    }
    dropped_warned: set[tuple[str, str]] = set()
    for table in spec.TABLES:
        filename = (
            package.tables[table.name].filename if table.name in package.tables else table.filename
        )
        for row in dataset.tables.get(table.name, []):
            resolved = {}
            for ref in table.refs:
                target = row.refs.get(ref.column)
                if target is None:
                    # A required reference left empty was reported with the row's values.
                    continue
                if target in package_ids.get(ref.table, ()) or target in existing.get(
                    ref.table, ()
                ):
                    resolved[ref.field] = target
                elif ref.required:
                    error(
                        Problem(
                            _(
                                "“%(id)s” is not a row of %(file)s, here or in the directory. "
                                "Add that row to %(file)s, or correct the id."
                            )
                            % {"id": target, "file": spec.BY_NAME[ref.table].filename},
                            filename,
                            row.number,
                            ref.column,
                        )
                    )
                else:
                    report.warnings.append(
                        Problem(
                            _(
                                "Optional reference to “%(id)s” dropped: "
                                "it is not a row of %(file)s."
                            )
                            % {"id": target, "file": spec.BY_NAME[ref.table].filename},
                            filename,
                            row.number,
                            ref.column,
                        )
                    )
                    dropped_warned.add((table.name, ref.column))
            row.refs = resolved
    for table in spec.TABLES:
        if table.ignored and table.name in package.tables:
            for column in table.ignored:
                if any(
                    (cells.get(column) or "").strip()
                    for _n, cells in package.tables[table.name].rows
                ):
                    report.warnings.append(
                        Problem(
                            _("Limen does not keep this column; its values were skipped."),
                            table.filename,
                            None,
                            column,
                        )
                    )
    # Attributes: Limen's flags become fields; links to services must resolve.
    attributes = dataset.tables.get("attribute", [])
    if attributes:
        dataset.flags_present = True
        services = package_ids.get("service", set())
        locations = package_ids.get("location", set())
        service_links = {
            r.values.get("link_id") for r in attributes if r.values.get("link_entity") == "service"
        }
        location_links = {
            r.values.get("link_id") for r in attributes if r.values.get("link_entity") == "location"
        }
        known_services = services | set(
            _existing_ids(organisation, spec.BY_NAME["service"], service_links - services)
        )
        known_locations = locations | set(
            _existing_ids(organisation, spec.BY_NAME["location"], location_links - locations)
        )
        kept = []
        confidential_id = categories.flag_id(categories.FLAG_CONFIDENTIAL)
        do_not_refer_id = categories.flag_id(categories.FLAG_DO_NOT_REFER)
        unknown_entities = set()
        for row in attributes:
            entity, link = row.values.get("link_entity"), row.values.get("link_id")
            term = row.refs.get("taxonomy_term")
            if entity == "service" and link not in known_services:
                error(
                    Problem(
                        _(
                            "“%(id)s” is not a row of services.csv, here or in the directory. "
                            "Add that row to services.csv, or correct the id."
                        )
                        % {"id": link},
                        "attributes.csv",
                        row.number,
                        "link_id",
                    )
                )
                continue
            if entity == "location" and link not in known_locations:
                error(
                    Problem(
                        _(
                            "“%(id)s” is not a row of locations.csv, here or in the directory. "
                            "Add that row to locations.csv, or correct the id."
                        )
                        % {"id": link},
                        "attributes.csv",
                        row.number,
                        "link_id",
                    )
                )
                continue
            if term == confidential_id and entity == "location":
                dataset.confidential.add(link)
                continue
            if term == do_not_refer_id and entity == "service":
                dataset.do_not_refer[link] = row.values.get("value") or ""
                continue
            if entity not in spec.BY_NAME and entity not in unknown_entities:
                unknown_entities.add(entity)
                report.warnings.append(
                    Problem(
                        _(
                            "Attributes link to “%(e)s”, which Limen does not know; "
                            "they are kept as they are."
                        )
                        % {"e": entity},
                        "attributes.csv",
                        row.number,
                        "link_entity",
                    )
                )
            kept.append(row)
        dataset.tables["attribute"] = kept


def _count(organisation, dataset: Dataset, report: Report) -> None:
    """Per table: rows new to the directory, rows that would change, and rows already exactly
    as the package has them (re-importing an unchanged export changes nothing)."""
    for table in spec.TABLES:
        rows = dataset.tables.get(table.name)
        if rows is None:
            continue
        ids = [r.hsds_id for r in rows]
        existing = _existing_ids(organisation, table, ids)
        stored = _stored_rows(organisation, table, dataset, [i for i in ids if i in existing])
        shipped = _shipped_ids(table, ids)
        created = updated = unchanged = 0
        for row in rows:
            if row.hsds_id not in existing:
                created += 1
            elif row.hsds_id in shipped or _unchanged(table, dataset, row, stored[row.hsds_id]):
                unchanged += 1
            else:
                updated += 1
        report.counts[table.name] = {
            "rows": len(rows),
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
        }


def _compared_refs(table: spec.Table, dataset: Dataset) -> list[spec.Ref]:
    columns = dataset.columns.get(table.name, set())
    return [r for r in table.refs if r.column in columns]


def _compared_fields(table: spec.Table, dataset: Dataset) -> list[str]:
    columns = dataset.columns.get(table.name, set())
    fields = [c for c in table.value_columns if c in columns]
    if dataset.flags_present and table.name == "service":
        fields += ["do_not_refer", "do_not_refer_reason"]
    if dataset.flags_present and table.name == "location":
        fields.append("is_confidential")
    return fields


def _stored_rows(
    organisation, table: spec.Table, dataset: Dataset, ids: list[str]
) -> dict[str, dict[str, Any]]:
    """The agency's own rows as stored, in the columns the package carries."""
    lookups = [
        *_compared_fields(table, dataset),
        *(f"{r.field}__hsds_id" for r in _compared_refs(table, dataset)),
    ]
    stored: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for values in table.model.objects.filter(owner=organisation, hsds_id__in=chunk).values(
            "hsds_id", *lookups
        ):
            stored[values["hsds_id"]] = values
    return stored


def _unchanged(table: spec.Table, dataset: Dataset, row: Row, stored: dict[str, Any]) -> bool:
    from directory.models import DO_NOT_REFER_REASON_MAX_LENGTH

    model = table.model
    wanted: dict[str, Any] = {}
    for name in _compared_fields(table, dataset):
        if name == "do_not_refer":
            wanted[name] = row.hsds_id in dataset.do_not_refer
        elif name == "do_not_refer_reason":
            reason = dataset.do_not_refer.get(row.hsds_id, "")
            wanted[name] = reason[:DO_NOT_REFER_REASON_MAX_LENGTH]
        elif name == "is_confidential":
            wanted[name] = row.hsds_id in dataset.confidential
        else:
            value = row.values.get(name)
            # apply() writes an empty cell of a NOT NULL column as "".
            wanted[name] = "" if value is None and not model._meta.get_field(name).null else value
    for ref in _compared_refs(table, dataset):
        wanted[f"{ref.field}__hsds_id"] = row.refs.get(ref.field)
    return all(stored.get(name) == value for name, value in wanted.items())


# --- Writing --------------------------------------------------------------------------------


def apply(
    organisation: Organisation, dataset: Dataset, progress: Progress | None = None
) -> set[int]:
    """Write a validated dataset in the current transaction; returns the touched services' pks."""
    assert transaction.get_connection().in_atomic_block, "apply() must run inside a transaction"
    pk_maps: dict[str, dict[str, int]] = {}
    touched_services: set[int] = set()
    touched_locations: set[int] = set()
    tables = [t for t in spec.TABLES if t.name in dataset.tables]
    for index, table in enumerate(tables):
        rows = dataset.tables[table.name]
        model = table.model
        shipped = _shipped_ids(table, (r.hsds_id for r in rows))
        rows = [r for r in rows if r.hsds_id not in shipped]
        columns = dataset.columns.get(table.name, set())
        value_fields = [c for c in table.value_columns if c in columns]
        # References to the table itself are set in a second pass, once every row exists.
        outer_refs = [r for r in table.refs if r.table != table.name and r.column in columns]
        self_refs = [r for r in table.refs if r.table == table.name and r.column in columns]
        needed: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            for ref in outer_refs:
                if ref.field in row.refs:
                    needed[ref.table].add(row.refs[ref.field])
        for target_table, ids in needed.items():
            known = pk_maps.setdefault(target_table, {})
            missing = ids - known.keys()
            if missing:
                known.update(_existing_ids(organisation, spec.BY_NAME[target_table], missing))
        existing = _existing_ids(organisation, table, [r.hsds_id for r in rows])
        objects = []
        for row in rows:
            fields = {name: row.values.get(name) for name in value_fields}
            for name, value in fields.items():
                if value is None and not model._meta.get_field(name).null:
                    fields[name] = ""
            for ref in outer_refs:
                target = row.refs.get(ref.field)
                fields[f"{ref.field}_id"] = pk_maps[ref.table][target] if target else None
            if table.name == "attribute":
                entity, link = row.values.get("link_entity"), row.values.get("link_id")
                fields["service_id"] = None
                if entity == "service":
                    services = pk_maps.setdefault("service", {})
                    if link not in services:
                        services.update(
                            _existing_ids(organisation, spec.BY_NAME["service"], [link])
                        )
                    fields["service_id"] = services[link]
            if table.name == "service":
                fields["search_text"] = ""
            objects.append(model(owner=organisation, hsds_id=row.hsds_id, **fields))
        update_fields = [*value_fields, *(f"{r.field}_id" for r in outer_refs)]
        if table.name == "attribute":
            update_fields.append("service_id")
        if update_fields:
            # One upsert (INSERT ... ON CONFLICT (owner, hsds_id) DO UPDATE) per batch: a
            # re-import costs about what the first import did.
            model.objects.bulk_create(
                objects,
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["owner", "hsds_id"],
                update_fields=update_fields,
            )
        else:
            model.objects.bulk_create(
                [o for o in objects if o.hsds_id not in existing], batch_size=1000
            )
        pk_map = pk_maps.setdefault(table.name, {})
        pk_map.update(
            _existing_ids(organisation, table, [r.hsds_id for r in dataset.tables[table.name]])
        )
        if self_refs:
            linked = []
            for row in rows:
                obj = model(pk=pk_map[row.hsds_id])
                for ref in self_refs:
                    target = row.refs.get(ref.field)
                    setattr(obj, f"{ref.field}_id", pk_map.get(target) if target else None)
                linked.append(obj)
            model.objects.bulk_update(linked, [f"{r.field}_id" for r in self_refs], batch_size=1000)
        if table.name == "service":
            touched_services.update(pk_map.values())
        if table.name == "location":
            touched_locations.update(pk_map.values())
        if table.name in ("language", "service_area", "attribute", "phone", "schedule"):
            touched_services.update(
                v
                for v in model.objects.filter(pk__in=[pk_map[r.hsds_id] for r in rows]).values_list(
                    "service_id", flat=True
                )
                if v
            )
        if progress:
            progress(int((index + 1) * 100 / len(tables)))
    _apply_flags(organisation, dataset, pk_maps)
    from directory.models import ServiceAtLocation

    if touched_locations:
        touched_services.update(
            ServiceAtLocation.objects.filter(location_id__in=touched_locations).values_list(
                "service_id", flat=True
            )
        )
    return touched_services


def _apply_flags(organisation, dataset: Dataset, pk_maps: dict[str, dict[str, int]]) -> None:
    from directory.models import DO_NOT_REFER_REASON_MAX_LENGTH, Location, Service

    if not dataset.flags_present:
        return
    locations = {r.hsds_id for r in dataset.tables.get("location", [])} | dataset.confidential
    if locations:
        Location.objects.filter(owner=organisation, hsds_id__in=dataset.confidential).update(
            is_confidential=True
        )
        Location.objects.filter(
            owner=organisation, hsds_id__in=locations - dataset.confidential
        ).update(is_confidential=False)
    services = {r.hsds_id for r in dataset.tables.get("service", [])}
    for hsds_id, reason in dataset.do_not_refer.items():
        Service.objects.filter(owner=organisation, hsds_id=hsds_id).update(
            do_not_refer=True, do_not_refer_reason=reason[:DO_NOT_REFER_REASON_MAX_LENGTH]
        )
    Service.objects.filter(
        owner=organisation, hsds_id__in=services - dataset.do_not_refer.keys()
    ).update(do_not_refer=False, do_not_refer_reason="")
