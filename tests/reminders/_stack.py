"""Processes for the fault tests: a Celery worker and a dispatcher loop, with the reminders'
timings shortened (stale claims after a few seconds, back-off in seconds instead of minutes).

    python -m tests.reminders._stack worker [celery worker options]
    python -m tests.reminders._stack dispatch-loop
"""

import os
import sys
import time
from datetime import timedelta


def _shorten() -> None:
    from reminders import delivery

    delivery.STALE_CLAIM_AFTER = timedelta(seconds=int(os.environ.get("STALE_SECONDS", "15")))
    delivery.retry_delay = lambda attempts: timedelta(seconds=2 ** max(attempts - 1, 0))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    _shorten()
    if sys.argv[1] == "worker":
        from config.celery import app

        app.worker_main(["worker", *sys.argv[2:]])
    elif sys.argv[1] == "dispatch-loop":
        from django.db import close_old_connections

        from reminders.tasks import dispatch_due

        while True:
            try:
                dispatch_due()
            except Exception as exc:  # keep looping through outages, like beat would
                print(f"dispatch failed: {exc!r}", flush=True)
            close_old_connections()
            time.sleep(float(os.environ.get("DISPATCH_EVERY", "1")))


if __name__ == "__main__":
    main()
