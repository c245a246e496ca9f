"""Reminder dispatch throughput on PostgreSQL + Redis, delivering to a local SMTP server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/limen \
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/reminders_bench.py

Nothing of yours is touched: the bench creates its own database next to DATABASE_URL's
(``<name>_reminders_bench``, dropped at the end) and, when redis-server is installed, runs its own
Redis on a free port (otherwise it uses REDIS_URL as given). For one and then two Celery workers
(``celery -A config worker``, concurrency 2 each, the Procfile's options) and a real ``celery
beat`` running the dispatcher every second instead of every minute, it writes N due reminders for
N/5 people, then times until every reminder is marked sent and every e-mail has reached the
aiosmtpd server on loopback. Prints reminders per second.
"""

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import time as clock
from pathlib import Path

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
COUNT = int(os.environ.get("BENCH_REMINDERS", "2000"))
PER_PERSON = 5
WORKER_OPTIONS = ["--without-gossip", "--without-mingle"]  # the Procfile's


def _own_database(url: str) -> tuple[str, str]:
    """A fresh database beside the configured one: (its URL, its name)."""
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_reminders_bench"
    admin = f"host={config['HOST'] or '127.0.0.1'} port={config['PORT'] or 5432} "
    admin += f"user={config['USER'] or 'postgres'} dbname=postgres"
    if config["PASSWORD"]:
        admin += f" password={config['PASSWORD']}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name, admin


def _drop_database(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _own_redis(tmp: Path) -> tuple[str, subprocess.Popen | None]:
    if not shutil.which("redis-server"):
        return os.environ["REDIS_URL"], None
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL,
    )
    return f"redis://127.0.0.1:{port}/0", server


def _wait_for(path: Path, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.1)
    sys.exit(f"timed out waiting for {text!r} in {path}")


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL; this bench measures those.")
    tmp = Path(tempfile.mkdtemp(prefix="limen-reminders-bench-"))
    database_url, admin = _own_database(os.environ["DATABASE_URL"])
    db_name = database_url.rsplit("/", 1)[1]
    redis_url, redis_server = _own_redis(tmp)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "LIMEN_DATA_DIR": str(tmp),
            "LIMEN_DISPATCH_SECONDS": "1",
        }
    )
    try:
        _run(tmp)
    finally:
        from django.db import connections

        connections.close_all()
        if redis_server:
            redis_server.terminate()
            redis_server.wait(10)
        _drop_database(admin, db_name)
        shutil.rmtree(tmp, ignore_errors=True)


def _run(tmp: Path) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
    )
    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Membership, Organisation, User, WorkingPeriod
    from reminders.models import Delivery, Digest, Reminder
    from tests.reminders.smtp import CountingHandler, start_smtp

    handler = CountingHandler()
    smtp = start_smtp(handler)
    org = Organisation.objects.create(slug="bench", name="Bench")
    users = User.objects.bulk_create(
        User(email=f"bench{n}@bench.example", full_name=f"Bench {n}")
        for n in range(COUNT // PER_PERSON)
    )
    Membership.objects.bulk_create(Membership(user=u, organisation=org) for u in users)
    # Around the clock, so that working hours never hold a reminder back during the bench.
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
    }
    print(
        f"reminders bench: {COUNT} reminders to {len(users)} people ({PER_PERSON} each, one "
        f"digest per person), PostgreSQL + Redis, SMTP on loopback; beat dispatching every 1 s; "
        f"{os.cpu_count()} CPUs shared by workers, database, broker and SMTP server"
    )
    for workers in (1, 2):
        Delivery.objects.all().delete()
        Digest.objects.all().delete()
        Reminder.objects.all().delete()
        handler.received.clear()
        connection.close()
        processes = []
        for n in range(workers):
            log = tmp / f"worker{workers}-{n}.log"
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "config", "worker"]
                    + ["-n", f"bench{n}@%h", "--concurrency=2", "--loglevel=INFO"]
                    + WORKER_OPTIONS,
                    cwd=ROOT,
                    env=env,
                    stdout=open(log, "wb"),  # noqa: SIM115 - the child keeps it
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            _wait_for(log, "ready.")
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO"]
                + ["-s", str(tmp / f"beat{workers}")],
                cwd=ROOT,
                env=env,
                stdout=open(tmp / f"beat{workers}.log", "wb"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        try:
            started = time.monotonic()
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
            while Reminder.objects.filter(status="sent").count() < COUNT or handler.count < len(
                users
            ):
                if time.monotonic() - started > 600:
                    sys.exit("timed out")
                time.sleep(0.05)
            elapsed = time.monotonic() - started
        finally:
            for process in processes:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        digests = Digest.objects.count()
        assert handler.count == digests == len(users), (handler.count, digests)
        print(
            f"  {workers} worker(s) x concurrency 2: {COUNT} reminders in {elapsed:.1f} s = "
            f"{COUNT / elapsed:.0f} reminders/s ({digests} digests, {digests / elapsed:.0f} "
            f"e-mails/s)"
        )
    smtp.stop()


if __name__ == "__main__":
    main()
