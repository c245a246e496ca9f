"""Web addresses in the directory are http or https only: typed by an admin, imported, or
proposed in a public correction (finding 6: ``javascript:`` links were stored and rendered)."""

import pytest
from django.urls import reverse

from directory.models import PendingCorrection, Service
from directory.weblinks import is_web_address
from tests.directory.conftest import SVC, package_zip, small_tables
from tests.directory.test_import import counts, run
from tests.directory.test_maintenance import link, service_form  # noqa: F401

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://files.example.org/leaflet.pdf",
    "file:///etc/passwd",
    "//evil.example/",
    "mailto:someone@example.org",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_only_http_and_https_are_web_addresses(value):
    assert not is_web_address(value)


@pytest.mark.parametrize("value", ["https://example.org/", "http://example.org/a?b=c#d"])
def test_ordinary_addresses_pass(value):
    assert is_web_address(value)


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "ftp://x.org/"]
)
def test_the_service_form_refuses_other_schemes(client, org, alice, value):
    client.force_login(alice)
    response = client.post(reverse("directory:service_create"), service_form(url=value))
    assert response.status_code == 200
    assert "starts with http:// or https://" in response.content.decode()
    assert not Service.objects.filter(owner=org, name="Schuldhulp Zuid").exists()


def test_the_service_form_still_takes_a_bare_domain_as_https(client, org, alice):
    client.force_login(alice)
    client.post(reverse("directory:service_create"), service_form(url="www.example.org"))
    assert Service.objects.get(owner=org, name="Schuldhulp Zuid").url == "https://www.example.org"


@pytest.mark.parametrize(
    "table,column",
    [("services.csv", "url"), ("organizations.csv", "website"), ("locations.csv", "url")],
)
@pytest.mark.parametrize("value", ["javascript:alert(1)", "ftp://x.org/"])
def test_an_import_refuses_them_row_by_row_and_imports_nothing(org, table, column, value):
    tables = small_tables()
    tables[table][0][column] = value
    report = run(org, package_zip(tables))
    assert not report.ok
    problem = report.errors[0]
    assert (problem.file, problem.row, problem.column) == (table, 2, column)
    assert "http:// or https://" in problem.message
    assert counts(org) == (0, 0, 0, 0, 0)


def test_an_import_with_https_addresses_passes(org):
    tables = small_tables()
    tables["services.csv"][0]["url"] = "https://voorbeeld.example.org/blijfhuis"
    assert run(org, package_zip(tables)).ok
    assert Service.objects.get(owner=org, hsds_id=SVC).url.startswith("https://")


def test_a_public_correction_refuses_them(client, link, imported):  # noqa: F811
    form = {
        "action": "correct",
        "name": "Blijfhuis Voorbeeld",
        "url": "javascript:alert(document.cookie)",
        "note": "",
    }
    response = client.post(link, form)
    assert response.status_code == 200
    assert "starts with http:// or https://" in response.content.decode()
    assert not PendingCorrection.objects.exists()
    assert client.get(link).status_code == 200  # the link still works to try again


def test_an_old_hostile_correction_is_not_published(client, link, imported, alice):  # noqa: F811
    client.post(link, {"action": "correct", "name": "Blijfhuis Voorbeeld", "note": "x"})
    correction = PendingCorrection.objects.get()
    correction.changes = {"url": ["", "javascript:alert(1)"]}
    correction.save()
    client.force_login(alice)
    client.post(reverse("directory:correction", args=[correction.uuid]), {"decision": "approve"})
    correction.refresh_from_db()
    assert correction.status == "pending"
    assert Service.objects.get(owner=imported, hsds_id=SVC).url == ""


def test_a_stored_hostile_address_is_shown_as_text_not_a_link(client, imported, bob):
    service = Service.objects.get(owner=imported, hsds_id=SVC)
    Service.objects.filter(pk=service.pk).update(url="javascript:alert(1)")
    client.force_login(bob)
    page = client.get(reverse("directory:service", args=[service.uuid])).content.decode()
    assert 'href="javascript:' not in page
