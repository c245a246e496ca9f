"""Reading an HSDS package into raw rows, refusing what is unsafe or unreadable.

A package is a zip (or, from the command line, a folder) holding ``datapackage.json`` and one CSV
per table named as HSDS names it; or a JSON document, either tabular (``{"services.csv": [...]}``,
as the official ``tabular.json``) or nested (a service, a list or page of services, an
organization). Every problem names the file, and where it can the row and column.
"""

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from directory.hsds import spec

# An upload is refused above these: they stop a zip bomb before it is inflated, and keep a
# validation inside what a web request or a worker's time limit can take.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 250 * 1024 * 1024
MAX_MEMBERS = 64
# A zip that unpacks to more than this many times its own size, past a few megabytes, is a zip
# bomb rather than a directory: ordinary CSV and JSON packages stay far below it.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_FROM_BYTES = 8 * 1024 * 1024
# HSDS nests a few levels (a service, its locations, their addresses). Deeper JSON is refused
# before it is walked, so no reader or worker recurses without bound.
MAX_JSON_DEPTH = 32
# A file full of bad cells names the first of them, not a hundred thousand.
MAX_PROBLEMS = 500

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A cell a spreadsheet runs as a formula: "=" anything, or "+", "-", "@" right before a function
# call, a DDE command or a sheet reference ("+cmd|' /C calc'!A0", "@SUM(A1)"). Phone numbers
# ("+31 30 555 0100", "+31 (0)30 ...") and negative numbers do not match.
FORMULA_RE = re.compile(r"^(=|[+\-@]\s*[A-Za-z_][\w.]*[(|!])")
UTF8_BOM = "\ufeff"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Set in the datapackage.json of Limen's exports, whose cells are exactly as stored.
EXACT_CELLS_KEY = "limen:exact_cells"
ALLOWED_EXTRA_FILES = ("datapackage.json", "readme", "license")


@dataclass
class Problem:
    message: str
    file: str = ""
    row: int | None = None
    column: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "message": str(self.message),
            "file": self.file,
            "row": self.row,
            "column": self.column,
        }

    def __str__(self) -> str:
        where = ", ".join(
            p
            for p in (
                self.file,
                _("row %(row)s") % {"row": self.row} if self.row else "",
                _("column %(column)s") % {"column": self.column} if self.column else "",
            )
            if p
        )
        return f"{where}: {self.message}" if where else str(self.message)


@dataclass
class RawTable:
    filename: str
    header: list[str] | None  # None for JSON, where rows may omit keys
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


@dataclass
class RawPackage:
    tables: dict[str, RawTable] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


# --- Spreadsheet formula injection ----------------------------------------------------------


def unescape_cell(value: str) -> str:
    """Undo the formula guard Limen's exports added before they became exact: an apostrophe
    before a formula character (or before another apostrophe) was not part of the value."""
    if len(value) > 1 and value[0] == "'" and value[1] in (*FORMULA_STARTS, "'"):
        return value[1:]
    return value


# --- Reading --------------------------------------------------------------------------------


def read_upload(data: bytes, filename: str) -> RawPackage:
    """Read an uploaded file: a zip package, a JSON document, or a single CSV table."""
    package = RawPackage()
    name = Path(filename).name
    if len(data) > MAX_UPLOAD_BYTES:
        package.errors.append(
            Problem(
                _(
                    "The file is larger than %(mb)s MB. Import the directory in parts, for "
                    "example one package per provider."
                )
                % {"mb": MAX_UPLOAD_BYTES // 2**20},
                name,
            )
        )
        return package
    if not data.strip():
        package.errors.append(Problem(_empty_message(), name))
        return package
    if data[:4] == b"PK\x03\x04":
        return read_zip(data, name)
    lower = name.lower()
    if lower.endswith(".json") or data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"["):
        return read_json(data, name)
    if lower.endswith(".csv"):
        return read_files({name: data})
    package.errors.append(
        Problem(
            _(
                "Limen cannot read this file. Upload an HSDS package as a .zip (datapackage.json "
                "and one CSV per table) or an HSDS .json file."
            ),
            name,
        )
    )
    return package


def read_zip(data: bytes, name: str) -> RawPackage:
    package = RawPackage()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        package.errors.append(
            Problem(
                _("The zip file is damaged (%(e)s). Make the zip again and upload it.")
                % {"e": exc},
                name,
            )
        )
        return package
    members = [m for m in members if not Path(m.filename).name.startswith((".", "__MACOSX"))]
    members = [m for m in members if "__MACOSX" not in m.filename]
    if len(members) > MAX_MEMBERS:
        package.errors.append(
            Problem(
                _(
                    "The zip holds %(n)s files; at most %(max)s are accepted. Put only "
                    "datapackage.json and the HSDS tables (services.csv, …) in it."
                )
                % {"n": len(members), "max": MAX_MEMBERS},
                name,
            )
        )
        return package
    declared = sum(m.file_size for m in members)
    if declared > MAX_UNCOMPRESSED_BYTES:
        package.errors.append(Problem(_too_big_message(), name))
        return package
    if _bomb_ratio(declared, len(data)):
        package.errors.append(Problem(_bomb_message(), name))
        return package
    files: dict[str, bytes] = {}
    total = 0
    for member in members:
        member_name = Path(member.filename).name
        if member.flag_bits & 0x1:
            package.errors.append(
                Problem(
                    _("Encrypted files are not accepted. Make the zip again without a password."),
                    member_name,
                )
            )
            return package
        if member_name in files:
            package.errors.append(
                Problem(
                    _("The zip holds two files with this name. Keep one of them and zip again."),
                    member_name,
                )
            )
            return package
        # Sizes in the zip's directory can lie; count what actually comes out.
        chunks = []
        try:
            with archive.open(member) as handle:
                while chunk := handle.read(1024 * 1024):
                    total += len(chunk)
                    if total > MAX_UNCOMPRESSED_BYTES:
                        package.errors.append(Problem(_too_big_message(), name))
                        return package
                    if _bomb_ratio(total, len(data)):
                        package.errors.append(Problem(_bomb_message(), name))
                        return package
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            package.errors.append(
                Problem(
                    _(
                        "This file cannot be unpacked (%(e)s). Make the zip again with ordinary "
                        "(deflate) compression."
                    )
                    % {"e": exc},
                    member_name,
                )
            )
            return package
        files[member_name] = b"".join(chunks)
    return read_files(files)


def _empty_message() -> str:
    return _("The file is empty. Export the directory again and upload the new file.")


def _bomb_ratio(unpacked: int, packed: int) -> bool:
    return unpacked > RATIO_CHECKED_FROM_BYTES and unpacked > MAX_COMPRESSION_RATIO * max(packed, 1)


def _bomb_message() -> str:
    return _(
        "The zip unpacks to more than %(ratio)s times its own size, which no directory does; "
        "Limen does not open it. Zip the HSDS tables again yourself and upload that zip."
    ) % {"ratio": MAX_COMPRESSION_RATIO}


def unpacked_size(data: bytes, filename: str, *, stop_at: int) -> int:
    """How large an upload is once unpacked, counted by unpacking (a zip's own figures can lie)
    and stopping as soon as ``stop_at`` is passed, so asking costs little. Anything that is not
    a readable zip counts as its own size."""
    if data[:4] != b"PK\x03\x04" and not filename.lower().endswith(".zip"):
        return len(data)
    total = 0
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        for member in archive.infolist():
            if member.is_dir() or member.flag_bits & 0x1:
                continue
            if member.file_size > stop_at:
                return member.file_size
            with archive.open(member) as handle:
                while chunk := handle.read(256 * 1024):
                    total += len(chunk)
                    if total > stop_at:
                        return total
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError):
        return max(total, len(data))
    return max(total, len(data))


def _too_big_message() -> str:
    return _(
        "Unpacked, the package would be larger than %(mb)s MB. Import it in parts, for example "
        "one package per provider."
    ) % {"mb": MAX_UNCOMPRESSED_BYTES // 2**20}


def read_directory(path: Path) -> RawPackage:
    """Read a package folder (command line)."""
    files = {}
    total = 0
    for child in sorted(path.iterdir()):
        if child.is_file() and not child.name.startswith("."):
            total += child.stat().st_size
            if total > MAX_UNCOMPRESSED_BYTES:
                package = RawPackage()
                package.errors.append(Problem(_too_big_message(), path.name))
                return package
            files[child.name] = child.read_bytes()
    return read_files(files)


def read_files(files: dict[str, bytes]) -> RawPackage:
    package = RawPackage()
    if not files:
        package.errors.append(
            Problem(
                _(
                    "The package holds no files. Put datapackage.json and the HSDS tables "
                    "(services.csv, …) in it."
                )
            )
        )
        return package
    exact = False
    if "datapackage.json" in files:
        try:
            descriptor = json.loads(_decode(files["datapackage.json"], "datapackage.json"))
            if not isinstance(descriptor, dict):
                raise ValueError
            exact = descriptor.get(EXACT_CELLS_KEY) is True
        except (ValueError, UnicodeDecodeError):
            package.errors.append(
                Problem(
                    _(
                        "This is not a valid datapackage.json. Export the package again, or "
                        "leave this file out: Limen reads the tables by their names."
                    ),
                    "datapackage.json",
                )
            )
    elif any(n.endswith(".csv") for n in files) and len(files) > 1:
        package.warnings.append(
            Problem(_("The package has no datapackage.json; reading the CSV files by name."))
        )
    for name, data in sorted(files.items()):
        lower = name.lower()
        if name in spec.BY_FILENAME:
            table = spec.BY_FILENAME[name]
            raw = _read_csv(data, name, package, exact=exact)
            if raw is not None:
                package.tables[table.name] = raw
        elif name in spec.IGNORED_FILES:
            package.warnings.append(
                Problem(_("Limen does not keep this HSDS table; it was skipped."), name)
            )
        elif lower == "datapackage.json" or lower.startswith(ALLOWED_EXTRA_FILES[1:]):
            continue
        else:
            package.errors.append(
                Problem(
                    _(
                        "Unknown file. HSDS tables are named like services.csv or "
                        "organizations.csv: rename it, or leave it out of the zip."
                    ),
                    name,
                )
            )
    if not package.tables and not package.errors:
        package.errors.append(
            Problem(
                _(
                    "The package holds no HSDS table Limen can import. Name the tables as HSDS "
                    "does (services.csv, organizations.csv, …) and upload it again."
                )
            )
        )
    return package


def _decode(data: bytes, name: str) -> str:
    return data.decode("utf-8")


def _decode_or_explain(data: bytes, name: str, package: RawPackage) -> str | None:
    """The file's text; None, with a problem that says how to save it, when it is not plain
    UTF-8. CSV and JSON files get the same guidance: both are saved from the same tools."""
    if data.startswith(UTF16_BOMS):
        package.errors.append(
            Problem(
                _(
                    "The file is UTF-16 encoded (it starts with a UTF-16 byte-order mark, as "
                    "“Unicode text” is saved). Save it as UTF-8 without a byte-order mark "
                    "and upload it again."
                ),
                name,
            )
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        # HSDS files are plain UTF-8; a byte-order mark is refused, like every other encoding
        # problem, so that nothing half-understood is imported.
        package.errors.append(
            Problem(
                _(
                    "The file starts with a byte-order mark (an invisible character that "
                    "Excel's “CSV UTF-8” adds). HSDS files are plain UTF-8: save it as UTF-8 "
                    "without a byte-order mark and upload it again."
                ),
                name,
            )
        )
        return None
    try:
        return _decode(data, name)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        package.errors.append(
            Problem(
                _(
                    "The file is not UTF-8 encoded (first bad byte on line %(line)s). Save it as "
                    "UTF-8 without a byte-order mark and upload it again."
                )
                % {"line": line},
                name,
            )
        )
        return None


def is_formula(cell: str) -> bool:
    return bool(FORMULA_RE.match(cell))


def _read_csv(
    data: bytes, name: str, package: RawPackage, *, exact: bool = False
) -> RawTable | None:
    text = _decode_or_explain(data, name, package)
    if text is None:
        return None
    if not text.strip():
        package.errors.append(Problem(_empty_message(), name))
        return None
    if "\x00" in text:
        package.errors.append(
            Problem(
                _(
                    "The file contains NUL characters; it is not a CSV file. Save the table as "
                    "CSV (comma-separated, UTF-8) and upload it again."
                ),
                name,
            )
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        package.errors.append(
            Problem(
                _(
                    "The header row cannot be read (%(e)s). The first row must name the "
                    "columns, separated by commas."
                )
                % {"e": exc},
                name,
            )
        )
        return None
    stray_bom = _(
        "A byte-order mark (an invisible U+FEFF character) is inside the file, not at its start: "
        "the file was probably joined from two files or saved twice. Remove it and upload again."
    )
    for header_name in header:
        if UTF8_BOM in header_name:
            package.errors.append(Problem(stray_bom, name, 1, header_name.replace(UTF8_BOM, "")))
            return None
    if len(set(header)) != len(header):
        package.errors.append(
            Problem(
                _("The header names a column twice. Rename or remove one of the two columns."),
                name,
                1,
            )
        )
        return None
    raw = RawTable(name, header)
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                package.errors.append(
                    Problem(
                        _(
                            "The row has more cells than the header has columns. A cell with a "
                            "comma in it must be in double quotes; or add the missing column to "
                            "the header."
                        ),
                        name,
                        reader.line_num,
                    )
                )
                continue
            cells = cells + [""] * (len(header) - len(cells))
            row = {}
            for column, cell in zip(header, cells, strict=True):
                problem = None
                if UTF8_BOM in cell:
                    problem = Problem(stray_bom, name, reader.line_num, column)
                elif is_formula(cell) and not exact:
                    # A package that declares exact cells (Limen's own exports) carries such text
                    # as data; it is shown as text everywhere, and the spreadsheet download types
                    # every cell as text.
                    problem = Problem(
                        _(
                            "This cell is a spreadsheet formula (“%(start)s…”). Limen does not "
                            "import formulas; if it is meant as text, start it with an "
                            "apostrophe (')."
                        )
                        % {"start": cell[:12]},
                        name,
                        reader.line_num,
                        column,
                    )
                if problem is not None and len(package.errors) < MAX_PROBLEMS:
                    package.errors.append(problem)
                # Limen's exports before exact cells escaped formulas with an apostrophe.
                row[column] = cell if exact else unescape_cell(cell)
            raw.rows.append((reader.line_num, row))
    except csv.Error as exc:
        package.errors.append(
            Problem(
                _(
                    "The CSV cannot be read (%(e)s). Check the quotes on this line: a cell that "
                    "holds a double quote must be in double quotes, with the quote written twice."
                )
                % {"e": exc},
                name,
                reader.line_num,
            )
        )
        return None
    return raw


# --- JSON -----------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_json(data: bytes, name: str) -> RawPackage:
    package = RawPackage()
    text = _decode_or_explain(data, name, package)
    if text is None:
        return package
    try:
        document = json.loads(text)
    except RecursionError:
        package.errors.append(Problem(_too_deep_message(), name))
        return package
    except ValueError as exc:
        package.errors.append(
            Problem(
                _(
                    "This is not valid JSON (%(e)s). Open the file in a text editor, correct it "
                    "at that place (a missing comma, quote or bracket is the usual cause) and "
                    "upload it again."
                )
                % {"e": exc},
                name,
            )
        )
        return package
    if _depth(document) > MAX_JSON_DEPTH:
        package.errors.append(Problem(_too_deep_message(), name))
        return package
    not_hsds = Problem(
        _(
            'This JSON is not HSDS: expected tabular HSDS ({"services.csv": [...], ...}), a '
            'service or organization object, a list of them, or a page with "contents". Export '
            "the directory again as HSDS JSON, or upload its CSV tables in a zip."
        ),
        name,
    )
    if (
        isinstance(document, dict)
        and document
        and all(isinstance(k, str) and isinstance(v, list) for k, v in document.items())
    ):
        tables = {k.removesuffix(".csv"): v for k, v in document.items()}
        known = {t.filename.removesuffix(".csv"): t for t in spec.TABLES}
        known.update({t.name: t for t in spec.TABLES})
        if any(k in known for k in tables):
            return _read_tabular_json(document, name, package)
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        objects = document["contents"]
    elif isinstance(document, list):
        objects = document
    elif isinstance(document, dict):
        objects = [document]
    else:
        package.errors.append(not_hsds)
        return package
    flattener = _Flattener(name, package)
    for index, obj in enumerate(objects, start=1):
        kind = _kind_of(obj)
        if kind is None:
            package.errors.append(
                not_hsds if index == 1 else Problem(not_hsds.message, name, index)
            )
            return package
        flattener.add(kind, obj, index)
    for table_name, rows in flattener.rows.items():
        table = spec.BY_NAME[table_name]
        package.tables[table_name] = RawTable(
            table.filename, None, [(n, row) for n, row in enumerate(rows.values(), start=1)]
        )
    return package


def _depth(document: Any) -> int:
    """How deeply lists and objects nest, walked without recursion; stops counting past the
    limit."""
    deepest = 0
    stack = [(document, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _too_deep_message() -> str:
    return _(
        "The JSON nests more than %(n)s levels deep; HSDS never does, so Limen stops here. "
        "Export the directory again as HSDS JSON."
    ) % {"n": MAX_JSON_DEPTH}


def _kind_of(obj: Any) -> str | None:
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or not obj.get("name"):
        return None
    if "status" in obj or "service_at_locations" in obj or "organization" in obj:
        return "service"
    if {"services", "locations", "website", "legal_status", "year_incorporated"} & obj.keys():
        return "organization"
    return None


def _read_tabular_json(document: dict, name: str, package: RawPackage) -> RawPackage:
    for key, rows in document.items():
        base = key.removesuffix(".csv")
        table = spec.BY_FILENAME.get(f"{base}.csv") or spec.BY_NAME.get(base)
        if table is None:
            if f"{base}.csv" in spec.IGNORED_FILES or base in spec.IGNORED_TABLES:
                package.warnings.append(
                    Problem(_("Limen does not keep this HSDS table; it was skipped."), key)
                )
            else:
                package.errors.append(
                    Problem(
                        _(
                            "Unknown table in this JSON. Name the tables as HSDS does "
                            "(services.csv, organizations.csv, …), or leave this one out."
                        ),
                        key,
                    )
                )
            continue
        raw = RawTable(table.filename, None)
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                package.errors.append(
                    Problem(
                        _('Each row must be an object: write it as {"id": "…", "name": "…"}.'),
                        table.filename,
                        number,
                    )
                )
                continue
            raw.rows.append(
                (number, {k: _scalar(v) for k, v in row.items() if not isinstance(v, (dict, list))})
            )
        package.tables[table.name] = raw
    return package


class _Flattener:
    """Turns HSDS's nested JSON objects into table rows, merging repeats of the same id."""

    def __init__(self, name: str, package: RawPackage):
        self.name = name
        self.package = package
        self.rows: dict[str, dict[str, dict[str, str]]] = {}
        self.skipped: set[str] = set()

    def add(self, table: str, obj: dict, position: int, link: dict[str, str] | None = None) -> str:
        row = {k: _scalar(v) for k, v in obj.items() if not isinstance(v, (dict, list))}
        row.update(link or {})
        ident = row.get("id", "")
        for key, value in obj.items():
            if isinstance(value, dict) and key in spec.EMBEDDED.get(table, {}):
                child_table, column = spec.EMBEDDED[table][key]
                row[column] = self.add(child_table, value, position)
            elif isinstance(value, list) and key in spec.CHILD_LISTS.get(table, {}):
                child_table, column = spec.CHILD_LISTS[table][key]
                for child in value:
                    if isinstance(child, dict):
                        self.add(child_table, child, position, {column: ident})
            elif (
                isinstance(value, list) and key == "attributes" and table in spec.ATTRIBUTE_PARENTS
            ):
                for child in value:
                    if isinstance(child, dict):
                        self.add(
                            "attribute",
                            child,
                            position,
                            {"link_id": ident, "link_entity": child.get("link_entity") or table}
                            if not child.get("link_id")
                            else None,
                        )
            elif isinstance(value, (dict, list)) and key not in self.skipped:
                self.skipped.add(key)
                self.package.warnings.append(
                    Problem(
                        _("Limen does not keep “%(key)s”; it was skipped.") % {"key": key},
                        self.name,
                    )
                )
        existing = self.rows.setdefault(table, {}).get(ident)
        if existing is None:
            self.rows[table][ident or f"#{len(self.rows[table])}"] = row
        else:
            existing.update({k: v for k, v in row.items() if v != ""})
        return ident
