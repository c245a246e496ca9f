"""Writing an agency's directory as HSDS: a tabular package (zip or folder of CSV files with a
datapackage.json) or tabular JSON (the shape of HSDS's own ``tabular.json`` example).

Confidential addresses are left out unless the admin asks for them explicitly; the flags Limen
keeps (confidential location, do not refer) travel as HSDS attributes with Limen's flag terms.

An HSDS package is a data-exchange format, not a spreadsheet: every value leaves exactly as it
was stored (a phone number ``+32 130 2000`` stays ``+32 130 2000``). Spreadsheet safety belongs to
the separate "for spreadsheets" workbook (``to_xlsx``), where every cell is typed as text so that
no cell is ever run as a formula.
"""

import csv
import io
import json
import uuid
import zipfile
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from django.db.models import Q

from accounts.models import Organisation
from directory import categories
from directory.hsds import spec
from directory.hsds.reader import EXACT_CELLS_KEY

# HSDS 3.0's own field list types every numeric column as "number" (ages, years, coordinates).
FIELD_TYPES = {
    "DateField": "date",
    "DateTimeField": "datetime",
    "TimeField": "time",
    "IntegerField": "number",
    "PositiveIntegerField": "number",
    "PositiveSmallIntegerField": "number",
    "SmallIntegerField": "number",
    "FloatField": "number",
    "DecimalField": "number",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return _text(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _flag_attribute_id(entity_hsds_id: str, flag: str) -> str:
    return str(uuid.uuid5(categories.NAMESPACE, f"flag:{flag}:{entity_hsds_id}"))


def collect(
    organisation: Organisation, *, include_confidential: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """Every table as a list of {column: Python value}, rows ordered by HSDS id."""
    tables: dict[str, list[dict[str, Any]]] = {}
    hidden_locations: set[int] = set()
    if not include_confidential:
        from directory.models import Location

        hidden_locations = set(
            Location.objects.filter(owner=organisation, is_confidential=True).values_list(
                "pk", flat=True
            )
        )
    for table in spec.TABLES:
        model = table.model
        scope = Q(owner=organisation)
        if table.shipped:
            scope |= Q(owner=None)
        rows = model.objects.filter(scope)
        if table.name == "address" and hidden_locations:
            rows = rows.exclude(location_id__in=hidden_locations)
        ref_fields = {ref.column: f"{ref.field}__hsds_id" for ref in table.refs}
        value_columns = table.value_columns
        names = ["hsds_id", *value_columns, *ref_fields.values()]
        if table.name == "location":
            names.append("pk")
        out = []
        for record in rows.order_by("hsds_id").values(*names):
            row: dict[str, Any] = {}
            for column in table.columns:
                if column == "id":
                    row[column] = record["hsds_id"]
                elif column in ref_fields:
                    row[column] = record[ref_fields[column]]
                elif column in table.ignored:
                    row[column] = None
                else:
                    row[column] = record[column]
            if table.name == "location" and record["pk"] in hidden_locations:
                # Where the building is must not leak through its coordinates or directions.
                row.update(latitude=None, longitude=None, transportation="")
            out.append(row)
        tables[table.name] = out
    _add_flag_attributes(organisation, tables)
    return tables


def _add_flag_attributes(organisation: Organisation, tables: dict[str, list[dict]]) -> None:
    from directory.models import Location, Service

    flags = []
    for hsds_id in Location.objects.filter(owner=organisation, is_confidential=True).values_list(
        "hsds_id", flat=True
    ):
        flags.append((hsds_id, "location", categories.FLAG_CONFIDENTIAL, ""))
    for hsds_id, reason in Service.objects.filter(
        owner=organisation, do_not_refer=True
    ).values_list("hsds_id", "do_not_refer_reason"):
        flags.append((hsds_id, "service", categories.FLAG_DO_NOT_REFER, reason))
    for hsds_id, entity, flag, value in flags:
        tables["attribute"].append(
            {
                "id": _flag_attribute_id(hsds_id, flag),
                "link_id": hsds_id,
                "taxonomy_term_id": categories.flag_id(flag),
                "link_type": "limen_flag",
                "link_entity": entity,
                "value": value,
            }
        )
    tables["attribute"].sort(key=lambda r: r["id"])


def descriptor(tables: dict[str, list[dict]]) -> dict:
    resources = []
    for table in spec.TABLES:
        fields = []
        for column in table.columns:
            kind = "string"
            if column not in ("id", *table.ref_by_column, *table.ignored):
                kind = FIELD_TYPES.get(type(table.model._meta.get_field(column)).__name__, "string")
            fields.append(
                {"name": column, "type": kind, **({"format": "uuid"} if column == "id" else {})}
            )
        resources.append(
            {
                "name": table.name,
                "path": table.filename,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id"},
            }
        )
    return {
        "name": "limen-directory",
        "title": "Limen referral directory",
        "profile": "tabular-data-package",
        "version": "3.0",
        # Tells Limen's importer that cells are exactly as stored: a leading apostrophe is data,
        # not the formula guard older exports added (which the importer still undoes).
        EXACT_CELLS_KEY: True,
        "resources": resources,
    }


def csv_files(tables: dict[str, list[dict]]) -> dict[str, bytes]:
    files = {"datapackage.json": json.dumps(descriptor(tables), indent=2).encode()}
    for table in spec.TABLES:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(table.columns)
        for row in tables.get(table.name, []):
            writer.writerow([_text(row[c]) for c in table.columns])
        files[table.filename] = buffer.getvalue().encode("utf-8")
    return files


# Entries carry a fixed timestamp, so the same data always gives the same bytes (a round trip
# can be compared, and a re-export that changed nothing is recognisably the same file).
ZIP_ENTRY_TIME = (1980, 1, 1, 0, 0, 0)


def to_zip(tables: dict[str, list[dict]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in csv_files(tables).items():
            entry = zipfile.ZipInfo(name, date_time=ZIP_ENTRY_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return buffer.getvalue()


def to_directory(tables: dict[str, list[dict]], path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    for name, data in csv_files(tables).items():
        (path / name).write_bytes(data)


def to_json(tables: dict[str, list[dict]]) -> bytes:
    """Tabular HSDS JSON. An empty value is left out rather than written as "" or null, which
    HSDS's schemas refuse for typed and enumerated fields (an empty CSV cell means the same)."""
    document = {
        table.filename: [
            {k: _json_value(v) for k, v in row.items() if v is not None and v != ""}
            for row in tables.get(table.name, [])
        ]
        for table in spec.TABLES
    }
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_xlsx(tables: dict[str, list[dict]]) -> bytes:
    """The directory for spreadsheets: one sheet per HSDS table, every cell typed as text, so a
    value such as ``=HYPERLINK(...)`` or ``+32 130 2000`` is shown, never run or turned into a
    number. Not an exchange format: use the package or JSON for that."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in spec.TABLES:
        sheet = workbook.create_sheet(table.name)
        rows = [list(table.columns)]
        rows += [[_text(row[c]) for c in table.columns] for row in tables.get(table.name, [])]
        for row_number, values in enumerate(rows, start=1):
            for column_number, value in enumerate(values, start=1):
                cell = sheet.cell(row=row_number, column=column_number)
                # Assigning a string that starts with "=" would make openpyxl write a formula;
                # set the value and its type directly instead. Control characters are not
                # allowed in the file format at all.
                cell._value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
