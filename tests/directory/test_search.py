"""Search: text, folding, filters, open now, staleness, confidential places, query counts."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from directory import categories
from directory.models import Attribute, Service, TaxonomyTerm
from directory.search.cards import result_cards
from directory.search.query import (
    SearchFilters,
    full_text_match,
    open_now,
    open_now_of,
    service_search,
)
from directory.selectors import with_details
from directory.services.upkeep import ServiceData, service_save
from tests.directory.conftest import SVC, SVC2

pytestmark = pytest.mark.django_db


def names(user, **filters) -> list[str]:
    return [s.name for s in service_search(user, SearchFilters(**filters))]


def term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(owner=None, hsds_id=categories.category_id(code))


def test_free_text_matches_names_descriptions_and_categories(imported, bob):
    assert names(bob, q="blijfhuis") == ["Blijfhuis Voorbeeld"]
    assert names(bob, q="debt counselling") == ["Schuldhulp Domstad"]
    # Category labels in every language are searchable: Dutch, German and French.
    assert names(bob, q="huiselijk geweld") == ["Blijfhuis Voorbeeld"]
    assert names(bob, q="häusliche") == ["Blijfhuis Voorbeeld"]
    assert names(bob, q="schulden") == ["Schuldhulp Domstad"]


def test_a_typo_finds_the_words_closest_to_it_on_every_database(imported, bob):
    assert names(bob, q="schuldhlup") == ["Schuldhulp Domstad"]
    assert names(bob, q="blijfhius voorbeeld") == ["Blijfhuis Voorbeeld"]
    # A word with nothing near it in the directory finds nothing, not everything.
    assert names(bob, q="schuldhlup xqzzyv") == []


def test_typo_corrections_come_from_the_agencys_own_directory(imported, bob):
    from accounts.models import Organisation
    from directory.search.query import typo_corrections

    assert typo_corrections(imported, ["schuldhlup"])[0][0] == "schuldhulp"
    assert typo_corrections(imported, ["opvangg", "xqzzyv"]) == []
    other = Organisation.objects.exclude(pk=imported.pk).first()
    assert typo_corrections(other, ["schuldhlup"]) == []


def test_search_folds_case_and_accents(imported, bob):
    assert names(bob, q="HAUSLICHE GEWALT") == ["Blijfhuis Voorbeeld"]
    assert names(bob, q="Violence domestique") == ["Blijfhuis Voorbeeld"]


def test_prefixes_match_while_typing(imported, bob):
    assert names(bob, q="schuldh") == ["Schuldhulp Domstad"]


def test_filters_by_category_language_and_place(imported, bob):
    assert names(bob, category=term("domestic_violence").pk) == ["Blijfhuis Voorbeeld"]
    assert names(bob, language="nl") == ["Blijfhuis Voorbeeld"]
    assert names(bob, language="en") == ["Schuldhulp Domstad"]
    assert names(bob, city="Utrecht") == ["Schuldhulp Domstad"]


def test_a_confidential_address_never_places_a_service_in_a_city(imported, bob):
    assert names(bob, city="Amersfoort") == []


@pytest.fixture
def office_hours(imported):
    """Schuldhulp Domstad, open Monday to Friday from 09:00 to 17:00 (its own weekly hours)."""
    service = Service.objects.get(owner=imported, hsds_id=SVC2)
    service.schedules.create(
        owner=imported,
        hsds_id="s-office",
        freq="WEEKLY",
        byday="MO,TU,WE,TH,FR",
        opens_at="09:00",
        closes_at="17:00",
    )
    return service


def test_open_now_uses_schedules_in_the_users_time_zone(office_hours, bob):
    monday_10 = datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo(bob.time_zone))
    monday_20 = datetime(2025, 6, 2, 20, 0, tzinfo=ZoneInfo(bob.time_zone))
    sunday_10 = datetime(2025, 6, 8, 10, 0, tzinfo=ZoneInfo(bob.time_zone))

    def open_names(moment):
        return [s.name for s in service_search(bob, SearchFilters(open_now=True), now=moment)]  # noqa: E731

    assert open_names(monday_10) == ["Blijfhuis Voorbeeld", "Schuldhulp Domstad"]
    assert open_names(monday_20) == ["Blijfhuis Voorbeeld"]
    assert open_names(sunday_10) == ["Blijfhuis Voorbeeld"]
    # 10:00 in Amsterdam is 17:00 in Tokyo: closed for someone working from there.
    bob.time_zone = "Asia/Tokyo"
    assert open_names(monday_10) == ["Blijfhuis Voorbeeld"]


def test_a_temporarily_closed_service_is_never_open_now(imported, office_hours, bob):
    """Its weekly hours still stand for when it reopens, but today nobody answers: the filter,
    the cards and the service's page all say it is not open."""
    service = office_hours
    monday_10 = datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo(bob.time_zone))
    open_now_search = SearchFilters(open_now=True)
    assert service in service_search(bob, open_now_search, now=monday_10)
    Service.objects.filter(pk=service.pk).update(status=Service.Status.TEMPORARILY_CLOSED)
    assert service not in service_search(bob, open_now_search, now=monday_10)
    assert service in service_search(bob, SearchFilters(), now=monday_10)  # still listed
    page = list(with_details(Service.objects.filter(owner=imported)))
    assert open_now_of(page, monday_10)[service.pk] is False
    assert not open_now(next(s for s in page if s.pk == service.pk), monday_10)


def test_a_page_reads_its_opening_hours_at_once_and_agrees_with_each_service(
    imported, office_hours, bob, django_assert_num_queries
):
    """The cards' "Open now" (``open_now_of``, one query for the page) says what each service's
    page says (``open_now``): its own hours and the hours at its locations."""
    service = office_hours
    at_location = service.at_locations.first()
    at_location.schedules.create(
        owner=imported, hsds_id="s-evening", byday="MO", opens_at="18:00", closes_at="21:00"
    )
    services = list(with_details(Service.objects.filter(owner=imported)))
    tz = ZoneInfo(bob.time_zone)
    seen = set()
    for day, hour in ((2, 10), (2, 20), (2, 17), (3, 20), (8, 10)):
        moment = datetime(2025, 6, day, hour, 0, tzinfo=tz)
        with django_assert_num_queries(1):
            page = open_now_of(services, moment)
        assert page == {s.pk: open_now(s, moment) for s in services}
        seen.add(page[service.pk])
    assert seen == {True, False}
    with django_assert_num_queries(0):
        assert open_now_of([], datetime(2025, 6, 2, 10, tzinfo=tz)) == {}


def test_overnight_hours_are_open_after_midnight(imported, bob):
    service = Service.objects.get(owner=imported, hsds_id=SVC2)
    service.schedules.create(
        owner=imported,
        hsds_id="s-night",
        freq="WEEKLY",
        byday="FR",
        opens_at="22:00",
        closes_at="06:00",
    )
    tz = ZoneInfo(bob.time_zone)

    def open_names(moment):
        return [s.name for s in service_search(bob, SearchFilters(open_now=True), now=moment)]  # noqa: E731

    assert "Schuldhulp Domstad" in open_names(
        datetime(2025, 6, 7, 2, 0, tzinfo=tz)
    )  # Saturday 02:00
    assert "Schuldhulp Domstad" not in open_names(
        datetime(2025, 6, 8, 2, 0, tzinfo=tz)
    )  # Sunday 02:00


def test_inactive_services_are_not_found_but_do_not_refer_ones_are_with_a_warning(
    imported, bob, client
):
    Service.objects.filter(hsds_id=SVC2).update(status="inactive")
    Service.objects.filter(hsds_id=SVC).update(do_not_refer=True)
    assert names(bob) == ["Blijfhuis Voorbeeld"]
    client.force_login(bob)
    response = client.get(reverse("directory:search"))
    assert "Do not refer" in response.content.decode()


@pytest.mark.parametrize("q", ["", "voorbeeld domstad"])
def test_a_service_not_to_refer_to_comes_after_the_others(imported, bob, q):
    """A warning badge is not enough at the top of the list: the services a practitioner may
    refer to come first, with or without words, however well the other one matches."""
    Service.objects.filter(hsds_id=SVC).update(search_text="blijfhuis voorbeeld domstad")
    if q:
        Service.objects.filter(hsds_id=SVC2).update(search_text="schuldhulp domstad voorbeeld")
    assert names(bob, q=q) == ["Blijfhuis Voorbeeld", "Schuldhulp Domstad"]
    Service.objects.filter(hsds_id=SVC).update(do_not_refer=True)
    assert names(bob, q=q) == ["Schuldhulp Domstad", "Blijfhuis Voorbeeld"]


def test_stale_services_are_marked_in_results(imported, bob, client):
    client.force_login(bob)
    page = client.get(reverse("directory:search"), {"q": "schuldhulp"}).content.decode()
    assert "Not recently verified" in page
    page = client.get(reverse("directory:search"), {"q": "blijfhuis"}).content.decode()
    assert "Not recently verified" not in page


def test_live_search_answers_htmx_with_the_results_partial(imported, bob, client):
    client.force_login(bob)
    response = client.get(
        reverse("directory:search"), {"q": "blijf"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="results"')
    assert "Blijfhuis Voorbeeld" in body and "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_search_page_works_without_javascript(imported, bob, client):
    client.force_login(bob)
    body = client.get(
        reverse("directory:search"), {"q": "blijf", "language": "nl"}
    ).content.decode()
    assert "<html" in body and "Blijfhuis Voorbeeld" in body
    assert 'hx-get="/directory/"' in body and 'action="/directory/"' in body


@pytest.mark.parametrize("htmx", [False, True])
def test_an_over_long_search_is_refused_with_a_message_and_the_box_caps_it(
    imported, bob, client, htmx
):
    client.force_login(bob)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(reverse("directory:search"), {"q": "a" * 1000}, headers=headers)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Keep the search under 200 characters: use a few words." in body
    assert "This search is not applied until it is corrected:" in body
    # The box itself never lets a browser build such an address.
    page = client.get(reverse("directory:search")).content.decode()
    assert 'maxlength="200"' in page and "not applied" not in page
    fine = client.get(reverse("directory:search"), {"q": "a" * 200}).content.decode()
    assert "not applied" not in fine


def _many(org, admin, n: int) -> None:
    dv = term("domestic_violence")
    for i in range(n):
        service_save(
            owner=org,
            by=admin,
            data=ServiceData(
                name=f"Shelter {i:03d}",
                organization_name=f"Provider {i % 7}",
                description="Opvang huiselijk geweld",
                categories=(dv,),
                languages=("nl", "en"),
                phone=f"+31 20 555 {i:04d}",
                location_name="Office",
                address_1=f"Street {i}",
                city="Amsterdam",
                country="NL",
                service_areas=("Amsterdam",),
                hours={
                    "MO": (
                        timezone.now().time().replace(hour=9, minute=0),
                        timezone.now().time().replace(hour=17, minute=0),
                    )
                },
            ),
        )


# A page of results: person with membership, the count, the page of services, and every
# opening hour of the page in one query. Cards not cached yet read what they show of the page's
# services together: providers, categories, languages, phones, locations and addresses. A
# person's first search also reads the filter lists (categories, languages and two for places;
# cached after it). A search with words reads first whether anything matches them word for word,
# before it would try typo corrections: on SQLite whether one exists, one query more; PostgreSQL
# reads the capped candidates from the index instead of counting. Open-now stays out: whether a
# service is open depends on the moment the test runs, and with it whether there is a page.
QUERIES_RESULTS = 4
QUERIES_CARDS = 6
QUERIES_FILTER_LISTS = 4
QUERIES_WORDS_EXTRA = 0 if connection.vendor == "postgresql" else 1


@pytest.mark.parametrize("n", [5, 60])
def test_search_query_count_does_not_grow_with_results(
    org, alice, bob, client, django_assert_num_queries, n
):
    _many(org, alice, n)
    client.force_login(bob)
    results = QUERIES_RESULTS + QUERIES_WORDS_EXTRA
    search = {"q": "geweld", "language": "nl", "city": "Amsterdam"}
    with django_assert_num_queries(results + QUERIES_CARDS + QUERIES_FILTER_LISTS):
        response = client.get(reverse("directory:search"), search)
    assert len(response.context["page"]) == min(n, 20)
    with django_assert_num_queries(results):  # the same cards again: from the cache
        response = client.get(reverse("directory:search"), search)
    assert len(response.context["page"]) == min(n, 20)
    shelters = term("domestic_violence").pk
    with django_assert_num_queries(results):  # the same services, found another way
        response = client.get(reverse("directory:search"), {"q": "shelter", "category": shelters})
    assert len(response.context["page"]) == min(n, 20)


def test_search_results_are_paginated(org, alice, bob, client):
    _many(org, alice, 25)
    client.force_login(bob)
    body = client.get(reverse("directory:search"), {"q": "shelter", "page": 2}).content.decode()
    assert "Page 2 of 2" in body and "Shelter 024" in body and "Shelter 000" not in body


def test_another_agencys_directory_is_never_searched(imported, charlie):
    assert names(charlie) == []


def test_agency_terms_can_be_added_and_searched(imported, alice, bob):
    from directory.services.upkeep import term_create

    own = term_create(owner=imported, name="Gambling", labels={"nl": "Gokken"}, by=alice)
    service = Service.objects.get(owner=imported, hsds_id=SVC2)
    Attribute.objects.create(
        owner=imported,
        hsds_id="a-own",
        taxonomy_term=own,
        link_id=SVC2,
        link_entity="service",
        service=service,
    )
    from directory.search.index import service_reindex

    service_reindex([service.pk])
    assert names(bob, q="gokken") == ["Schuldhulp Domstad"]
    assert names(bob, category=own.pk) == ["Schuldhulp Domstad"]


# --- PostgreSQL: full-text search with its GIN index, and trigram matching for typos ----------


def test_postgres_full_text_search_uses_the_gin_index(postgres, imported, bob):
    with postgres.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        # Across all agencies, so the planner cannot settle for the owner index on a tiny table.
        matches, _rank = full_text_match(Service.objects.all(), ["blijfhuis"])
        sql, params = matches.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "referrals_service_search_vector" in plan


def test_postgres_filters_use_the_filter_vector_index(postgres, imported, bob):
    from django.utils import timezone

    from directory.search.query import SearchFilters, _postgres_search

    assert names(bob, language="nl", city="Amersfoort") == []  # a confidential address
    assert names(bob, language="en", city="Utrecht") == ["Schuldhulp Domstad"]
    with postgres.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        # Across all agencies, so the planner cannot settle for the owner index on a tiny table.
        found = _postgres_search(
            Service.objects.all(),
            imported,
            SearchFilters(language="nl", city="Utrecht"),
            [],
            timezone.now(),
        )
        sql, params = found.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    assert "referrals_service_filter_vector" in plan


def test_postgres_browsing_reads_its_first_page_off_the_referable_first_index(
    postgres, imported, bob
):
    from django.utils import timezone

    from directory.search.query import SearchFilters, _postgres_search

    with postgres.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        found = _postgres_search(
            Service.objects.filter(owner=imported), imported, SearchFilters(), [], timezone.now()
        )
        sql, params = found[:20].query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_sort")
    assert "service_owner_referable" in plan
    assert "Sort" not in plan


def test_postgres_trigram_search_forgives_typos(postgres, imported, bob):
    assert names(bob, q="blijfhuiss") == ["Blijfhuis Voorbeeld"]
    assert names(bob, q="schuldhlup") == ["Schuldhulp Domstad"]
    # One word right, one misspelt: both still narrow the search.
    assert names(bob, q="opvang geweldd") == ["Blijfhuis Voorbeeld"]
    assert names(bob, q="xqzzyv") == []


def test_a_very_common_search_says_more_than_the_cap_instead_of_counting_on(
    org, alice, bob, client, monkeypatch
):
    from directory.search.query import SearchPaginator

    _many(org, alice, 6)
    monkeypatch.setattr(SearchPaginator, "cap", 5)
    client.force_login(bob)
    body = client.get(reverse("directory:search"), {"q": "shelter"}).content.decode()
    assert "More than 5 services found: add a word or a filter." in body
    monkeypatch.setattr(SearchPaginator, "cap", 6)
    body = client.get(reverse("directory:search"), {"q": "shelter"}).content.decode()
    assert "6 services found" in body


def test_postgres_typo_corrections_take_one_query_however_many_words(
    postgres, imported, django_assert_num_queries
):
    from directory.search.query import typo_corrections

    with django_assert_num_queries(1):
        one = typo_corrections(imported, ["blijfhuiss"])
    with django_assert_num_queries(1):
        three = typo_corrections(imported, ["opvangg", "huiselik", "geweldd"])
    assert one[0][0] == "blijfhuis"
    assert [close[0] for close in three] == ["opvang", "huiselijk", "geweld"]
    assert all(len(close) <= 3 for close in three)
    # One word without any close match: no corrections at all, as before.
    assert typo_corrections(imported, ["opvangg", "xqzzyv"]) == []


def test_postgres_text_search_counts_from_its_candidates(
    postgres, org, alice, bob, django_assert_num_queries, monkeypatch
):
    """A text search reads its capped candidates once: the count costs no query of its own, and
    the numbers stay right."""
    from directory.search.query import SearchPaginator

    _many(org, alice, 7)
    results = service_search(bob, SearchFilters(q="shelter"))
    with django_assert_num_queries(0):
        assert SearchPaginator(results, 5).count == 7
    page = list(SearchPaginator(results, 5).get_page(2))
    assert [s.name for s in page] == ["Shelter 005", "Shelter 006"]
    cards = result_cards(org, page, timezone.now())
    assert "Provider 5" in cards[0]["details"] and "Provider 6" in cards[1]["details"]
    monkeypatch.setattr(SearchPaginator, "cap", 5)
    assert SearchPaginator(service_search(bob, SearchFilters(q="shelter")), 5).capped
    # A narrowed queryset counts itself again.
    assert SearchPaginator(results.filter(name__endswith="1"), 5).count == 1


def test_postgres_typo_search_query_count_does_not_grow_with_words(postgres, imported, bob):
    from django.test.utils import CaptureQueriesContext

    from directory.search.query import SearchPaginator

    list(service_search(bob, SearchFilters(q="blijfhuis")))  # who bob works for, read once
    counts = []
    for q in ("blijfhuiss", "blijfhuiss voorbeld opvangg"):
        with CaptureQueriesContext(postgres) as queries:
            page = SearchPaginator(service_search(bob, SearchFilters(q=q)), 20).get_page(1)
            assert [s.name for s in page] == ["Blijfhuis Voorbeeld"]
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 13


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Tigrinya"), ("nl", "Tigrinya"), ("de", "Tigrinya"), ("fr", "Tigrigna")],
)
def test_a_language_django_does_not_know_is_named_not_coded(language, expected):
    from django.utils import translation

    from directory.languages import language_label

    with translation.override(language):
        assert language_label("ti") == expected
        assert language_label("tir") == expected
        assert language_label("so") != "so" and language_label("zh") != "zh"
        assert language_label("nl") != "nl"  # Django's own names still serve
    assert language_label("xx") == "xx"  # a code nobody knows stays as it is
