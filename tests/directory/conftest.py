"""Fixtures for the directory: small HSDS packages built in code, and a few services."""

import csv
import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from directory import categories

# The official HSDS 3.0 examples, vendored with their licence (see its README).
OFFICIAL_JSON = Path(__file__).resolve().parents[1] / "data" / "hsds" / "examples"
OFFICIAL_CSV = OFFICIAL_JSON / "csv"

ORG = "11111111-1111-4111-8111-111111111111"
SVC = "22222222-2222-4222-8222-222222222222"
SVC2 = "22222222-2222-4222-8222-333333333333"
LOC = "33333333-3333-4333-8333-333333333333"
SHELTER_LOC = "33333333-3333-4333-8333-444444444444"


def small_tables() -> dict[str, list[dict[str, str]]]:
    """A two-service package: a Dutch-speaking shelter with a confidential address and a debt
    service in Utrecht."""
    today = timezone.localdate()
    return {
        "organizations.csv": [
            {
                "id": ORG,
                "name": "Stichting Voorbeeld",
                "description": "Test provider",
                "email": "info@voorbeeld.example.org",
            }
        ],
        "services.csv": [
            {
                "id": SVC,
                "organization_id": ORG,
                "name": "Blijfhuis Voorbeeld",
                "description": "Opvang bij huiselijk geweld",
                "status": "active",
                "email": "intake@voorbeeld.example.org",
                "assured_date": (today - timedelta(days=10)).isoformat(),
                "assurer_email": "admin@voorbeeld.example.org",
            },
            {
                "id": SVC2,
                "organization_id": ORG,
                "name": "Schuldhulp Domstad",
                "description": "Debt counselling",
                "status": "active",
                "assured_date": (today - timedelta(days=400)).isoformat(),
            },
        ],
        "locations.csv": [
            {
                "id": LOC,
                "location_type": "physical",
                "name": "Kantoor Utrecht",
                "organization_id": ORG,
            },
            {
                "id": SHELTER_LOC,
                "location_type": "physical",
                "name": "Opvanghuis",
                "organization_id": ORG,
            },
        ],
        "service_at_location.csv": [
            {"id": "44444444-4444-4444-8444-444444444444", "service_id": SVC2, "location_id": LOC},
            {
                "id": "44444444-4444-4444-8444-555555555555",
                "service_id": SVC,
                "location_id": SHELTER_LOC,
            },
        ],
        "addresses.csv": [
            {
                "id": "55555555-5555-4555-8555-555555555555",
                "location_id": LOC,
                "address_1": "Domplein 1",
                "city": "Utrecht",
                "state_province": "",
                "postal_code": "3512",
                "country": "NL",
                "address_type": "physical",
            },
            {
                "id": "55555555-5555-4555-8555-666666666666",
                "location_id": SHELTER_LOC,
                "address_1": "Geheimestraat 9",
                "city": "Amersfoort",
                "state_province": "",
                "postal_code": "3811",
                "country": "NL",
                "address_type": "physical",
            },
        ],
        "phones.csv": [
            {
                "id": "66666666-6666-4666-8666-666666666666",
                "service_id": SVC,
                "number": "+31 30 555 0100",
            },
        ],
        "languages.csv": [
            {
                "id": "77777777-7777-4777-8777-777777777777",
                "service_id": SVC,
                "code": "nl",
                "name": "Dutch",
            },
            {
                "id": "77777777-7777-4777-8777-888888888888",
                "service_id": SVC2,
                "code": "en",
                "name": "English",
            },
        ],
        "schedules.csv": [
            {
                "id": "88888888-8888-4888-8888-888888888888",
                "service_id": SVC,
                "freq": "WEEKLY",
                "byday": "MO,TU,WE,TH,FR,SA,SU",
                "opens_at": "00:00:00",
                "closes_at": "23:59:59",
            },
        ],
        "attributes.csv": [
            {
                "id": "99999999-9999-4999-8999-999999999999",
                "link_id": SVC,
                "link_entity": "service",
                "taxonomy_term_id": categories.category_id("domestic_violence"),
            },
            {
                "id": "99999999-9999-4999-8999-aaaaaaaaaaaa",
                "link_id": SVC2,
                "link_entity": "service",
                "taxonomy_term_id": categories.category_id("debt_money"),
            },
            {
                "id": "99999999-9999-4999-8999-bbbbbbbbbbbb",
                "link_id": SHELTER_LOC,
                "link_entity": "location",
                "taxonomy_term_id": categories.flag_id(categories.FLAG_CONFIDENTIAL),
            },
        ],
    }


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    header = header or list(dict.fromkeys(k for row in rows for k in row))
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def package_zip(tables: dict[str, list[dict[str, str]]] | None = None, **extra: bytes) -> bytes:
    tables = small_tables() if tables is None else tables
    files = {"datapackage.json": b'{"name": "test", "resources": []}'}
    files.update({name: csv_bytes(rows) for name, rows in tables.items()})
    files.update(extra)
    return zip_bytes(files)


@pytest.fixture
def small_zip() -> bytes:
    return package_zip()


@pytest.fixture
def imported(org, alice):
    """``org``'s directory holding the small package."""
    from directory.services.imports import import_package

    report = import_package(organisation=org, data=package_zip(), filename="small.zip", by=alice)
    assert report.ok, report.errors
    return org
