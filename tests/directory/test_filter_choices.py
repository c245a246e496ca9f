"""The search form's filter lists: each value once, cached per agency, fresh after an edit or an
import, and read with a fixed number of queries however big the directory is."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from directory.search.index import fold
from directory.search.query import filter_choices
from directory.services.imports import import_package
from directory.services.upkeep import ServiceData, service_save, term_create
from tests.directory.conftest import package_zip, small_tables

pytestmark = pytest.mark.django_db

# A search page with words and a language, its filter lists and its cards cached (the page
# before showed the same services): person with membership, the count of results, the page,
# its opening hours (see test_search.py). A search with words first reads whether anything
# matches them word for word, before it would try typo corrections: on SQLite whether one
# exists, one query more; PostgreSQL reads the capped candidates instead of counting.
QUERIES_SEARCH = 4 if connection.vendor == "postgresql" else 5


def _services(org, admin, n: int, *, start: int = 0, city: str = "Amsterdam") -> None:
    for i in range(start, start + n):
        service_save(
            owner=org,
            by=admin,
            data=ServiceData(
                name=f"Shelter {i:03d}",
                organization_name="Provider",
                description="Opvang huiselijk geweld",
                languages=("nl", "en"),
                location_name="Office",
                address_1=f"Street {i}",
                city=city,
                country="NL",
                service_areas=(city,),
            ),
        )


def test_each_language_and_place_is_listed_once(org, alice, bob):
    _services(org, alice, 6)
    choices = filter_choices(bob)
    assert [code for code, _label in choices["languages"]] == ["nl", "en"]
    assert choices["cities"] == ["Amsterdam"]


def test_lists_are_read_once_then_cached(org, alice, bob, django_assert_num_queries):
    _services(org, alice, 3)
    filter_choices(bob)
    with django_assert_num_queries(0):
        again = filter_choices(bob)
    assert again["cities"] == ["Amsterdam"]


@pytest.mark.parametrize("extra", [0, 30])
def test_reading_the_lists_takes_the_same_queries_at_any_size(
    org, alice, bob, django_assert_num_queries, extra
):
    _services(org, alice, 3 + extra)
    with django_assert_num_queries(5):
        filter_choices(bob)


def _next_request(user):
    """The person as the next request reads them, with their agency as it is now (a request
    reads the membership and the agency's directory generation once, at its start)."""
    return User.objects.get(pk=user.pk)


def test_an_edit_refreshes_the_lists(org, alice, bob):
    _services(org, alice, 2)
    assert filter_choices(bob)["cities"] == ["Amsterdam"]
    _services(org, alice, 1, start=10, city="Zwolle")
    assert filter_choices(_next_request(bob))["cities"] == ["Amsterdam", "Zwolle"]


def test_an_import_refreshes_the_lists(org, alice, bob):
    tables = small_tables()
    assert import_package(organisation=org, data=package_zip(tables), filename="a.zip").ok
    assert filter_choices(bob)["cities"] == ["Utrecht"]
    tables["addresses.csv"][0]["city"] = "Zeist"
    assert import_package(organisation=org, data=package_zip(tables), filename="b.zip").ok
    assert filter_choices(_next_request(bob))["cities"] == ["Zeist"]


def test_a_new_category_refreshes_the_lists(org, alice, bob):
    filter_choices(bob)
    term_create(owner=org, name="Peer support", labels={"nl": "Lotgenoten"}, by=alice)
    bob = _next_request(bob)
    assert "Peer support" in [t.label for t in filter_choices(bob)["categories"]]
    with translation.override("nl"):
        assert "Lotgenoten" in [t.label for t in filter_choices(bob)["categories"]]


def test_each_agency_has_its_own_lists(org, alice, bob, charlie):
    _services(org, alice, 2)
    filter_choices(bob)
    assert filter_choices(charlie)["cities"] == []


@pytest.mark.parametrize("n", [3, 30])
def test_search_page_queries_do_not_grow_with_the_directory(
    org, alice, bob, client, django_assert_num_queries, n
):
    _services(org, alice, n)
    client.force_login(bob)
    client.get(reverse("directory:search"))  # the session, the lists and the cards read once
    with django_assert_num_queries(QUERIES_SEARCH):
        response = client.get(reverse("directory:search"), {"q": "opvang", "language": "nl"})
    assert response.status_code == 200


@pytest.mark.parametrize("language", ["en", "nl", "de", "fr"])
def test_categories_are_listed_in_the_order_of_their_labels(bob, language):
    """In the reader's language: "Huiselijk geweld" comes after "Crisislijnen" in Dutch, not in
    the place of "Domestic violence"."""
    with translation.override(language):
        labels = [term.label for term in filter_choices(bob)["categories"]]
    assert len(labels) > 5
    assert labels == sorted(labels, key=fold)
