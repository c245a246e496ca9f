"""The read-only HSDS API: access by token or open publication, HSDS's parameters and paged
envelope, answers valid against the HSDS 3.0 schemas, confidential addresses never shown, and a
query count that does not grow with the page."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import Draft202012Validator

from directory import categories
from directory.models import Service
from directory.services.api_access import api_token_create, api_token_revoke, directory_publish
from directory.services.imports import import_package
from tests.directory.conftest import ORG, SVC, SVC2, package_zip, small_tables

pytestmark = pytest.mark.django_db

HSDS = Path(__file__).resolve().parents[1] / "data" / "hsds"
SHELTER_STREET = "Geheimestraat 9"


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((HSDS / "schema" / name).read_text()))


def tabular_item(table: str) -> Draft202012Validator:
    schema = json.loads((HSDS / "schema" / "tabular.json").read_text())
    return Draft202012Validator(schema["properties"][table]["items"])


def assert_valid(check: Draft202012Validator, document: dict) -> None:
    errors = [f"{e.json_path}: {e.message}" for e in check.iter_errors(document)]
    assert not errors, errors[:5]


def hsds_tables() -> dict:
    tables = small_tables()
    for address in tables["addresses.csv"]:
        address["state_province"] = "Utrecht"
    return tables


@pytest.fixture
def directory(org, alice):
    report = import_package(organisation=org, data=package_zip(hsds_tables()), filename="p.zip")
    assert report.ok, report.errors
    return org


@pytest.fixture
def token(directory, alice):
    return api_token_create(organisation=directory, name="Partner", by=alice)[1]


@pytest.fixture
def api(client, token):
    def get(path: str, **params):
        return client.get(f"/api/hsds/{path}", params, HTTP_AUTHORIZATION=f"Bearer {token}")

    return get


def test_root_tells_the_hsds_version(client):
    body = client.get("/api/hsds/").json()
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/api/hsds/openapi.json")


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer limen_wrong", "Basic abc"])
def test_it_needs_a_valid_token(client, directory, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/hsds/services", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_refused_and_last_use_is_kept(client, directory, alice):
    row, token = api_token_create(organisation=directory, name="Old partner", by=alice)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/hsds/services", **auth).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    assert token not in str(row.__dict__)  # only the hash is stored
    api_token_revoke(token=row, by=alice)
    assert client.get("/api/hsds/services", **auth).status_code == 401


def test_services_page_has_the_hsds_envelope(api):
    body = api("services", per_page=1).json()
    assert {k: body[k] for k in body if k != "contents"} == {
        "total_items": 2,
        "total_pages": 2,
        "page_number": 1,
        "size": 1,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    assert [s["id"] for s in body["contents"]] == [SVC]
    second = api("services", per_page=1, page=2).json()
    assert [s["id"] for s in second["contents"]] == [SVC2]
    assert second["last_page"] is True
    beyond = api("services", per_page=1, page=9).json()
    assert beyond["empty"] is True and beyond["contents"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"per_page": "x"},
        {"per_page": "1000"},
        {"full": "maybe"},
        {"format": "xml"},
        {"modified_after": "yesterday"},
    ],
)
def test_bad_parameters_are_a_400(api, params):
    response = api("services", **params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_every_answer_is_valid_hsds(api):
    service_schema = validator("service.json")
    for flat in api("services").json()["contents"]:
        assert_valid(service_schema, flat)
    for full in api("services", full="true").json()["contents"]:
        assert_valid(service_schema, full)
    assert_valid(service_schema, api(f"services/{SVC}").json())
    assert_valid(validator("organization.json"), api(f"organizations/{ORG}").json())
    for flat in api("organizations").json()["contents"]:
        assert_valid(validator("organization.json"), flat)
    sal_schema = validator("service_at_location.json")
    for sal in api("service_at_locations", full="true").json()["contents"]:
        assert_valid(sal_schema, sal)
        assert_valid(sal_schema, api(f"service_at_locations/{sal['id']}").json())
    terms = api("taxonomy_terms", per_page=200).json()["contents"]
    assert terms
    for term in terms:
        assert_valid(tabular_item("taxonomy_term"), term)
    taxonomies = api("taxonomies").json()["contents"]
    for taxonomy in taxonomies:
        assert_valid(tabular_item("taxonomy"), taxonomy)
        assert api(f"taxonomies/{taxonomy['id']}").json() == taxonomy
    assert api(f"taxonomy_terms/{terms[0]['id']}").json()["id"] == terms[0]["id"]


def test_confidential_addresses_never_appear(api):
    answers = [
        api("services", full="true"),
        api(f"services/{SVC}"),
        api("service_at_locations", full="true"),
        api("services", format="ndjson", full="true"),
        api("service_at_locations", format="ndjson", full="true"),
        api(f"organizations/{ORG}"),
    ]
    for response in answers:
        text = b"".join(response.streaming_content) if response.streaming else response.content
        assert SHELTER_STREET.encode() not in text
    visible = api("services", full="true").content
    assert b"Domplein 1" in visible


def test_do_not_refer_and_inactive_services_are_marked(api, directory):
    Service.objects.filter(owner=directory, hsds_id=SVC).update(
        do_not_refer=True, do_not_refer_reason="Full until May"
    )
    Service.objects.filter(owner=directory, hsds_id=SVC2).update(status="inactive")
    flagged = api(f"services/{SVC}").json()
    flags = [a for a in flagged["attributes"] if a.get("link_type") == "limen_flag"]
    assert [(f["taxonomy_term_id"], f["value"]) for f in flags] == [
        (categories.flag_id(categories.FLAG_DO_NOT_REFER), "Full until May")
    ]
    assert api(f"services/{SVC2}").json()["status"] == "inactive"


def test_filters(api, directory):
    term = categories.category_id("debt_money")
    assert [s["id"] for s in api("services", taxonomy_term_id=term).json()["contents"]] == [SVC2]
    assert api("services", organization_id=ORG).json()["total_items"] == 2
    assert api("services", organization_id="nope").json()["total_items"] == 0
    assert [s["id"] for s in api("services", search="schuldhulp").json()["contents"]] == [SVC2]
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert api("services", modified_after=future).json()["total_items"] == 0
    assert api("services", modified_after="2000-01-01").json()["total_items"] == 2
    minimal = api("services", minimal="true").json()["contents"]
    assert all(set(s) == {"id", "last_modified"} for s in minimal)
    taxonomy = api("taxonomy_terms", per_page=1).json()["contents"][0].get("taxonomy_id")
    if taxonomy:
        assert api("services", taxonomy_id=taxonomy).json()["total_items"] >= 1
    sals = api("service_at_locations", taxonomy_term_id=term).json()["contents"]
    assert [s["service_id"] for s in sals] == [SVC2]


def test_any_time_zone_offset_is_understood(api):
    body = api("services", modified_after="2000-01-01T00:00:00+20:56").json()
    assert body["total_items"] == 2


def test_nul_characters_are_a_400(api):
    assert api("services", search="a\x00b").status_code == 400


def test_ndjson_still_refuses_bad_paging(api):
    assert api("services", format="ndjson", page="-3").status_code == 400


def test_ndjson_streams_every_result_unpaged(api):
    response = api("services", format="ndjson", per_page=1)
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [SVC, SVC2]


def test_another_agency_is_never_reached(client, directory, charlie):
    other = charlie.membership.organisation
    _, other_token = api_token_create(organisation=other, name="x", by=charlie)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {other_token}"}
    assert client.get(f"/api/hsds/services/{SVC}", **auth).status_code == 404
    assert client.get("/api/hsds/services", **auth).json()["total_items"] == 0
    assert client.get(f"/api/hsds/{directory.slug}/services", **auth).status_code == 404


def test_an_openly_published_directory_needs_no_token(client, directory, alice):
    assert client.get(f"/api/hsds/{directory.slug}/services").status_code == 404
    directory_publish(organisation=directory, is_open=True, by=alice)
    body = client.get(f"/api/hsds/{directory.slug}/services", {"full": "true"}).json()
    assert body["total_items"] == 2
    assert SHELTER_STREET not in json.dumps(body)
    assert client.get("/api/hsds/no-such-agency/services").status_code == 404
    directory_publish(organisation=directory, is_open=False, by=alice)
    assert client.get(f"/api/hsds/{directory.slug}/services").status_code == 404


def _many_services(org, count: int) -> None:
    tables = hsds_tables()
    template = tables["services.csv"][1]
    for n in range(count):
        tables["services.csv"].append(
            {**template, "id": f"22222222-2222-4222-8222-{n:012d}", "name": f"Service {n}"}
        )
        tables["phones.csv"].append(
            {
                "id": f"66666666-6666-4666-8666-{n:012d}",
                "service_id": template["id"][:24] + f"{n:012d}",
                "number": f"+32 130 {n:04d}",
            }
        )
    report = import_package(organisation=org, data=package_zip(tables), filename="p.zip")
    assert report.ok, report.errors


@pytest.mark.parametrize(
    "path",
    [
        "services?full=true",
        "service_at_locations?full=true",
        "organizations?full=true",
        "services",
        "taxonomy_terms",
    ],
)
def test_query_count_does_not_grow_with_the_page(client, directory, token, path):
    _many_services(directory, 30)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    sep = "&" if "?" in path else "?"

    def queries(per_page: int) -> int:
        client.get(f"/api/hsds/{path}{sep}per_page={per_page}", **auth)  # warm the token's use
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(f"/api/hsds/{path}{sep}per_page={per_page}", **auth).status_code == 200
            )
        return len(captured)

    small, large = queries(2), queries(30)
    assert small == large
    assert large <= 20


def test_published_openapi_document_follows_hsds(client):
    ours = client.get("/api/hsds/openapi.json").json()
    hsds = json.loads((HSDS / "schema" / "openapi.json").read_text())
    assert set(ours["paths"]) == set(hsds["paths"])

    def names(document, path):
        out = set()
        for parameter in document["paths"][path]["get"].get("parameters", []):
            if "$ref" in parameter:
                parameter = document["components"]["parameters"][parameter["$ref"].split("/")[-1]]
            out.add(parameter["name"])
        return out

    location_only = {"postcode", "proximity"}  # Limen keeps no geography to measure from
    for path in hsds["paths"]:
        assert names(hsds, path) - location_only <= names(ours, path), path


def test_practitioners_cannot_manage_tokens(client, directory, bob):
    client.force_login(bob)
    assert client.get("/directory/manage/api/").status_code == 403


def test_admin_makes_a_token_sees_it_once_and_revokes_it(client, directory, alice):
    client.force_login(alice)
    response = client.post("/directory/manage/api/", {"name": "Lindenhof"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = response.context["new_token"]
    assert token.startswith("limen_")
    row = directory.api_tokens.get()
    assert row.token_hash != token and token not in row.token_hash
    page = client.get("/directory/manage/api/").content.decode()
    assert token not in page
    assert row.prefix in page
    client.get("/api/hsds/services", HTTP_AUTHORIZATION=f"Bearer {token}")
    row.refresh_from_db()
    assert row.last_used_at is not None
    response = client.post(f"/directory/manage/api/tokens/{row.uuid}/revoke/", follow=True)
    assert response.status_code == 200
    assert client.get("/api/hsds/services", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_admin_publishes_the_directory_openly(client, directory, alice):
    client.force_login(alice)
    client.post("/directory/manage/api/", {"publication": "1", "is_open": "on"})
    assert client.get(f"/api/hsds/{directory.slug}/services").status_code == 200
    client.post("/directory/manage/api/", {"publication": "1"})
    assert client.get(f"/api/hsds/{directory.slug}/services").status_code == 404


def test_admins_of_another_agency_cannot_revoke(client, directory, alice, charlie):
    row, _ = api_token_create(organisation=directory, name="x", by=alice)
    client.force_login(charlie)
    assert client.post(f"/directory/manage/api/tokens/{row.uuid}/revoke/").status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_pages_walk_the_services_in_order_without_gaps_or_repeats(client, directory, token):
    _many_services(directory, 30)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    every = [
        row["id"]
        for row in client.get("/api/hsds/services?per_page=100", **auth).json()["contents"]
    ]
    paged = []
    for page in range(1, 5):
        body = client.get(f"/api/hsds/services?per_page=9&page={page}", **auth).json()
        assert body["page_number"] == page and body["size"] == len(body["contents"])
        paged += [row["id"] for row in body["contents"]]
    assert len(every) > 27 and paged == every
