"""The real services, when configured: PostgreSQL as the database, Redis as broker and cache."""

import pytest
from django.core.cache import cache

from accounts.models import Organisation


@pytest.mark.django_db(transaction=True)
def test_postgres_serves_the_database_and_skips_locked_rows(postgres):
    from django.db import connections, transaction

    assert postgres.pg_version >= 130000
    Organisation.objects.create(name="A", slug="a")
    Organisation.objects.create(name="B", slug="b")
    other = connections.create_connection("default")
    try:
        with transaction.atomic():
            locked = Organisation.objects.select_for_update().get(slug="a")
            with other.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(
                    "SELECT slug FROM accounts_organisation ORDER BY slug FOR UPDATE SKIP LOCKED"
                )
                assert [row[0] for row in cursor.fetchall()] == ["b"]
                cursor.execute("ROLLBACK")
            assert locked.slug == "a"
    finally:
        other.close()


def test_redis_is_the_cache(redis_url, settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("limen-ci-probe", {"ok": True}, 30)
    assert cache.get("limen-ci-probe") == {"ok": True}
    cache.delete("limen-ci-probe")


def test_redis_is_the_broker(redis_url):
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)
        assert conn.transport_cls in ("redis", "rediss") or "redis" in conn.as_uri()
