"""Site-wide response headers and request logs: nothing a signed-in person sees is stored by a
browser or proxy, no page may use the camera, microphone or location, and a refusal is one line."""

import pytest
from django.urls import reverse

from boundaries import services as inventory
from journal import services
from tests.boundaries.conftest import completed_take

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(demo):
    """Pages and downloads with note text (and a few without), for Ana."""
    client_ = services.client_create(owner=demo.ana, code="H-1", notes="Lives with her aunt.")
    entry = services.entry_create(owner=demo.ana, client=client_)
    services.entry_autosave(
        entry=entry, data={"notes": "He told me about his debts."}, base_version=entry.version
    )
    inventory.catalogue_sync()
    take = completed_take(demo.ana)
    return {
        "entry": reverse("journal:entry", args=[entry.uuid]),
        "edit": reverse("journal:entry_edit", args=[entry.uuid]),
        "client": reverse("journal:client", args=[client_.uuid]),
        "search": reverse("journal:entries") + "?q=debts",
        "inventory results": reverse("boundaries:results", args=[take.uuid]),
        "export": reverse("journal:export"),
        "overview": reverse("home"),
        "forbidden": reverse("journal:review"),
    }


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "") and "private" in response.get(
        "Cache-Control", ""
    )


def test_every_page_and_download_for_a_signed_in_person_is_no_store(client, demo, pages):
    client.force_login(demo.ana)
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 403), name
        assert _no_store(response), (name, response.get("Cache-Control"))


def test_htmx_fragments_are_no_store_too(client, demo, pages):
    client.force_login(demo.ana)
    response = client.get(pages["search"], headers={"HX-Request": "true"})
    assert _no_store(response)


def test_the_response_that_signs_someone_in_is_no_store(client, demo):
    from tests.factories import PASSWORD

    response = client.post(
        reverse("login"), {"username": "ana@harbour.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert _no_store(response)


def test_permissions_policy_refuses_camera_microphone_and_location(client, demo):
    for response in (client.get(reverse("login")), client.get("/static/css/limen.css")):
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in policy


def test_a_refused_request_is_logged_in_one_line_without_traceback(client, demo, caplog):
    client.force_login(demo.ana)
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get(reverse("journal:review")).status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage().startswith("Forbidden (Permission denied)")
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
