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
    # The check opens a connection of its own (not one of Celery's pools, which are per process
    # and would keep pointing at the dead address for later tests that queue a task).
    response = client.get(reverse("healthz"))
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


def test_healthz_reports_reminders_retrying_and_degrades_when_they_wait_too_long(
    client, alice, bob, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from reminders.models import Reminder
    from tests.reminders.conftest import refuse_email_to

    reminder = refuse_email_to(bob)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["reminders"]["last_email"]["outcome"] == "refused"
    assert body["reminders"]["last_email"]["error_type"] == "SMTPDataError"
    assert (body["reminders"]["retrying"], body["reminders"]["failed"]) == (1, 0)
    # Nothing personal: no address, name, client code or server reply.
    text = response.content.decode()
    for private in (bob.email, bob.full_name, "C-17", "mailbox busy"):
        assert private not in text

    # Still failing past the threshold: degraded, yet 200 (the web tier serves on).
    too_long = timedelta(seconds=settings.REMINDER_HEALTH_MAX_WAIT_SECONDS + 1)
    Reminder.objects.filter(pk=reminder.pk).update(failing_since=timezone.now() - too_long)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json()["status"] == "degraded"
    assert response.json()["reminders"]["oldest_waiting_seconds"] > too_long.total_seconds() - 5


def test_healthz_degrades_when_due_reminders_wait_for_a_worker(client, bob, settings):
    from tests.reminders.conftest import make_reminder

    minutes = settings.REMINDER_HEALTH_MAX_WAIT_SECONDS // 60
    make_reminder(bob, minutes_ago=minutes - 1)
    assert client.get(reverse("healthz")).json()["status"] == "ok"
    make_reminder(bob, minutes_ago=minutes + 1)
    body = client.get(reverse("healthz")).json()
    assert body["status"] == "degraded" and body["reminders"]["last_email"] is None
