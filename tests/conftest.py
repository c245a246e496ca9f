"""Shared fixtures: the demo roles, personas for scoping tests, and gates for real services.

Tests that need PostgreSQL, Redis or Chromium skip with a reason when those are absent, and fail
instead when REQUIRE_SERVICES=1 (as CI sets it).
"""

import os
import shutil
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import MembershipFactory, OrganisationFactory

# The property-based sweep (tests/config/test_sweep.py) runs a bounded number of examples in the
# normal suite; `--hypothesis-profile=sweep` runs many more.
hypothesis_settings.register_profile(
    "sweep",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

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
    """The demo organisations and accounts (only those: each app's tests make their own data)."""
    from accounts import demo as accounts_demo
    from accounts.models import Organisation, User

    accounts_demo.seed(open(os.devnull, "w"))  # noqa: SIM115
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
def org(db):
    return OrganisationFactory()


@pytest.fixture
def alice(org):
    """An agency admin of ``org``."""
    return MembershipFactory(organisation=org, is_practitioner=False, is_admin=True).user


@pytest.fixture
def bob(org):
    """A practitioner in ``org``."""
    return MembershipFactory(organisation=org).user


@pytest.fixture
def charlie(db):
    """An admin of another organisation: an outsider to ``org``."""
    return MembershipFactory(is_practitioner=False, is_admin=True).user


@pytest.fixture(autouse=True)
def _no_rate_limit_counts():
    """Rate-limit counters (password reset) and the directory's filter lists live in the cache:
    each test starts without any.
    On Redis only those keys go: the same database is the Celery broker."""
    from django.core.cache import cache

    redis_client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if redis_client is None:
        cache.clear()
    else:
        client = redis_client(write=True)
        for pattern in ("*limen:password-reset:*", "*limen:directory:filter-choices:*"):
            for key in client.scan_iter(match=pattern):
                client.delete(key)
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is deliberately slow; tests hash dozens of demo passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
