"""Limen's own Celery app (``config.celery``) for the fault tests and the bench, with two of the
reminders' timings shortened so that a test sees a whole recovery in seconds:

* a claim's lease lasts ``LIMEN_CLAIM_LEASE_SECONDS`` (default 15, renewed every third of it)
  instead of the production values in settings;
* e-mail back-off counts in seconds (1, 2, 4 …) instead of minutes.

Everything else is the real thing, started with the real ``celery`` command:

    celery -A tests.reminders._stack worker ...
    celery -A tests.reminders._stack beat ...

The dispatcher's interval comes from settings (``LIMEN_DISPATCH_SECONDS``).
"""

import os
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from reminders import delivery  # noqa: E402


def _retry_delay_in_seconds(attempts: int) -> timedelta:
    return timedelta(seconds=2 ** max(attempts - 1, 0))


settings.REMINDER_CLAIM_LEASE_SECONDS = float(os.environ.get("LIMEN_CLAIM_LEASE_SECONDS", "15"))
settings.REMINDER_CLAIM_RENEW_SECONDS = settings.REMINDER_CLAIM_LEASE_SECONDS / 3
delivery.retry_delay = _retry_delay_in_seconds

from config.celery import app  # noqa: E402

__all__ = ["app"]
