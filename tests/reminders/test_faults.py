"""Fault tests against real processes: a Celery worker (killed with SIGKILL), PostgreSQL, Redis
(stopped and started again) and an SMTP server on loopback that refuses for a while.

They need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); each takes under two minutes.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import time as clock
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import WorkingPeriod
from reminders.models import Digest, Reminder
from tests.factories import MembershipFactory
from tests.reminders.conftest import make_reminder
from tests.reminders.smtp import CountingHandler, free_port, start_smtp

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


class Stack:
    """Workers and dispatcher loops as subprocesses, pointed at the test database."""

    def __init__(self, tmp_path, redis_url: str, smtp_port: int):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                f"{db['NAME']}"
            ),
            "REDIS_URL": redis_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            "LIMEN_DATA_DIR": str(tmp_path),
            "STALE_SECONDS": "15",
        }
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []

    def start(self, role: str, name: str) -> subprocess.Popen:
        args = [sys.executable, "-m", "tests.reminders._stack", role]
        if role == "worker":
            args += [
                "-n",
                f"{name}@%h",
                "--concurrency=2",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        log = open(self.tmp_path / f"{name}.log", "ab")  # noqa: SIM115
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen, sig=signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(30)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process, signal.SIGTERM if False else signal.SIGKILL)


@pytest.fixture
def smtp():
    handler = CountingHandler()
    controller = start_smtp(handler)
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def clean_queue(redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


def people(count: int) -> list:
    users = [MembershipFactory().user for _ in range(count)]
    WorkingPeriod.objects.bulk_create(
        WorkingPeriod(user=u, weekday=d, start=clock(0, 0), end=clock(23, 59))
        for u in users
        for d in range(7)
    )
    return users


def due_reminders(users, count: int, start: int = 0) -> list[Reminder]:
    return [
        make_reminder(
            users[i % len(users)],
            data={"client": f"C-{start + i}", "session": "2026-03-02"},
        )
        for i in range(count)
    ]


def wait_until(condition, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def all_sent(count: int) -> bool:
    return Reminder.objects.filter(status=Reminder.Status.SENT).count() == count


def assert_nothing_doubled(handler: CountingHandler, reminders: list[Reminder]) -> None:
    by_id = handler.codes_by_message_id()
    # The same reminder never arrived under two Message-IDs ...
    seen: dict[str, str] = {}
    for message_id, codes in by_id.items():
        for code in codes:
            assert code not in seen, f"{code} in {seen.get(code)} and {message_id}"
            seen[code] = message_id
    # ... every reminder arrived ...
    assert set(seen) == {r.data["client"] for r in reminders}
    # ... and a Message-ID received twice (a re-sent digest) carried the same reminders.
    for copies in handler.received.values():
        assert len(set(copies)) == 1
    assert set(by_id) == set(Digest.objects.values_list("message_id", flat=True))


def test_killed_worker_mid_batch_loses_and_doubles_nothing(tmp_path, postgres, clean_queue, smtp):
    handler, port = smtp
    handler.delay = 0.05
    users = people(100)
    reminders = due_reminders(users, 500)
    stack = Stack(tmp_path, clean_queue, port)
    try:
        worker = stack.start("worker", "w1")
        stack.start("dispatch-loop", "loop1")
        assert wait_until(lambda: handler.count >= 15, 60), (tmp_path / "w1.log").read_text()
        stack.kill(worker)  # SIGKILL to the whole process group, children included
        in_flight = Reminder.objects.filter(status=Reminder.Status.CLAIMED).count()
        stack.start("worker", "w1b")
        assert wait_until(lambda: all_sent(500), 100), Reminder.objects.exclude(
            status="sent"
        ).values_list("status", flat=True)
    finally:
        stack.stop()
    assert in_flight > 0, "the kill should have caught deliveries in flight"
    assert_nothing_doubled(handler, reminders)
    assert Digest.objects.filter(state=Digest.State.SENDING).count() == 0


def test_smtp_refusing_for_a_while_records_attempts_then_delivers(
    tmp_path, postgres, clean_queue, smtp
):
    handler, port = smtp
    handler.refuse_until = time.monotonic() + 6
    users = people(3)
    reminders = due_reminders(users, 9)
    stack = Stack(tmp_path, clean_queue, port)
    try:
        stack.start("worker", "w1")
        stack.start("dispatch-loop", "loop1")
        assert wait_until(lambda: all_sent(9), 90), (tmp_path / "w1.log").read_text()
    finally:
        stack.stop()
    assert handler.refused >= 3
    attempts = list(Reminder.objects.values_list("attempts", flat=True))
    assert all(a >= 1 for a in attempts)
    assert_nothing_doubled(handler, reminders)


def test_two_workers_and_two_dispatchers_double_nothing(tmp_path, postgres, clean_queue, smtp):
    handler, port = smtp
    users = people(40)
    reminders = due_reminders(users, 200)
    stack = Stack(tmp_path, clean_queue, port)
    try:
        for n in (1, 2):
            stack.start("worker", f"w{n}")
            stack.start("dispatch-loop", f"loop{n}")
        more = due_reminders(users, 100, start=200)
        assert wait_until(lambda: all_sent(300), 90)
    finally:
        stack.stop()
    assert_nothing_doubled(handler, reminders + more)


def test_redis_outage_delays_but_does_not_lose_reminders(tmp_path, postgres, smtp):
    from tests.conftest import need

    need(os.path.exists("/usr/bin/redis-server"), "redis-server is not installed")
    handler, port = smtp
    redis_port = free_port()
    redis_dir = tmp_path / "redis"
    redis_dir.mkdir()

    def start_redis():
        return subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(redis_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def redis_up() -> bool:
        import redis

        try:
            return redis.Redis(port=redis_port, socket_connect_timeout=1).ping()
        except redis.RedisError:
            return False

    server = start_redis()
    assert wait_until(redis_up, 10)
    users = people(5)
    before = due_reminders(users, 10)
    stack = Stack(tmp_path, f"redis://127.0.0.1:{redis_port}/0", port)
    try:
        stack.start("worker", "w1")
        stack.start("dispatch-loop", "loop1")
        assert wait_until(lambda: all_sent(10), 60)
        subprocess.run(["redis-cli", "-p", str(redis_port), "shutdown", "nosave"], check=False)
        server.wait(10)
        during = due_reminders(users, 10, start=100)
        time.sleep(30)  # the outage itself: the test is about what happens after it
        server = start_redis()
        assert wait_until(redis_up, 10)
        after = due_reminders(users, 10, start=200)
        assert wait_until(lambda: all_sent(30), 90), (tmp_path / "w1.log").read_text()[-3000:]
    finally:
        stack.stop()
        server.kill()
        server.wait(10)
    assert_nothing_doubled(handler, before + during + after)
