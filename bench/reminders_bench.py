"""Reminder dispatch throughput on PostgreSQL + Redis, delivering to a local SMTP server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/limen_reminders_bench \
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/reminders_bench.py

Creates (and empties) the database, then for one and for two Celery workers (concurrency 2
each): writes N due reminders over N/5 people, runs the dispatcher loop and times until every
reminder is sent. Prints reminders/second.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
COUNT = int(os.environ.get("BENCH_REMINDERS", "2000"))


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL; this bench measures those.")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
    )
    import django

    django.setup()
    import redis
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Membership, Organisation, User
    from reminders.models import Delivery, Digest, Reminder
    from tests.reminders.smtp import CountingHandler, start_smtp

    handler = CountingHandler()
    smtp = start_smtp(handler)
    org, _ = Organisation.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    users = []
    for n in range(COUNT // 5):
        user, _ = User.objects.get_or_create(email=f"bench{n}@bench.example")
        Membership.objects.get_or_create(user=user, defaults={"organisation": org})
        users.append(user)
    from datetime import time as clock

    from accounts.models import WorkingPeriod

    WorkingPeriod.objects.filter(user__in=users).delete()
    WorkingPeriod.objects.bulk_create(
        WorkingPeriod(user=u, weekday=d, start=clock(0, 0), end=clock(23, 59))
        for u in users
        for d in range(7)
    )
    env = {
        **os.environ,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "0",
        "DISPATCH_EVERY": "0.5",
    }
    print(f"reminders bench: {COUNT} reminders to {len(users)} people, PostgreSQL + Redis")
    for workers in (1, 2):
        Delivery.objects.all().delete()
        Reminder.objects.all().delete()
        Digest.objects.all().delete()
        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
        now = timezone.now()
        Reminder.objects.bulk_create(
            Reminder(
                organisation=org,
                recipient=users[i % len(users)],
                kind="flag_followup",
                data={"client": f"C-{i}", "session": "2026-03-02"},
                idempotency_key=f"bench:{uuid.uuid4()}",
                due_at=now,
                deliver_after=now,
            )
            for i in range(COUNT)
        )
        connection.close()
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.reminders._stack",
                    "worker",
                    "-n",
                    f"b{n}@%h",
                    "--concurrency=2",
                    "--loglevel=ERROR",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
            for n in range(workers)
        ]
        time.sleep(3)  # let the workers boot before the clock starts
        started = time.monotonic()
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "tests.reminders._stack", "dispatch-loop"],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
        )
        try:
            while Reminder.objects.filter(status="sent").count() < COUNT:
                if time.monotonic() - started > 600:
                    sys.exit("timed out")
                time.sleep(0.2)
            elapsed = time.monotonic() - started
        finally:
            for process in processes:
                os.killpg(process.pid, 9)
                process.wait()
        digests = Digest.objects.count()
        print(
            f"  {workers} worker(s) x concurrency 2: {COUNT} reminders in {elapsed:.1f} s = "
            f"{COUNT / elapsed:.0f} reminders/s ({digests} digests, {digests / elapsed:.0f} "
            f"e-mails/s)"
        )
    smtp.stop()


if __name__ == "__main__":
    main()
