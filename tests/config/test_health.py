import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_the_broker_is_unreachable(client, monkeypatch):
    from config.celery import app

    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(app.conf, "broker_transport_options", {"socket_connect_timeout": 1})
    app.pool.force_close_all()
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.pool.force_close_all()
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.OperationalError("database is gone")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_healthz_shows_the_worker_heartbeat(client):
    from reminders.tasks import heartbeat

    heartbeat()
    assert client.get(reverse("healthz")).json()["worker_last_seen"] is not None


def test_healthz_with_real_redis_broker(client, redis_url, settings):
    from config.celery import app

    assert app.conf.broker_url.startswith("redis://")
    assert client.get(reverse("healthz")).json()["broker"] == "ok"
