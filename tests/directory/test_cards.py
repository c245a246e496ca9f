"""Result cards: what a card shows from a service's related rows is cached per language, and
never outlives a write to the directory: an admin's edit, an import, a reindex of any kind."""

import pytest
from django.urls import reverse
from django.utils import translation

from directory import categories
from directory.models import Service, TaxonomyTerm
from directory.search.index import directory_generation, service_reindex
from directory.services.imports import import_package
from directory.services.upkeep import ServiceData, service_save, service_set_do_not_refer
from tests.directory.conftest import package_zip, small_tables

pytestmark = pytest.mark.django_db


def _shelter(org, admin, *, service=None, **changes) -> Service:
    data = {
        "name": "Shelter Noord",
        "organization_name": "Stichting Noord",
        "description": "Opvang huiselijk geweld",
        "languages": ("nl",),
        "phone": "020 111 1111",
        "location_name": "Office",
        "address_1": "Street 1",
        "city": "Amsterdam",
        "country": "NL",
        "categories": (
            TaxonomyTerm.objects.get(
                owner=None, hsds_id=categories.category_id("domestic_violence")
            ),
        ),
        **changes,
    }
    return service_save(owner=org, by=admin, data=ServiceData(**data), service=service)


def _card(client, q="shelter") -> str:
    body = client.get(reverse("directory:search"), {"q": q}).content.decode()
    start = body.index('<li class="result card">')
    return body[start : body.index("</li>", start)]


def test_an_edit_shows_on_the_next_search(
    org, alice, bob, client, django_capture_on_commit_callbacks
):
    service = _shelter(org, alice)
    client.force_login(bob)
    card = _card(client)
    assert "020 111 1111" in card and "Stichting Noord" in card and "Amsterdam" in card
    link = reverse("directory:service", args=[service.uuid])
    assert f'<h3><a href="{link}">Shelter Noord</a></h3>' in card
    assert _card(client) == card  # from the cache, the same
    with django_capture_on_commit_callbacks(execute=True):
        _shelter(
            org,
            alice,
            service=service,
            name="Shelter Zuid",
            phone="020 222 2222",
            organization_name="Stichting Zuid",
            city="Haarlem",
            languages=("nl", "ar"),
        )
    card = _card(client)
    assert "020 222 2222" in card and "020 111 1111" not in card
    assert "Stichting Zuid" in card and "Haarlem" in card and "Amsterdam" not in card
    assert ">AR<" in card
    assert f'<h3><a href="{link}">Shelter Zuid</a></h3>' in card


def test_the_service_row_is_read_live(org, alice, bob, client):
    """The badges come from the service's own row, read with every page."""
    service = _shelter(org, alice)
    client.force_login(bob)
    assert "Do not refer" not in _card(client)
    service_set_do_not_refer(service=service, do_not_refer=True, reason="Closed list", by=alice)
    assert "Do not refer" in _card(client)


def test_an_import_shows_on_the_next_search(org, bob, client, django_capture_on_commit_callbacks):
    tables = small_tables()
    with django_capture_on_commit_callbacks(execute=True):
        assert import_package(organisation=org, data=package_zip(tables), filename="a.zip").ok
    client.force_login(bob)
    assert "Utrecht" in _card(client, "schuldhulp")
    tables["addresses.csv"][0]["city"] = "Zeist"
    with django_capture_on_commit_callbacks(execute=True):
        assert import_package(organisation=org, data=package_zip(tables), filename="b.zip").ok
    card = _card(client, "schuldhulp")
    assert "Zeist" in card and "Utrecht" not in card


def test_every_reindex_renews_the_generation(org, alice, django_capture_on_commit_callbacks):
    """Pulls and approved corrections write through ``service_reindex`` as edits and imports do:
    whatever wrote the service, what was cached from the directory is read again."""
    service = _shelter(org, alice)
    before = directory_generation(org.pk)
    assert directory_generation(org.pk) == before
    with django_capture_on_commit_callbacks(execute=True):
        service_reindex([service.pk])
    assert directory_generation(org.pk) != before


def test_each_reader_gets_the_card_in_their_language(org, alice, bob, client):
    _shelter(org, alice)
    term = TaxonomyTerm.objects.get(owner=None, hsds_id=categories.category_id("domestic_violence"))
    labels = {}
    for language in ("en", "nl"):
        with translation.override(language):
            labels[language] = term.label
    assert labels["en"] != labels["nl"]
    client.force_login(bob)
    assert labels["en"] in _card(client)
    bob.language = "nl"
    bob.save(update_fields=["language"])
    card = _card(client)
    assert labels["nl"] in card and labels["en"] not in card
