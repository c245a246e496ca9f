"""``GET /healthz``: is the database answering, is the broker reachable, is the worker alive, and
are reminders going out."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app
from reminders.selectors import delivery_health, worker_last_seen

log = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            # A connection object alone proves little on some transports; open a channel.
            conn.default_channel  # noqa: B018
        return True
    except Exception:
        return False


def _reminders() -> dict | None:
    try:
        health = delivery_health()
    except Exception:
        log.exception("Could not read the delivery figures")
        return None
    last = health["last_email"]
    if last:
        last = {**last, "at": last["at"].isoformat()}
    return {**health, "last_email": last}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker both answer, 503 otherwise.

    Reminders waiting too long (an e-mail retried, or no worker taking them) make the status
    "degraded" but keep the 200: the web tier can still serve, and a load balancer should not
    take it out of rotation for a mail server's trouble. Monitoring reads the body.
    """
    database = _database_ok()
    broker = _broker_ok()
    last_seen = worker_last_seen() if database else None
    reminders = _reminders() if database else None
    status = "ok" if database and broker else "unavailable"
    if (
        status == "ok"
        and reminders
        and reminders["oldest_waiting_seconds"] > settings.REMINDER_HEALTH_MAX_WAIT_SECONDS
    ):
        status = "degraded"
    body = {
        "status": status,
        "database": "ok" if database else "unavailable",
        "broker": "ok" if broker else "unavailable",
        # Informational: the worker's last heartbeat, written by a beat-scheduled task.
        "worker_last_seen": last_seen.isoformat() if last_seen else None,
        # Counts and times only: /healthz is public.
        "reminders": reminders,
    }
    return JsonResponse(body, status=200 if database and broker else 503)
