"""Limen's own Celery app (``config.celery``) for the fault tests and the bench, with two of the
reminders' timings shortened so that a test sees a whole recovery in seconds:

* a claim is abandoned after ``LIMEN_STALE_CLAIM_SECONDS`` (default 15) instead of ten minutes;
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

from reminders import delivery  # noqa: E402


def _retry_delay_in_seconds(attempts: int) -> timedelta:
    return timedelta(seconds=2 ** max(attempts - 1, 0))


delivery.STALE_CLAIM_AFTER = timedelta(
    seconds=float(os.environ.get("LIMEN_STALE_CLAIM_SECONDS", "15"))
)
delivery.retry_delay = _retry_delay_in_seconds

from config.celery import app  # noqa: E402

__all__ = ["app"]
