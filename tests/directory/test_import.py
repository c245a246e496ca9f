"""HSDS import: the official example, idempotence, all-or-nothing, and every malformed input."""

import io
import json
import re
import zipfile
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from directory.hsds import exporter, reader
from directory.models import Address, Location, Organization, Phone, Service, TaxonomyTerm
from directory.services.imports import import_package
from tests.directory.conftest import (
    OFFICIAL_CSV,
    OFFICIAL_JSON,
    SVC,
    SVC2,
    csv_bytes,
    package_zip,
    small_tables,
    zip_bytes,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def snapshot(org) -> dict:
    """Everything an export holds, for comparing directories."""
    return exporter.collect(org, include_confidential=True)


def counts(org) -> tuple:
    return tuple(
        m.objects.filter(owner=org).count()
        for m in (Organization, Service, Location, Address, Phone)
    )


def run(org, data: bytes, filename: str = "package.zip"):
    return import_package(organisation=org, data=data, filename=filename)


def test_official_example_package_imports_with_warnings(org):
    report = import_package(organisation=org, path=OFFICIAL_CSV)
    assert report.ok, report.errors
    service = Service.objects.get(owner=org)
    assert service.name == "Community Counselling"
    assert service.assured_date.isoformat() == "2005-01-01"
    assert service.phones.get().number == '"+44 1234 234567"'
    messages = " ".join(str(w) for w in report.warnings)
    assert "parent_organization_id" in messages  # optional reference to a missing row, dropped
    assert "programs.csv" in messages  # a table Limen does not keep
    assert Location.objects.get(owner=org).organization is None


@pytest.mark.parametrize(
    "name", ["service_full.json", "organization_full.json", "service_list.json", "tabular.json"]
)
def test_official_json_examples_import(org, name):
    report = import_package(organisation=org, path=OFFICIAL_JSON / name)
    assert report.ok, report.errors
    assert Organization.objects.filter(owner=org).exists()


def test_reimporting_updates_by_hsds_id_without_duplicates(org, small_zip):
    assert run(org, small_zip).ok
    before = counts(org)
    tables = small_tables()
    tables["services.csv"][0]["name"] = "Blijfhuis Voorbeeld (renamed)"
    report = run(org, package_zip(tables))
    assert report.ok
    assert report.counts["service"] == {"rows": 2, "created": 0, "updated": 1, "unchanged": 1}
    assert counts(org) == before
    assert Service.objects.get(owner=org, hsds_id=SVC).name == "Blijfhuis Voorbeeld (renamed)"


def test_same_hsds_ids_in_two_agencies_stay_apart(org, small_zip):
    other = OrganisationFactory()
    assert run(org, small_zip).ok
    assert run(other, small_zip).ok
    assert Service.objects.filter(hsds_id=SVC).count() == 2


@pytest.mark.parametrize("fmt", ["hsds-csv", "hsds-json"])
def test_export_then_import_into_empty_agency_then_export_is_identical(imported, fmt):
    first = snapshot(imported)
    data = exporter.to_zip(first) if fmt == "hsds-csv" else exporter.to_json(first)
    empty = OrganisationFactory()
    report = run(empty, data, "export.zip" if fmt == "hsds-csv" else "export.json")
    assert report.ok, report.errors
    assert snapshot(empty) == first
    again = (
        exporter.to_zip(snapshot(empty)) if fmt == "hsds-csv" else exporter.to_json(snapshot(empty))
    )
    assert again == data


def test_official_example_round_trips_through_limen(org):
    assert import_package(organisation=org, path=OFFICIAL_CSV).ok
    first = exporter.to_zip(snapshot(org))
    empty = OrganisationFactory()
    assert run(empty, first).ok
    assert exporter.to_zip(snapshot(empty)) == first


def test_flags_travel_as_attributes(imported):
    empty = OrganisationFactory()
    service = Service.objects.get(owner=imported, hsds_id=SVC)
    service.do_not_refer, service.do_not_refer_reason = True, "Closed for intake"
    service.save()
    assert run(empty, exporter.to_zip(snapshot(imported))).ok
    copy = Service.objects.get(owner=empty, hsds_id=SVC)
    assert copy.do_not_refer and copy.do_not_refer_reason == "Closed for intake"
    assert Location.objects.get(owner=empty, name="Opvanghuis").is_confidential


def test_default_export_leaves_confidential_addresses_out(imported):
    default = exporter.csv_files(exporter.collect(imported))
    assert b"Geheimestraat" not in default["addresses.csv"]
    assert b"Domplein 1" in default["addresses.csv"]
    explicit = exporter.csv_files(exporter.collect(imported, include_confidential=True))
    assert b"Geheimestraat" in explicit["addresses.csv"]


def test_cli_export_needs_the_flag_for_confidential_addresses(imported, tmp_path):
    call_command(
        "export_directory", "--org", imported.slug, "--format", "hsds-csv", str(tmp_path / "a")
    )
    assert "Geheimestraat" not in (tmp_path / "a" / "addresses.csv").read_text()
    call_command(
        "export_directory",
        "--org",
        imported.slug,
        "--format",
        "hsds-csv",
        "--include-confidential",
        str(tmp_path / "b.zip"),
    )
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        assert b"Geheimestraat" in archive.read("addresses.csv")
    call_command(
        "export_directory",
        "--org",
        imported.slug,
        "--format",
        "hsds-json",
        str(tmp_path / "c.json"),
    )
    assert "Geheimestraat" not in (tmp_path / "c.json").read_text()


def test_cli_import_succeeds_and_reports(org, tmp_path, capsys):
    (tmp_path / "p.zip").write_bytes(package_zip())
    call_command("import_directory", "--org", org.slug, str(tmp_path / "p.zip"))
    assert "service: 2 rows (2 new, 0 updated, 0 unchanged)" in capsys.readouterr().out


def test_failed_cli_import_exits_non_zero_and_changes_nothing(imported, tmp_path, capsys):
    before = snapshot(imported)
    tables = small_tables()
    tables["services.csv"][0]["name"] = "Changed"
    tables["services.csv"][1]["assured_date"] = "31-12-2024"
    (tmp_path / "bad.zip").write_bytes(package_zip(tables))
    with pytest.raises(CommandError):
        call_command("import_directory", "--org", imported.slug, str(tmp_path / "bad.zip"))
    assert "services.csv, row 3, column assured_date" in capsys.readouterr().err
    assert snapshot(imported) == before


def test_cli_import_exit_status_is_non_zero_on_failure(imported, tmp_path, monkeypatch):
    from directory.management.commands.import_directory import Command

    # run_from_argv closes the database connections when done, as manage.py may; the test's
    # transaction needs its connection.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    before = snapshot(imported)
    (tmp_path / "bad.json").write_bytes(b'{"hello": "world"}')
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(
            ["manage.py", "import_directory", "--org", imported.slug, str(tmp_path / "bad.json")]
        )
    assert exited.value.code != 0
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(
            ["manage.py", "import_directory", "--org", "no-such-agency", str(tmp_path / "bad.json")]
        )
    assert exited.value.code != 0
    assert snapshot(imported) == before


def test_one_bad_row_imports_nothing(org):
    tables = small_tables()
    tables["phones.csv"].append(
        {"id": "66666666-6666-4666-8666-000000000000", "service_id": SVC, "number": ""}
    )
    report = run(org, package_zip(tables))
    assert not report.ok
    assert counts(org) == (0, 0, 0, 0, 0)


def test_a_failure_while_writing_rolls_everything_back(org, monkeypatch):
    from directory.services import imports

    def boom(ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "service_reindex", boom)
    with pytest.raises(RuntimeError):
        run(org, package_zip())
    assert counts(org) == (0, 0, 0, 0, 0)


# --- Malformed inputs: each gives a clear error and changes nothing ------------------------------


def _without_column(column: str) -> bytes:
    tables = small_tables()
    for row in tables["services.csv"]:
        row.pop(column)
    return package_zip(tables)


def _with(table: str, index: int, **changes) -> bytes:
    tables = small_tables()
    tables[table][index].update(changes)
    return package_zip(tables)


def _duplicate_id() -> bytes:
    tables = small_tables()
    tables["services.csv"][1]["id"] = SVC
    return package_zip(tables)


def _latin1() -> bytes:
    tables = small_tables()
    tables["services.csv"][0]["description"] = "Hulp bij geweld in Köln"
    files = {n: csv_bytes(rows) for n, rows in tables.items()}
    files["services.csv"] = files["services.csv"].decode().encode("latin-1")
    return zip_bytes(files)


def _with_file(name: str, transform) -> bytes:
    files = {n: csv_bytes(rows) for n, rows in small_tables().items()}
    files[name] = transform(files[name])
    return zip_bytes(files)


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("services.csv", b"id,name\n" + b"0" * (reader.MAX_UNCOMPRESSED_BYTES + 10))
    return buffer.getvalue()


def _many_members() -> bytes:
    return zip_bytes({f"readme{i}.txt": b"x" for i in range(reader.MAX_MEMBERS + 1)})


MALFORMED = {
    "missing required column": (
        _without_column("organization_id"),
        "package.zip",
        "services.csv",
        "organization_id",
        "required column",
    ),
    "unknown file": (
        package_zip(**{"servicez.csv": b"id\n1\n"}),
        "package.zip",
        "servicez.csv",
        "",
        "Unknown file",
    ),
    "latin-1 encoding": (_latin1(), "package.zip", "services.csv", "", "not UTF-8"),
    "utf-16 with its byte-order mark": (
        _with_file("services.csv", lambda b: b.decode().encode("utf-16")),
        "package.zip",
        "services.csv",
        "",
        "UTF-16",
    ),
    "byte-order mark at the start": (
        _with_file("services.csv", lambda b: b"\xef\xbb\xbf" + b),
        "package.zip",
        "services.csv",
        "",
        "byte-order mark",
    ),
    "byte-order mark twice": (
        _with_file("services.csv", lambda b: b"\xef\xbb\xbf\xef\xbb\xbf" + b),
        "package.zip",
        "services.csv",
        "",
        "byte-order mark",
    ),
    "byte-order mark inside the file": (
        _with_file("services.csv", lambda b: b.replace(b"Schuldhulp", b"\xef\xbb\xbfSchuldhulp")),
        "package.zip",
        "services.csv",
        "name",
        "byte-order mark",
    ),
    "duplicate ids": (_duplicate_id(), "package.zip", "services.csv", "id", "appears twice"),
    "foreign key to a missing row": (
        _with("services.csv", 0, organization_id="00000000-0000-4000-8000-000000000000"),
        "package.zip",
        "services.csv",
        "organization_id",
        "is not a row of organizations.csv",
    ),
    "bad date": (
        _with("services.csv", 0, assured_date="2024-02-30"),
        "package.zip",
        "services.csv",
        "assured_date",
        "is not a date",
    ),
    "date beyond 2100": (
        _with("services.csv", 0, assured_date="9999-12-31"),
        "package.zip",
        "services.csv",
        "assured_date",
        "Give a date between 1900 and 2100.",
    ),
    "moment beyond 2100": (
        _with("services.csv", 0, last_modified="9999-12-31T23:59:59+00:00"),
        "package.zip",
        "services.csv",
        "last_modified",
        "Give a date between 1900 and 2100.",
    ),
    "over-long field": (
        _with("services.csv", 0, name="x" * 300),
        "package.zip",
        "services.csv",
        "name",
        "at most 255",
    ),
    "bad enum": (
        _with("services.csv", 0, status="open"),
        "package.zip",
        "services.csv",
        "status",
        "write one of",
    ),
    "bad e-mail": (
        _with("services.csv", 0, email="not-an-address"),
        "package.zip",
        "services.csv",
        "email",
        "e-mail",
    ),
    "formula cells": (
        _with("services.csv", 1, description='=HYPERLINK("http://evil.example","click")'),
        "package.zip",
        "services.csv",
        "description",
        "spreadsheet formula",
    ),
    "formula cells in a single csv": (
        csv_bytes([{"id": SVC, "organization_id": "x", "name": "@SUM(A1:A9)"}]),
        "services.csv",
        "services.csv",
        "name",
        "spreadsheet formula",
    ),
    "empty file": (b"", "package.zip", "package.zip", "", "empty"),
    "empty table in a zip": (
        package_zip(**{"phones.csv": b""}),
        "package.zip",
        "phones.csv",
        "",
        "empty",
    ),
    "zip bomb": (_zip_bomb(), "package.zip", "package.zip", "", "larger than"),
    "too many files": (_many_members(), "package.zip", "package.zip", "", "at most"),
    "not hsds json": (
        json.dumps({"hello": "world"}).encode(),
        "data.json",
        "data.json",
        "",
        "not HSDS",
    ),
    "not hsds json list": (
        json.dumps([{"a": 1}]).encode(),
        "data.json",
        "data.json",
        "",
        "not HSDS",
    ),
    "broken json": (b'{"services.csv": [', "data.json", "data.json", "", "not valid JSON"),
    "not a package": (b"%PDF-1.4 nonsense", "scan.pdf", "scan.pdf", "", "cannot read"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_input_names_the_problem_and_changes_nothing(imported, case):
    data, filename, file, column, words = MALFORMED[case]
    before = snapshot(imported)
    report = run(imported, data, filename)
    assert not report.ok
    problem = report.errors[0]
    assert problem.file == file, report.errors
    assert problem.column == column
    assert words in problem.message
    assert snapshot(imported) == before


def test_oversized_upload_is_refused_before_reading(org):
    report = run(org, b"x" * (reader.MAX_UPLOAD_BYTES + 1), "big.zip")
    assert "larger than" in report.errors[0].message


def test_errors_name_the_row(org):
    report = run(org, _with("services.csv", 1, minimum_age="twelve"))
    assert (report.errors[0].file, report.errors[0].row, report.errors[0].column) == (
        "services.csv",
        3,
        "minimum_age",
    )


def test_formula_text_typed_in_limen_leaves_as_stored_and_comes_back_unchanged(imported):
    # An admin may type such text in the service form. HSDS is an exchange format: the package
    # carries it as it is (the spreadsheet download is the one that must not arm it), and
    # Limen's importer takes it back because the package says its cells are exact.
    Service.objects.filter(owner=imported, hsds_id=SVC).update(
        description='=HYPERLINK("http://evil.example","x")'
    )
    Service.objects.filter(owner=imported, hsds_id=SVC2).update(description="@SUM(A1)")
    Organization.objects.filter(owner=imported).update(description="'=already quoted")
    files = exporter.csv_files(exporter.collect(imported))
    assert b"'=HYPERLINK" not in files["services.csv"]
    assert b",@SUM(A1)," in files["services.csv"]
    assert b",+31 30 555 0100," in files["phones.csv"]
    assert b",'=already quoted," in files["organizations.csv"]
    empty = OrganisationFactory()
    report = run(empty, exporter.to_zip(exporter.collect(imported)))
    assert report.ok, report.errors
    assert (
        Service.objects.get(owner=empty, hsds_id=SVC).description
        == '=HYPERLINK("http://evil.example","x")'
    )
    assert Service.objects.get(owner=empty, hsds_id=SVC2).description == "@SUM(A1)"
    assert Phone.objects.get(owner=empty).number == "+31 30 555 0100"
    assert Organization.objects.get(owner=empty).description == "'=already quoted"


def test_every_formula_cell_is_named(org):
    tables = small_tables()
    tables["services.csv"][0]["description"] = "=1+2"
    tables["services.csv"][1]["name"] = "+cmd|' /C calc'!A0"
    report = run(org, package_zip(tables))
    assert [(p.file, p.row, p.column) for p in report.errors] == [
        ("services.csv", 2, "description"),
        ("services.csv", 3, "name"),
    ]
    assert counts(org) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    "value",
    ["+31 30 555 0100", "+31 (0)30 555 0100", "-4.89", "- Opvang (24/7)", "@home visits", "a=b"],
)
def test_values_that_only_look_like_formulas_are_imported(org, value):
    tables = small_tables()
    tables["services.csv"][0]["description"] = value
    report = run(org, package_zip(tables))
    assert report.ok, report.errors
    assert Service.objects.get(owner=org, hsds_id=SVC).description == value


@pytest.mark.parametrize(
    ("escaped", "value"),
    [
        ("'=1+2", "=1+2"),
        ("'-2+3", "-2+3"),
        ("-4.89", "-4.89"),
        ("'\tx", "\tx"),
        ("plain", "plain"),
        ("'x", "'x"),
        ("''=quoted", "'=quoted"),
    ],
)
def test_the_formula_guard_of_older_exports_is_undone(escaped, value):
    assert reader.unescape_cell(escaped) == value


def test_optional_reference_to_missing_row_is_dropped_with_a_warning(org):
    tables = small_tables()
    tables["locations.csv"][0]["organization_id"] = "00000000-0000-4000-8000-000000000000"
    report = run(org, package_zip(tables))
    assert report.ok
    assert any(w.column == "organization_id" and w.file == "locations.csv" for w in report.warnings)


def test_shipped_categories_are_matched_not_copied(org):
    files = exporter.csv_files(exporter.collect(org))
    assert run(org, zip_bytes(files)).ok
    assert not TaxonomyTerm.objects.filter(owner=org).exists()


def test_references_may_point_at_rows_already_in_the_directory(imported):
    tables = {
        "phones.csv": [
            {"id": "66666666-6666-4666-8666-777777777777", "service_id": SVC, "number": "112"}
        ]
    }
    report = run(imported, package_zip(tables))
    assert report.ok, report.errors
    assert Phone.objects.filter(owner=imported, service__hsds_id=SVC).count() == 2


def test_zip_export_is_the_same_bytes_whenever_it_is_made(imported):
    from unittest import mock

    first = exporter.to_zip(snapshot(imported))
    later = datetime.now() + timedelta(hours=3)
    with mock.patch("time.localtime", return_value=later.timetuple()):
        assert exporter.to_zip(snapshot(imported)) == first


# The words of an instruction: every problem says how to fix the file, not only what is wrong.
FIX_WORDS = re.compile(
    r"\b(save|make|add|write|correct|shorten|remove|rename|export|import it|put|name the|give|"
    r"fill|keep|zip|upload|start it|check|use|leave|split)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_every_problem_says_how_to_fix_the_file(imported, case):
    data, filename, _file, _column, _words = MALFORMED[case]
    report = run(imported, data, filename)
    for problem in report.errors:
        assert FIX_WORDS.search(problem.message), problem.message
