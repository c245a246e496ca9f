"""Referral directory on PostgreSQL: search latency at 1,000 and 100,000 services, and import
throughput.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/limen_directory_bench \
    .venv/bin/python bench/referrals_bench.py [--rebuild] [--search-only]

Migrates the database, then fills two agencies ("bench-1k", "bench-100k") with generated
directories (kept between runs; ``--rebuild`` makes them again) through bulk inserts, indexing
every service with the same ``service_reindex`` the importer uses. For each size it asks the
search page (``/directory/``, signed in as the agency's practitioner, through Django's request
handling) for the searches a practitioner makes (free text, a typo, filters, browsing) and
prints the median and 95th percentile, the queries per page, and the ratio between the sizes
(target: at most 2x). Then it
imports a generated HSDS package of BENCH_IMPORT_SERVICES services (default 5,000) into an empty
agency with the real importer (validate, write, index), imports it again (the update path), and
prints services per second. Between the two it reads the HSDS API's first, middle and last
page of 50 services (``/api/hsds/services?per_page=50``, with a read token, through Django's
request handling) at both sizes and prints requests per second, latency and queries per page.
"""

import os
import random
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from datetime import time as clock
from datetime import timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SIZES = (1_000, 100_000)
IMPORT_SERVICES = int(os.environ.get("BENCH_IMPORT_SERVICES", "5000"))
RUNS = int(os.environ.get("BENCH_RUNS", "25"))
BATCH = 5_000

CITIES = [
    ("Amsterdam", "NL"),
    ("Rotterdam", "NL"),
    ("Utrecht", "NL"),
    ("Den Haag", "NL"),
    ("Eindhoven", "NL"),
    ("Groningen", "NL"),
    ("Tilburg", "NL"),
    ("Almere", "NL"),
    ("Breda", "NL"),
    ("Nijmegen", "NL"),
    ("Haarlem", "NL"),
    ("Arnhem", "NL"),
    ("Zwolle", "NL"),
    ("Maastricht", "NL"),
    ("Leiden", "NL"),
    ("Berlin", "DE"),
    ("Köln", "DE"),
    ("Hamburg", "DE"),
    ("München", "DE"),
    ("Düsseldorf", "DE"),
    ("Essen", "DE"),
    ("Bremen", "DE"),
    ("Leipzig", "DE"),
    ("Aachen", "DE"),
    ("Münster", "DE"),
    ("Strasbourg", "FR"),
    ("Lille", "FR"),
    ("Lyon", "FR"),
    ("Paris", "FR"),
    ("Metz", "FR"),
    ("Nancy", "FR"),
    ("Mulhouse", "FR"),
    ("Bruxelles", "BE"),
    ("Antwerpen", "BE"),
    ("Gent", "BE"),
    ("Liège", "BE"),
]
LANGUAGES = ["nl", "en", "de", "fr", "ar", "tr", "pl", "uk", "so", "ti", "fa", "es", "pt", "ro"]
# words per shipped category, in the four languages Limen speaks
CATEGORY_WORDS = {
    "domestic_violence": ["opvang", "huiselijk geweld", "Frauenhaus", "violences conjugales"],
    "sexual_violence": ["zedenzaken", "sexualisierte Gewalt", "violences sexuelles", "assault"],
    "substance_use": ["verslavingszorg", "Suchtberatung", "addictologie", "drugs"],
    "mental_health": ["ggz", "psychotherapie", "santé mentale", "counselling"],
    "crisis_lines": ["hulplijn", "Krisendienst", "écoute", "helpline"],
    "debt_money": ["schuldhulp", "Schuldnerberatung", "surendettement", "budget"],
    "housing": ["daklozen", "Wohnungslosenhilfe", "hébergement", "shelter"],
    "legal_aid": ["juridisch loket", "Rechtsberatung", "aide juridique", "lawyer"],
    "employment": ["re-integratie", "Jobcoaching", "insertion", "work"],
    "youth_family": ["jeugdhulp", "Jugendhilfe", "protection de l'enfance", "parenting"],
    "health_care": ["huisarts", "Gesundheit", "soins", "clinic"],
    "migration_asylum": ["vluchtelingen", "Migrationsberatung", "droit des étrangers", "asylum"],
    "disability": ["beperking", "Behinderung", "handicap", "accessibility"],
    "elderly_care": ["ouderenzorg", "Pflege", "personnes âgées", "elderly"],
}
KINDS = ["Steunpunt", "Beratungsstelle", "Permanence", "Service", "Centrum", "Hilfe", "Accueil"]
QUERIES = [
    ("free text, one word", {"q": "schuldhulp"}),
    ("free text, two words", {"q": "huiselijk geweld"}),
    ("free text, prefix while typing", {"q": "verslav"}),
    ("free text with a typo (trigram)", {"q": "schuldhlup"}),
    ("category", {"category": "debt_money"}),
    (
        "category + language + city",
        {"category": "domestic_violence", "language": "nl", "city": "Utrecht"},
    ),
    ("text + language + open now", {"q": "opvang", "language": "ar", "open_now": True}),
    ("category + open now", {"category": "debt_money", "open_now": True}),
    ("browse everything", {}),
]


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database; this bench measures PostgreSQL.")
    # As in production: DEBUG off (no query log kept, templates cached), requests over HTTPS.
    os.environ.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
    )
    for command in (["migrate"], ["collectstatic"]):  # DEBUG off serves the hashed files
        subprocess.run(
            [sys.executable, "manage.py", *command, "--noinput", "-v0"], cwd=ROOT, check=True
        )
    import django

    django.setup()
    from django.db import connection

    print(f"referrals bench: PostgreSQL {connection.cursor().connection.info.server_version}")
    timings = {}
    users = {size: directory(size, rebuild="--rebuild" in sys.argv) for size in SIZES}
    vacuum()
    for size in SIZES:
        timings[size] = search_timings(users[size])
    print_search(timings)
    print_api({size: api_timings(users[size]) for size in SIZES})
    if "--search-only" not in sys.argv:
        import_throughput()


# --- Data -----------------------------------------------------------------------------------


def directory(size: int, *, rebuild: bool):
    """A practitioner of the agency "bench-<size>", whose directory holds ``size`` services."""
    from accounts.models import Membership, Organisation, User
    from directory.models import Service

    slug = f"bench-{size // 1000}k"
    organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": slug})
    user, _ = User.objects.get_or_create(email=f"practitioner@{slug}.example")
    Membership.objects.get_or_create(
        user=user, defaults={"organisation": organisation, "is_practitioner": True}
    )
    have = Service.objects.filter(owner=organisation).count()
    if have != size or rebuild:
        started = time.monotonic()
        empty(organisation)
        generate(organisation, size)
        print(f"  made the {size:,}-service directory in {time.monotonic() - started:.0f} s")
    return user


def empty(organisation) -> None:
    from django.db import connection

    from directory.hsds import spec

    with connection.cursor() as cursor:
        for table in reversed(spec.TABLES):
            if table.shipped:
                continue
            cursor.execute(
                f"DELETE FROM {table.model._meta.db_table} WHERE owner_id = %s", [organisation.pk]
            )


def weekly_hours(rng: random.Random) -> dict:
    """A service's weekly opening hours: office hours mostly, and one in ten open day and night
    (shelters, crisis lines), so that "open now" finds services whatever the hour of the run."""
    if rng.random() < 0.1:
        return {"byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": clock(0), "closes_at": clock(0)}
    return {
        "byday": rng.choice(("MO,TU,WE,TH,FR", "MO,TU,WE,TH,FR,SA,SU", "MO,WE,FR")),
        "opens_at": clock(rng.choice((0, 8, 9, 10))),
        "closes_at": clock(rng.choice((17, 21, 23))),
    }


def generate(organisation, size: int) -> None:
    """Bulk-insert a directory of ``size`` services, then index it like an import does."""
    from django.db import transaction
    from django.utils import timezone

    from directory import categories
    from directory.models import (
        Address,
        Attribute,
        Language,
        Location,
        Organization,
        Phone,
        Schedule,
        Service,
        ServiceArea,
        ServiceAtLocation,
        TaxonomyTerm,
    )
    from directory.search.index import service_reindex

    rng = random.Random(size)
    today = timezone.localdate()
    terms = {
        code: TaxonomyTerm.objects.get(owner=None, hsds_id=categories.category_id(code))
        for code in CATEGORY_WORDS
    }
    codes = list(CATEGORY_WORDS)
    owner = organisation

    def hid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    with transaction.atomic():
        providers = Organization.objects.bulk_create(
            [
                Organization(owner=owner, hsds_id=hid(), name=f"Stichting {rng.randrange(10**6)}")
                for _ in range(max(size // 5, 1))
            ],
            batch_size=BATCH,
        )
        for start in range(0, size, BATCH):
            n = min(BATCH, size - start)
            plan = []
            for i in range(start, start + n):
                cats = rng.sample(codes, rng.choice((1, 1, 2)))
                city, country = rng.choice(CITIES)
                words = [rng.choice(CATEGORY_WORDS[c]) for c in cats]
                plan.append((i, cats, city, country, words))
            services = Service.objects.bulk_create(
                [
                    Service(
                        owner=owner,
                        hsds_id=hid(),
                        organization=rng.choice(providers),
                        name=f"{rng.choice(KINDS)} {words[0]} {city} {i}",
                        description=f"{' / '.join(words)} in {city}. Intake by phone.",
                        status="active",
                        eligibility_description="Adults living in the region.",
                        assured_date=today - timedelta(days=rng.randrange(400)),
                    )
                    for i, _cats, city, _country, words in plan
                ],
                batch_size=BATCH,
            )
            locations = Location.objects.bulk_create(
                [Location(owner=owner, hsds_id=hid(), name=f"Locatie {i}") for i, *_ in plan],
                batch_size=BATCH,
            )
            ServiceAtLocation.objects.bulk_create(
                [
                    ServiceAtLocation(owner=owner, hsds_id=hid(), service=s, location=loc)
                    for s, loc in zip(services, locations, strict=True)
                ],
                batch_size=BATCH,
            )
            Address.objects.bulk_create(
                [
                    Address(
                        owner=owner,
                        hsds_id=hid(),
                        location=loc,
                        address_1=f"Voorbeeldstraat {i % 300 + 1}",
                        city=city,
                        postal_code=f"{1000 + i % 8999}",
                        country=country,
                    )
                    for loc, (i, _cats, city, country, _words) in zip(locations, plan, strict=True)
                ],
                batch_size=BATCH,
            )
            Phone.objects.bulk_create(
                [
                    Phone(owner=owner, hsds_id=hid(), service=s, number=f"+31 20 555 {i:05d}")
                    for s, (i, *_rest) in zip(services, plan, strict=True)
                ],
                batch_size=BATCH,
            )
            Language.objects.bulk_create(
                [
                    Language(owner=owner, hsds_id=hid(), service=s, code=code)
                    for s in services
                    for code in rng.sample(LANGUAGES, rng.choice((1, 2, 3)))
                ],
                batch_size=BATCH,
            )
            Attribute.objects.bulk_create(
                [
                    Attribute(
                        owner=owner,
                        hsds_id=hid(),
                        taxonomy_term=terms[code],
                        link_id=s.hsds_id,
                        link_entity="service",
                        link_type="category",
                        service=s,
                    )
                    for s, (_i, cats, *_rest) in zip(services, plan, strict=True)
                    for code in cats
                ],
                batch_size=BATCH,
            )
            Schedule.objects.bulk_create(
                [
                    Schedule(owner=owner, hsds_id=hid(), service=s, freq="WEEKLY", **hours)
                    for s in services
                    for hours in [weekly_hours(rng)]
                ],
                batch_size=BATCH,
            )
            ServiceArea.objects.bulk_create(
                [
                    ServiceArea(owner=owner, hsds_id=hid(), service=s, name=city)
                    for s, (_i, _cats, city, *_rest) in zip(services, plan, strict=True)
                ],
                batch_size=BATCH,
            )
            service_reindex(s.pk for s in services)


def vacuum() -> None:
    """VACUUM ANALYZE the directory's tables, as autovacuum would soon after a bulk load (and
    may be switched off where the bench runs): the bulk inserts, the index pass (one update
    per service) and earlier import runs leave dead rows and a GIN pending list behind, which
    every search would otherwise wade through."""
    from django.apps import apps
    from django.db import connection

    tables = [model._meta.db_table for model in apps.get_app_config("directory").get_models()]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")


# --- Search ---------------------------------------------------------------------------------


def counted(request):
    """The queries one request makes, and its response. Counted on the connection itself: the
    request handling resets Django's query log when a request starts."""
    from django.db import connection

    count = 0

    def count_one(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_one):
        response = request()
    return count, response


def search_timings(user) -> dict[str, tuple[list[float], int, int]]:
    """Per query: the latencies in ms of the directory's search page (``/directory/`` through
    Django's request handling, signed in, as a practitioner's browser asks for it), the number
    of results and the queries per request."""
    from django.test import Client

    from directory import categories
    from directory.forms import SearchForm
    from directory.models import TaxonomyTerm
    from directory.search import query

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    get = partial(client.get, "/directory/", secure=True)
    choices = query.filter_choices(user)
    out = {}
    for label, raw in QUERIES:
        params = dict(raw)
        if "category" in params:
            params["category"] = TaxonomyTerm.objects.get(
                owner=None, hsds_id=categories.category_id(params["category"])
            ).pk
        if params.pop("open_now", False):
            params["open_now"] = "on"
        # The page ignores a filter its form refuses: make sure every one is taken.
        form = SearchForm(params, choices=choices)
        assert form.is_valid(), (label, form.errors)
        count = query.SearchPaginator(
            query.service_search(user, query.SearchFilters(**form.cleaned_data)), query.PAGE_SIZE
        ).count
        for _ in range(3):
            response = get(params)
            assert response.status_code == 200, (label, response.status_code)
        queries, _response = counted(partial(get, params))
        latencies = []
        for _ in range(RUNS):
            started = time.perf_counter()
            get(params)
            latencies.append((time.perf_counter() - started) * 1000)
        out[label] = (latencies, count, queries)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def print_search(timings) -> None:
    small, large = SIZES
    print(f"\n  the search page, /directory/ signed in ({RUNS} runs each; median / p95 ms)")
    print(
        f"  {'query':34} {f'{small:,} services':>24} {f'{large:,} services':>26} "
        f"{'ratio':>6} {'queries':>8}"
    )
    ratios = []
    for label, _params in QUERIES:
        a, count_a, queries_a = timings[small][label]
        b, count_b, queries_b = timings[large][label]
        ratio = statistics.median(b) / statistics.median(a)
        ratios.append(ratio)
        print(
            f"  {label:34} {statistics.median(a):7.1f} / {p95(a):6.1f} ({count_a:>5} hits)"
            f" {statistics.median(b):7.1f} / {p95(b):6.1f} ({count_b:>6} hits)"
            f" {ratio:5.1f}x {queries_a:>3} / {queries_b:<3}"
        )
    all_small = [v for label, _p in QUERIES for v in timings[small][label][0]]
    all_large = [v for label, _p in QUERIES for v in timings[large][label][0]]
    overall = statistics.median(all_large) / statistics.median(all_small)
    print(
        f"  all searches: median {statistics.median(all_small):.1f} ms at {small:,}, "
        f"{statistics.median(all_large):.1f} ms at {large:,}: ratio {overall:.2f}x "
        f"(target <= 2x; worst query {max(ratios):.1f}x)"
    )


# --- HSDS API -------------------------------------------------------------------------------

API_PER_PAGE = 50


def api_timings(user) -> dict[str, tuple[list[float], int]]:
    """Per page (first, middle, last): latencies in ms and the queries per request, reading
    ``/api/hsds/services?per_page=50`` with a read token of the user's agency."""
    from django.test import Client

    from directory.services.api_access import api_token_create

    _token, secret = api_token_create(
        organisation=user.membership.organisation, name="bench", by=user
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_HOST="127.0.0.1")
    get = partial(client.get, "/api/hsds/services", secure=True)
    first = get({"per_page": API_PER_PAGE})
    assert first.status_code == 200, first.content[:300]
    last_page = first.json()["total_pages"]
    out = {}
    for label, page in (("first", 1), ("middle", max(1, last_page // 2)), ("last", last_page)):
        params = {"per_page": API_PER_PAGE, "page": page}
        for _ in range(3):
            get(params)
        queries, response = counted(partial(get, params))
        assert response.status_code == 200 and len(response.json()["contents"]) > 0
        latencies = []
        for _ in range(RUNS):
            started = time.perf_counter()
            get(params)
            latencies.append((time.perf_counter() - started) * 1000)
        out[f"{label} page ({page:,})"] = (latencies, queries)
    return out


def print_api(timings) -> None:
    print(
        f"\n  HSDS API, /api/hsds/services?per_page={API_PER_PAGE} with a read token, one process "
        f"({RUNS} runs each)"
    )
    for size, pages in timings.items():
        for label, (latencies, queries) in pages.items():
            median = statistics.median(latencies)
            print(
                f"  {size:>7,} services, {label:22} median {median:6.1f} ms, p95 "
                f"{p95(latencies):6.1f} ms, {1000 / median:6.1f} requests/s, {queries} queries"
            )


# --- Import ---------------------------------------------------------------------------------


def import_throughput() -> None:
    from accounts.models import Organisation
    from directory.hsds import exporter
    from directory.models import Service
    from directory.services.imports import import_package

    source, _ = Organisation.objects.get_or_create(
        slug="bench-import-source", defaults={"name": "bench import source"}
    )
    if Service.objects.filter(owner=source).count() != IMPORT_SERVICES:
        empty(source)
        generate(source, IMPORT_SERVICES)
    package = exporter.to_zip(exporter.collect(source, include_confidential=True))
    target, _ = Organisation.objects.get_or_create(
        slug="bench-import", defaults={"name": "bench import"}
    )
    empty(target)
    print(
        f"\n  import of an HSDS package: {IMPORT_SERVICES:,} services, "
        f"{len(package) / 2**20:.1f} MB zip"
    )
    for label in ("into an empty directory", "again (every row an update)"):
        started = time.perf_counter()
        report = import_package(organisation=target, data=package, filename="bench.zip")
        elapsed = time.perf_counter() - started
        if not report.ok:
            sys.exit(f"import failed: {report.errors[:3]}")
        rows = sum(c["rows"] for c in report.counts.values())
        print(
            f"  {label:30} {elapsed:6.1f} s = {IMPORT_SERVICES / elapsed:6.0f} services/s "
            f"({rows:,} rows in {len(report.counts)} tables)"
        )
    empty(target)


if __name__ == "__main__":
    main()
