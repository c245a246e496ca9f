"""Result cards: what a card shows from a service's related rows is cached per language, and
never outlives a write to the directory: an admin's edit, an import, a reindex of any kind."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from accounts.models import Organisation
from accounts.selectors import organisation_of
from directory import categories
from directory.models import Phone, Service, TaxonomyTerm
from directory.search.index import service_reindex
from directory.services.imports import import_package
from directory.services.upkeep import ServiceData, service_save
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


def test_an_edit_shows_on_the_next_search(org, alice, bob, client):
    service = _shelter(org, alice)
    client.force_login(bob)
    card = _card(client)
    assert "020 111 1111" in card and "Stichting Noord" in card and "Amsterdam" in card
    link = reverse("directory:service", args=[service.uuid])
    assert f'<h3><a href="{link}">Shelter Noord</a></h3>' in card
    assert _card(client) == card  # from the cache, the same
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
    """The badges come from the service's own row, read with every page: a change that renews
    neither the generation nor the service's ``updated_at`` shows at once."""
    service = _shelter(org, alice)
    client.force_login(bob)
    assert "Do not refer" not in _card(client)
    Service.objects.filter(pk=service.pk).update(do_not_refer=True)
    assert "Do not refer" in _card(client)


def test_an_import_shows_on_the_next_search(org, bob, client):
    tables = small_tables()
    assert import_package(organisation=org, data=package_zip(tables), filename="a.zip").ok
    client.force_login(bob)
    assert "Utrecht" in _card(client, "schuldhulp")
    tables["addresses.csv"][0]["city"] = "Zeist"
    assert import_package(organisation=org, data=package_zip(tables), filename="b.zip").ok
    card = _card(client, "schuldhulp")
    assert "Zeist" in card and "Utrecht" not in card


def test_every_reindex_renews_the_generation(org, alice, charlie):
    """Pulls and approved corrections write through ``service_reindex`` as edits and imports do:
    whatever wrote the service, what was cached from the directory is read again; another
    agency's generation stays."""
    service = _shelter(org, alice)
    other = organisation_of(charlie)
    before, theirs = _generation(org), _generation(other)
    service_reindex([service.pk])
    assert _generation(org) != before
    assert _generation(other) == theirs


def test_a_form_that_read_the_agency_before_a_write_keeps_the_new_generation(org, alice):
    """The Django admin saves the agency's row as it read it: never its directory generation."""
    service = _shelter(org, alice)
    read_before = Organisation.objects.get(pk=org.pk)
    service_reindex([service.pk])
    renewed = _generation(org)
    assert renewed != read_before.directory_generation
    read_before.name = "Harbour Counselling Noord"
    read_before.save()
    assert _generation(org) == renewed
    assert Organisation.objects.get(pk=org.pk).name == "Harbour Counselling Noord"
    created = Organisation.objects.create(name="New agency", slug="new-agency")
    assert Organisation.objects.get(pk=created.pk).name == "New agency"


def test_a_write_in_another_process_shows_here(org, alice, bob, client, settings):
    """The generation lives in the database, not in a cache: without Redis every process keeps
    its own cache, and a web worker still holding the old card reads the new one once a pull run
    by the Celery worker (here: a write made with a cache of its own) has committed."""
    service = _shelter(org, alice)
    client.force_login(bob)
    assert "020 111 1111" in _card(client)  # now cached here
    elsewhere = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "other"}
    with override_settings(CACHES={**settings.CACHES, "default": elsewhere}):
        Phone.objects.filter(service=service).update(number="020 333 3333")  # as a pull writes
        service_reindex([service.pk])
    card = _card(client)
    assert "020 333 3333" in card and "020 111 1111" not in card


def _generation(organisation) -> int:
    return Organisation.objects.get(pk=organisation.pk).directory_generation


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
