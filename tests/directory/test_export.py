"""HSDS export: values leave exactly as stored, the package and JSON follow the HSDS 3.0 schemas,
a round trip changes nothing, and the spreadsheet download never holds a formula."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from openpyxl import load_workbook

from directory.hsds import exporter
from directory.models import Organization, Phone, Service
from directory.services.imports import import_package
from tests.directory.conftest import OFFICIAL_CSV, SVC, SVC2, package_zip, small_tables
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "hsds" / "schema"
PHONE = "+32 130 2000"


def tabular_schema() -> dict:
    return json.loads((SCHEMAS / "tabular.json").read_text())


def multilingual_tables() -> dict:
    """The small package with Belgian phone numbers and text in Dutch, German and French."""
    tables = small_tables()
    tables["services.csv"][0]["description"] = "Opvang bij huiselijk geweld — 24/7 bereikbaar"
    tables["services.csv"][1]["description"] = "Schuldnerberatung für Familien; conseil en dettes"
    tables["phones.csv"][0]["number"] = PHONE
    tables["phones.csv"].append(
        {"id": "66666666-6666-4666-8666-777777777777", "service_id": SVC2, "number": "-12 34"}
    )
    tables["organizations.csv"][0]["description"] = "'Stichting' — « association » für alle"
    for address in tables["addresses.csv"]:
        address["state_province"] = "Utrecht"  # HSDS requires it
    return tables


def run(org, data: bytes, filename: str = "package.zip"):
    report = import_package(organisation=org, data=data, filename=filename)
    assert report.ok, report.errors
    return report


@pytest.fixture
def multilingual(org):
    run(org, package_zip(multilingual_tables()))
    return org


def test_phone_number_leaves_exactly_as_stored(multilingual):
    tables = exporter.collect(multilingual)
    files = exporter.csv_files(tables)
    assert f",{PHONE},".encode() in files["phones.csv"]
    assert b"'+32" not in files["phones.csv"]
    document = json.loads(exporter.to_json(tables))
    assert PHONE in [row["number"] for row in document["phones.csv"]]


def test_text_that_looks_like_a_formula_leaves_as_stored(multilingual):
    Service.objects.filter(owner=multilingual, hsds_id=SVC).update(
        description='=HYPERLINK("http://evil.example","x")'
    )
    Organization.objects.filter(owner=multilingual).update(description="'=already quoted")
    files = exporter.csv_files(exporter.collect(multilingual))
    assert b'"=HYPERLINK(""http://evil.example"",""x"")"' in files["services.csv"]
    assert b",'=already quoted," in files["organizations.csv"]


@pytest.mark.parametrize("fmt", ["hsds-csv", "hsds-json"])
def test_import_export_import_export_is_byte_identical(org, fmt):
    def export(o) -> bytes:
        tables = exporter.collect(o, include_confidential=True)
        return exporter.to_zip(tables) if fmt == "hsds-csv" else exporter.to_json(tables)

    name = "export.zip" if fmt == "hsds-csv" else "export.json"
    run(org, package_zip(multilingual_tables()))
    first = export(org)
    second_org = OrganisationFactory()
    run(second_org, first, name)
    assert Phone.objects.get(owner=second_org, service__hsds_id=SVC).number == PHONE
    assert export(second_org) == first
    third_org = OrganisationFactory()
    run(third_org, export(second_org), name)
    assert export(third_org) == first


def test_a_leading_apostrophe_stored_in_limen_survives_the_round_trip(multilingual):
    Organization.objects.filter(owner=multilingual).update(description="'=already quoted")
    Service.objects.filter(owner=multilingual, hsds_id=SVC).update(description="'+1 as text")
    data = exporter.to_zip(exporter.collect(multilingual, include_confidential=True))
    other = OrganisationFactory()
    run(other, data)
    assert Organization.objects.get(owner=other).description == "'=already quoted"
    assert Service.objects.get(owner=other, hsds_id=SVC).description == "'+1 as text"


def test_packages_from_older_limen_exports_lose_their_formula_guard(org):
    # Before exports were exact, Limen wrote "'+31 ..." for "+31 ..."; such files are still
    # read as they were meant.
    tables = small_tables()
    tables["phones.csv"][0]["number"] = "'+31 30 555 0100"
    run(org, package_zip(tables))
    assert Phone.objects.get(owner=org).number == "+31 30 555 0100"


def _descriptor_fields(descriptor: dict) -> dict[str, list[tuple[str, str]]]:
    return {
        r["path"]: [(f["name"], f["type"]) for f in r["schema"]["fields"]]
        for r in descriptor["resources"]
    }


def test_datapackage_lists_the_hsds_fields_of_each_table(multilingual):
    files = exporter.csv_files(exporter.collect(multilingual))
    ours = json.loads(files["datapackage.json"])
    assert ours["profile"] == "tabular-data-package"
    official = _descriptor_fields(json.loads((OFFICIAL_CSV / "datapackage.json").read_text()))
    for path, fields in _descriptor_fields(ours).items():
        assert path in files
        hsds = dict(official[path])
        for name, kind in fields:
            assert name in hsds, (path, name)
            assert kind == hsds[name], (path, name, kind, hsds[name])
        # Columns are in HSDS's order.
        order = [name for name, _ in official[path]]
        assert [n for n, _ in fields] == sorted((n for n, _ in fields), key=order.index)
        header = next(csv.reader(io.StringIO(files[path].decode())))
        assert header == [name for name, _ in fields]


def _typed(value: str, kind: str):
    if value == "":
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    return value


def _without_empty(row: dict) -> dict:
    return {k: v for k, v in row.items() if v is not None}


def _assert_valid_tabular(document: dict[str, list[dict]]) -> None:
    schema = tabular_schema()
    validator = Draft202012Validator(schema)
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, errors[:10]


def test_json_export_validates_against_the_hsds_tabular_schema(multilingual):
    document = json.loads(exporter.to_json(exporter.collect(multilingual)))
    by_table = {
        table.name: [_without_empty(row) for row in document[table.filename]]
        for table in exporter.spec.TABLES
    }
    assert by_table["service"]
    _assert_valid_tabular(by_table)


def test_csv_package_validates_against_the_hsds_tabular_schema(multilingual):
    data = exporter.to_zip(exporter.collect(multilingual))
    archive = zipfile.ZipFile(io.BytesIO(data))
    descriptor = json.loads(archive.read("datapackage.json"))
    document = {}
    for resource in descriptor["resources"]:
        kinds = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        text = archive.read(resource["path"]).decode("utf-8")
        document[resource["name"]] = [
            _without_empty({k: _typed(v, kinds[k]) for k, v in row.items()})
            for row in csv.DictReader(io.StringIO(text, newline=""))
        ]
    assert document["phone"]
    _assert_valid_tabular(document)


def test_official_example_exports_valid_hsds(org):
    assert import_package(organisation=org, path=OFFICIAL_CSV).ok
    document = json.loads(exporter.to_json(exporter.collect(org)))
    _assert_valid_tabular(
        {t.name: [_without_empty(r) for r in document[t.filename]] for t in exporter.spec.TABLES}
    )


def test_spreadsheet_download_types_every_cell_as_text(multilingual):
    Service.objects.filter(owner=multilingual, hsds_id=SVC).update(
        description='=HYPERLINK("http://evil.example","x")'
    )
    workbook = load_workbook(io.BytesIO(exporter.to_xlsx(exporter.collect(multilingual))))
    assert workbook.sheetnames == [t.name for t in exporter.spec.TABLES]
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert cells
    assert {cell.data_type for cell in cells if cell.value is not None} == {"s"}
    services = workbook["service"]
    header = [c.value for c in services[1]]
    descriptions = [row[header.index("description")].value for row in services.iter_rows(2)]
    assert '=HYPERLINK("http://evil.example","x")' in descriptions
    phones = workbook["phone"]
    numbers = [c.value for c in phones["A"]] + [
        row[[c.value for c in phones[1]].index("number")].value for row in phones.iter_rows(2)
    ]
    assert PHONE in numbers


def test_admin_downloads_the_spreadsheet(client, multilingual, alice):
    client.force_login(alice)
    response = client.get("/directory/manage/export/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == exporter.XLSX_TYPE
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert load_workbook(io.BytesIO(response.content))["service"].max_row == 3
