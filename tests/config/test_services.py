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
        from kombu.transport.redis import Transport

        assert isinstance(conn.transport, Transport)  # Limen's subclass: config/broker.py


def _ack_on_a_closed_channel(url: str, transport) -> None:
    """Take a message without acknowledging it, leave its channel as the worker leaves it after
    losing the broker (its connection pool dropped, its connection closed), then acknowledge it
    the way Celery does for a late-acknowledged task."""
    import logging

    from kombu import Connection, Exchange, Queue

    with Connection(url, transport=transport) as conn:
        channel = conn.channel()
        queue = Queue("limen-closed-channel", Exchange("limen-closed-channel"), "closed")(channel)
        queue.declare()
        conn.Producer(channel).publish({"n": 1}, exchange=queue.exchange, routing_key="closed")
        message = queue.get(no_ack=False)
        assert message is not None
        channel._disconnect_pools()
        channel.connection.client = None
        try:
            message.ack_log_error(logging.getLogger("limen.test"), conn.connection_errors)
        finally:
            channel.connection.client = conn
            queue.delete()


def test_an_ack_on_a_channel_closed_by_a_lost_connection_is_logged_not_fatal(redis_url, caplog):
    """The defect config/broker.py works around: kombu's own transport raises AttributeError,
    which Celery does not catch around an acknowledgement, and the worker shut down (seen in CI
    during a Redis outage). Limen's transport raises a connection error, which kombu logs."""
    from kombu.transport.redis import Transport as KombuTransport

    from config.broker import Transport
    from config.celery import app

    assert app.conf.broker_transport == "config.broker:Transport"
    with pytest.raises(AttributeError):
        _ack_on_a_closed_channel(redis_url, KombuTransport)
    _ack_on_a_closed_channel(redis_url, Transport)
    assert "Couldn't ack" in caplog.text
    assert "broker connection was closed" in caplog.text
