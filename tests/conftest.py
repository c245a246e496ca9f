"""Shared fixtures: the one persona set, module-wide scenarios, run-wide settings, gates for
real services.

Tests that need PostgreSQL, Redis or Chromium skip with a reason when those are absent, and fail
instead when REQUIRE_SERVICES=1 (as CI sets it).
"""

import copy
import json
import os
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.factories import personas

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def need(available: bool, reason: str) -> None:
    """Skip (or, under REQUIRE_SERVICES=1, fail) when a real service is missing."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def postgres(db):
    from django.db import connection

    need(connection.vendor == "postgresql", "PostgreSQL is not configured (set DATABASE_URL)")
    return connection


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if url:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            need(False, f"Redis at {url} does not answer: {exc}")
    need(bool(url), "Redis is not configured (set REDIS_URL)")
    return url


@pytest.fixture(scope="session")
def chromium_path():
    need(
        os.path.exists(CHROMIUM) or bool(shutil.which("chromium")),
        f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    )
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session", autouse=True)
def _test_settings(tmp_path_factory):
    """Settings for the whole run, in force before any fixture writes a row.

    The production password hasher is deliberately slow; the suite signs people in by the
    hundred. WhiteNoise finds a static file when it is asked for (its development mode) rather
    than listing every static file when its middleware starts: every test client starts the
    middleware afresh, and the listing cost the suite about ten seconds. Each pytest-xdist
    worker keeps its cache entries apart (its own key prefix on a shared Redis, its own folder
    for the file-based progress cache): import progress is keyed by row id, and two workers'
    test databases hand out the same ids.
    """
    from django.conf import settings
    from django.test import override_settings

    caches = {}
    for alias, options in settings.CACHES.items():
        options = {**options, "KEY_PREFIX": f"test-{WORKER}"}
        if options["BACKEND"].endswith("FileBasedCache"):
            options["LOCATION"] = str(tmp_path_factory.mktemp(f"cache-{alias}"))
        caches[alias] = options
    override = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES=caches,
        WHITENOISE_AUTOREFRESH=True,
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Each test starts in English: a request made by an earlier test with a French-speaking
    user leaves French active in this thread (middleware activates, nothing resets)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def demo(db):
    """The persona set (``tests/factories.py``): Harbour Counselling with ``admin``,
    ``supervisor`` (of ``ana``), ``supervisor2`` (of ``ben``), ``ana`` and ``ben``; Lindenhof
    Coaching, outside Harbour's scope, with ``lindenhof_admin``, ``lindenhof_supervisor`` (of
    ``chloe`` and ``daan``), ``chloe`` and ``daan``. The same people as the demo, made directly:
    tests about ``seed_demo`` itself seed it."""
    return personas()


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """A transaction around a whole test module, rolled back after it: rows that a
    module-scoped fixture writes are there for each of the module's tests, and each test still
    runs in a savepoint of its own (the idea of Django's ``setUpTestData``). For data that many
    tests read and none needs fresh: an access matrix's scenario, the seeded demo."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # durable blocks inside a test still work, as in TestCase
        atomic.__enter__()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _seeded_demo(module_db, django_db_blocker):
    from django.core.management import call_command

    from accounts.models import Organisation, User

    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        users = {
            u.email.split("@")[0] + "_" + u.email.split("@")[1].split(".")[0]: u
            for u in User.objects.all()
        }
        return SimpleNamespace(
            harbour=Organisation.objects.get(slug="harbour"),
            lindenhof=Organisation.objects.get(slug="lindenhof"),
            admin=users["admin_harbour"],
            supervisor=users["supervisor_harbour"],
            supervisor2=users["supervisor2_harbour"],
            ana=users["ana_harbour"],
            ben=users["ben_harbour"],
            lindenhof_admin=users["admin_lindenhof"],
            lindenhof_supervisor=users["supervisor_lindenhof"],
            chloe=users["chloe_lindenhof"],
            daan=users["daan_lindenhof"],
        )


@pytest.fixture
def seeded_demo(db, _seeded_demo):
    """The whole demo as ``manage.py seed_demo`` writes it, for the tests of the demo itself:
    seeded once per test module, each test's changes rolled back (and its objects copied)."""
    return copy.deepcopy(_seeded_demo)


@pytest.fixture
def org(demo):
    """Harbour Counselling, for tests that need one agency."""
    return demo.harbour


@pytest.fixture
def alice(demo):
    """``org``'s agency admin (Hanna de Wit, admin only)."""
    return demo.admin


@pytest.fixture
def bob(demo):
    """A practitioner in ``org`` (Ben Visser)."""
    return demo.ben


@pytest.fixture
def practitioner(demo):
    """A practitioner in ``org`` (Ana Martins, supervised by ``demo.supervisor``)."""
    return demo.ana


@pytest.fixture
def charlie(demo):
    """An admin of another agency (Lindenhof): an outsider to ``org``."""
    return demo.lindenhof_admin


@pytest.fixture(autouse=True)
def _no_rate_limit_counts():
    """Rate-limit counters (password reset) and the directory's filter lists and result cards
    live in caches: each test starts without any.
    On Redis only those keys go: the same database is the Celery broker."""
    from django.core.cache import caches

    for alias, pattern in (("default", "limen:password-reset:*"), ("directory", "limen:*")):
        cache = caches[alias]
        redis_client = getattr(getattr(cache, "_cache", None), "get_client", None)
        if redis_client is None:
            cache.clear()
        else:
            client = redis_client(write=True)
            for key in client.scan_iter(match=f"test-{WORKER}:*{pattern}"):
                client.delete(key)
    yield


# Rows the migrations write (content types and permissions, the inventory catalogue, the
# directory's shipped categories) must be there for every test, but a transactional test (a
# ``django_db(transaction=True)`` mark, ``transactional_db``, ``live_server``) ends by emptying
# every table. Django's own answer is ``serialized_rollback``: the database is serialized once
# when it is created, such a test reloads it at its start, and its closing flush then skips
# post_migrate (which would otherwise write content types under new ids). Django's runner can
# stop there because it runs those tests last; under pytest-xdist's ``--dist loadfile`` a worker
# may run an ordinary test right after one. So every transactional test gets
# ``serialized_rollback`` here, without anyone having to remember the mark, and the one hook
# below reloads the rows after such a test unless the next test is one that reloads them itself.
EMPTIES_THE_DATABASE = pytest.StashKey[bool]()
DATABASE_WAS_SET_UP = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases, migrated; on SQLite the serialized rollback below is a copy.

    Django reloads the migrations' rows by saving them one by one (1,800 rows, a third of a
    second, for every transactional test). SQLite's backup API puts back a copy of the whole
    database taken at this moment, when it holds exactly what was serialized, in milliseconds.
    """
    from django.db import connections

    copies = []
    with django_db_blocker.unblock():
        for connection in connections.all():
            serialized = getattr(connection, "_test_serialized_contents", None)
            if connection.vendor != "sqlite" or serialized is None:
                continue
            connection.ensure_connection()
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(copy)
            copies.append(copy)
            connection.creation.deserialize_db_from_string = _restore_from_copy(
                connection, copy, serialized, connection.creation.deserialize_db_from_string
            )
    yield
    for copy in copies:
        copy.close()


def _restore_from_copy(connection, copy, serialized, deserialize):
    def restore(data: str) -> None:
        if data is not serialized or connection.in_atomic_block:
            deserialize(data)
            return
        connection.ensure_connection()
        copy.backup(connection.connection)

    return restore


# The longest test files go first. ``--dist loadfile`` hands each worker a file at a time in
# the order collected; in pytest-xdist's own order (most tests first) a file of one
# minute-long test came last and one worker ran it while the other sat idle. The seconds each
# file took are kept in pytest's cache after every run; tests/durations.json (measured here)
# stands in for a fresh checkout and for files the cache has not seen.
DURATIONS_KEY = "limen/file-seconds"
DURATIONS_FILE = Path(__file__).parent / "durations.json"
_file_seconds: dict[str, float] = {}
_processes_started: set[str] = set()


def pytest_configure(config):
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _longest_files_first(config, items) -> None:
    seconds = json.loads(DURATIONS_FILE.read_text())
    # CI runs with ``-p no:cacheprovider``: then there is no cache, only the committed file.
    cache = getattr(config, "cache", None)
    if cache is not None:
        seconds.update(cache.get(DURATIONS_KEY, {}))
    items.sort(key=lambda item: -seconds.get(_file_of(item.nodeid), 0.0))  # stable in a file


def pytest_runtest_logreport(report):
    process = getattr(getattr(report, "node", None), "gateway", None)
    process = getattr(process, "id", WORKER)
    if report.when == "setup" and process not in _processes_started:
        # A process's first setup also creates its test database: not the file's own time.
        _processes_started.add(process)
        return
    file = _file_of(report.nodeid)
    _file_seconds[file] = _file_seconds.get(file, 0.0) + report.duration


def pytest_sessionfinish(session):
    """Keep what each file took (in the process that saw every file: not an xdist worker)."""
    cache = getattr(session.config, "cache", None)
    if _file_seconds and cache is not None and not hasattr(session.config, "workerinput"):
        seconds = cache.get(DURATIONS_KEY, {})
        seconds.update({file: round(s, 1) for file, s in _file_seconds.items()})
        cache.set(DURATIONS_KEY, seconds)


def pytest_collection_modifyitems(config, items):
    from pytest_django.fixtures import validate_django_db

    _longest_files_first(config, items)
    for item in items:
        marker = item.get_closest_marker("django_db")
        transaction, reset_sequences, databases, _, available_apps = (
            validate_django_db(marker) if marker else (False, False, None, False, None)
        )
        fixtures = getattr(item, "fixturenames", ())
        if transaction or reset_sequences or {"transactional_db", "live_server"} & set(fixtures):
            item.stash[EMPTIES_THE_DATABASE] = True
            item.add_marker(
                pytest.mark.django_db(
                    transaction=True,
                    reset_sequences=reset_sequences,
                    databases=databases,
                    serialized_rollback=True,
                    available_apps=available_apps,
                ),
                append=False,
            )


def _empties_the_database(item: pytest.Item | None) -> bool:
    return item is not None and item.stash.get(EMPTIES_THE_DATABASE, False)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Note which tests really reached their database: one skipped earlier (no Chromium, say)
    emptied nothing, and on a fresh worker there is not even a test database to restore yet."""
    result = yield
    if fixturedef.argname == "_django_db_helper" and isinstance(request.node, pytest.Item):
        request.node.stash[DATABASE_WAS_SET_UP] = True
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test emptied the database, put back what the migrations wrote,
    unless the next test on this worker is transactional too (it reloads them at its start)."""
    try:
        return (yield)
    finally:
        if (
            _empties_the_database(item)
            and item.stash.get(DATABASE_WAS_SET_UP, False)
            and nextitem is not None
            and not _empties_the_database(nextitem)
        ):
            from django.db import connection
            from pytest_django.plugin import blocking_manager_key

            with item.config.stash[blocking_manager_key].unblock():
                connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
