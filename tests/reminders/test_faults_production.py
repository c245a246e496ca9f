"""Fault tests at the production timings: the Procfile's worker and beat, with nothing shortened.

The dispatcher runs every minute (``LIMEN_DISPATCH_SECONDS=60``), a claim is a 45-second lease
renewed every 15 s, e-mail back-off counts in minutes and the SMTP client gives up after 20 s,
all as in ``config/settings.py``. Against PostgreSQL, a redis-server of each case's own and an SMTP
server on loopback, five cases, each with the figures the README's table gives (reminders,
delivered, repeated e-mails and reminders, lost, recovery time):

* the worker SIGKILLed mid-delivery of 500 reminders;
* Redis stopped for 30 s while 600 reminders are due (their queued deliveries lost with it);
* an SMTP server that accepts a message but answers after the client's timeout;
* an SMTP server that refuses (451) for a while;
* reminders of one person falling due over three minutes (one digest, not one per dispatch run).

A case takes three to four minutes, mostly waiting for the dispatcher's minute, so the five run
side by side: a module fixture starts them together, each in a thread of its own with its own
database (a copy of the test database), Redis, SMTP port and processes, and each test asserts
one case's outcome. The figures are printed with each test and written to
``test-results/reminder-faults.md``.
"""

import asyncio
import contextlib
import logging
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from journal.reminders import FLAG_FOLLOWUP
from reminders import delivery
from reminders import schedule as reminder_schedule
from reminders.models import Digest, Reminder
from tests.conftest import need
from tests.reminders.conftest import make_reminder
from tests.reminders.smtp import CountingHandler, start_smtp
from tests.reminders.test_faults import (
    ROOT,
    RedisServer,
    Stack,
    due_reminders,
    people,
    pool_children,
    sent,
    wait_until,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    # The tests read no rows (each case has a database of its own); the mark makes pytest-django
    # set up the test database the cases copy.
    pytest.mark.django_db(transaction=True),
]

# config/settings.py's dispatcher interval, which the stacks set explicitly: an environment that
# shortens it for other tests must not shorten it here.
DISPATCH_SECONDS = 60
# The SMTP client's timeout (config/settings.py, EMAIL_TIMEOUT) and a reply later than it.
EMAIL_TIMEOUT_SECONDS = 20
LATE_REPLY_SECONDS = 30
# Room for starting processes and for the work itself on a loaded machine.
MARGIN_SECONDS = 20
FIGURES_FILE = ROOT / "test-results" / "reminder-faults.md"
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every command


def procfile(process: str) -> list[str]:
    """The Procfile's command for ``process``, run with this interpreter's celery."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process:
            argv = shlex.split(command)
            assert argv[0] == "celery", line
            return [sys.executable, "-m", "celery", *argv[1:]]
    raise LookupError(f"no {process} in the Procfile")


class ProductionStack(Stack):
    """The Procfile's worker and beat with the production settings: nothing shortened."""

    def __init__(self, tmp_path: Path, smtp_port: int, broker_url: str):
        super().__init__(tmp_path, smtp_port, broker_url)
        for name in (
            "LIMEN_CLAIM_LEASE_SECONDS",
            "LIMEN_GATHER_SECONDS",
            "LIMEN_HEARTBEAT_SECONDS",
            "EMAIL_TIMEOUT",
        ):
            self.env.pop(name, None)
        self.env["LIMEN_DISPATCH_SECONDS"] = str(DISPATCH_SECONDS)

    def celery(self, args: list[str]) -> list[str]:
        return args

    def worker(self, name: str) -> subprocess.Popen:
        return self._start(name, procfile("worker"))  # its concurrency: one process per core

    def beat(self, name: str) -> subprocess.Popen:
        return self._start(name, procfile("beat"))

    def dispatch_runs(self) -> int:
        """How many dispatch runs the workers finished so far."""
        return sum(
            len(re.findall(r"dispatch_due\[[^\]]+\] succeeded", path.read_text(errors="replace")))
            for path in self.tmp_path.glob("w*.log")
        )


class LateReplies(CountingHandler):
    """Accepts every message but answers only after ``late`` seconds (the client has given up by
    then), until the test sets ``late`` to 0."""

    def __init__(self, late: float):
        super().__init__()
        self.late = late

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        answer = await super().handle_DATA(server, session, envelope)
        if self.late:
            await asyncio.sleep(self.late)  # the event loop serves other connections meanwhile
        return answer


class RefusingForAWhile(CountingHandler):
    """Answers 451 from the first message on for ``seconds``, then accepts."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds
        self.since: float | None = None
        self.refused_ids: list[str] = []
        self.last_refusal = 0.0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        now = time.monotonic()
        with self.lock:
            self.since = self.since if self.since is not None else now
            refusing = now < self.since + self.seconds
            if refusing:
                message = message_from_bytes(envelope.content, policy=policy.default)
                self.refused_ids.append(message["Message-ID"])
                self.refused += 1
                self.last_refusal = now
        if refusing:
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


# --- Figures ----------------------------------------------------------------------------------


@dataclass
class Figures:
    case: str
    reminders: int = 0
    delivered: int = 0
    repeated_emails: int = 0
    repeated_reminders: int = 0
    lost: int = 0
    recovery: float | None = None
    note: str = ""

    def line(self) -> str:
        recovery = f"{self.recovery:.0f} s" if self.recovery is not None else "—"
        repeated = f"{self.repeated_emails} e-mail{'s' if self.repeated_emails != 1 else ''}"
        if self.repeated_emails:
            repeated += f" ({self.repeated_reminders} reminders)"
        return (
            f"| {self.case} | {self.reminders} | {self.delivered} | {repeated} | {self.lost} "
            f"| {recovery} | {self.note} |"
        )


def count(handler: CountingHandler, reminders: list[Reminder], figures: Figures) -> None:
    """Fill in delivered, repeated and lost from what the server received and the rows say."""
    arrivals: Counter = Counter()
    with handler.lock:
        copies = {mid: list(c) for mid, c in handler.received.items()}
    for each in copies.values():
        for codes in each:
            arrivals.update(codes)
    codes = {r.data["client"] for r in reminders}
    sent_codes = {
        r.data["client"]
        for r in Reminder.objects.filter(
            pk__in=[r.pk for r in reminders], status=Reminder.Status.SENT
        )
    }
    figures.reminders = len(reminders)
    figures.delivered = sum(1 for code in codes if arrivals[code])
    figures.lost = len({code for code in codes if not arrivals[code]} | (codes - sent_codes))
    figures.repeated_emails = sum(len(each) - 1 for each in copies.values())
    figures.repeated_reminders = sum(n - 1 for n in arrivals.values() if n > 1)


def assert_one_message_id_per_reminder(handler: CountingHandler) -> None:
    """A reminder never arrived under two Message-IDs, and the copies of a Message-ID carried
    the same reminders: a repeat is the same message again."""
    seen: dict[str, str] = {}
    with handler.lock:
        copies = {mid: list(c) for mid, c in handler.received.items()}
    for message_id, each in copies.items():
        assert len(set(each)) == 1, f"{message_id} carried different reminders: {each}"
        for code in each[0]:
            assert code not in seen, f"{code} arrived in {seen.get(code)} and {message_id}"
            seen[code] = message_id


def assert_rows_finished(reminders: list[Reminder]) -> None:
    assert sent(reminders) == len(reminders)
    assert not Digest.objects.exclude(state=Digest.State.SENT).exists()


# --- Running the cases side by side -------------------------------------------------------------


@dataclass
class Run:
    figures: Figures
    error: BaseException | None = None
    trace: str = ""
    details: dict = field(default_factory=dict)

    def check(self) -> None:
        print(self.figures.line())
        if self.error is not None:
            raise AssertionError(f"{self.figures.case}:\n{self.trace}") from self.error


FACTORIES = threading.Lock()  # factory_boy's sequences are not made for threads


@contextlib.contextmanager
def own_database(name: str):
    """Point this thread's connection (Django keeps one per thread) at database ``name``."""
    own = connections["default"]
    own.close()
    own.settings_dict = {**own.settings_dict, "NAME": name}
    try:
        yield
    finally:
        own.close()


def everyone(count: int) -> list:
    with FACTORIES:
        return people(count)


def due_with_the_retry(users, waiting: list[Reminder]) -> list[Reminder]:
    """One more reminder for each of ``users``, due when their ``waiting`` ones are tried
    again (``C-100``, ``C-101`` …)."""
    later = []
    for n, user in enumerate(users):
        mine = Reminder.objects.filter(recipient=user, pk__in=[r.pk for r in waiting])
        moment = mine.values_list("deliver_after", flat=True).first()
        later.append(
            make_reminder(
                user,
                data={"client": f"C-{100 + n}", "session": "2026-03-02"},
                due_at=moment,
                deliver_after=moment,
            )
        )
    return later


def timed_wait(condition: Callable[[], bool], timeout: float) -> float | None:
    """Wait for ``condition``; the monotonic time it first held, or None."""
    return time.monotonic() if wait_until(condition, timeout, 0.5) else None


def case_worker_killed(tmp_path: Path, figures: Figures, details: dict) -> None:
    """SIGKILL to the worker (and its pool) while it delivers 500 reminders to 100 people; a new
    worker starts at once, as a process manager starts it again."""
    handler = CountingHandler(delay=0.05)  # a slow server keeps deliveries in flight
    controller = start_smtp(handler)
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    reminders = due_reminders(everyone(100), 500)
    stack = ProductionStack(tmp_path, controller.port, redis.url)
    sending = Digest.objects.filter(state=Digest.State.SENDING)
    try:
        worker = stack.worker("w1")
        stack.beat("beat")
        assert wait_until(
            lambda: handler.count >= 15 and sending.exists(), DISPATCH_SECONDS + 90, 0.05
        ), stack.logs()
        details["processes"] = len(pool_children(worker))
        stack.kill(worker)
        killed_at = time.monotonic()
        details["sending"] = sending.count()
        details["received_before"] = handler.count
        stack.worker("w2")
        done = timed_wait(
            lambda: sent(reminders) == len(reminders) and not sending.exists(),
            settings.REMINDER_RECOVERY_SECONDS + 90,
        )
        assert done is not None, stack.logs()
        figures.recovery = done - killed_at
    finally:
        stack.stop()
        controller.stop()
        redis.stop()
    count(handler, reminders, figures)
    figures.note = (
        f"{details['processes']} pool processes killed, {details['sending']} digest(s) mid-send"
    )
    assert figures.lost == 0 and figures.delivered == len(reminders)
    assert_one_message_id_per_reminder(handler)
    # At most one repeat per process killed mid-send, always under the same Message-ID.
    assert figures.repeated_emails <= min(details["processes"], details["sending"])
    assert_rows_finished(reminders)
    assert figures.recovery <= settings.REMINDER_RECOVERY_SECONDS


def case_redis_stopped(tmp_path: Path, figures: Figures, details: dict) -> None:
    """600 reminders due for 120 people; once deliveries are under way Redis is killed (the
    queued deliveries die with it) and started again, empty, 30 s later."""
    handler = CountingHandler(delay=0.1)
    controller = start_smtp(handler)
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    reminders = due_reminders(everyone(120), 600)
    stack = ProductionStack(tmp_path, controller.port, redis.url)
    try:
        stack.worker("w1")
        stack.beat("beat")
        assert wait_until(lambda: handler.count >= 10, DISPATCH_SECONDS + 90, 0.05), stack.logs()
        redis.stop()
        details["claimed"] = Reminder.objects.filter(status=Reminder.Status.CLAIMED).count()
        time.sleep(30)  # the outage itself
        redis.start()
        back_at = time.monotonic()
        done = timed_wait(
            lambda: sent(reminders) == len(reminders),
            settings.REMINDER_RECOVERY_SECONDS + 90,
        )
        assert done is not None, stack.logs()
        figures.recovery = done - back_at
    finally:
        stack.stop()
        controller.stop()
        redis.stop()
    count(handler, reminders, figures)
    figures.note = f"{details['claimed']} reminders claimed when Redis went down"
    assert details["claimed"] > 0, "Redis should have gone down with deliveries queued"
    assert figures.lost == 0 and figures.delivered == len(reminders)
    assert figures.repeated_emails == figures.repeated_reminders == 0  # delivered once
    assert_one_message_id_per_reminder(handler)
    assert_rows_finished(reminders)
    assert figures.recovery <= settings.REMINDER_RECOVERY_SECONDS


def case_late_reply(tmp_path: Path, figures: Figures, details: dict) -> None:
    """The server accepts each message but answers after the client's timeout, then (from the
    first retry on) in time. The sender cannot know the first copy arrived: it sends the same
    digest again under the same Message-ID and never regroups those reminders, not even with one
    of the person's falling due meanwhile."""
    handler = LateReplies(LATE_REPLY_SECONDS)
    controller = start_smtp(handler)
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    users = everyone(4)
    first = due_reminders(users, 20)
    stack = ProductionStack(tmp_path, controller.port, redis.url)
    try:
        stack.worker("w1")
        stack.beat("beat")
        unanswered = Reminder.objects.filter(pk__in=[r.pk for r in first]).exclude(last_error="")
        # Four conversations of 20 s each, two at a time.
        assert wait_until(
            lambda: unanswered.count() == len(first),
            DISPATCH_SECONDS + 2 * EMAIL_TIMEOUT_SECONDS + 60,
        ), stack.logs()
        failed_at = time.monotonic()
        handler.late = 0  # the server answers in time from now on
        held = {m: set(c) for m, c in handler.codes_by_message_id().items()}
        later = due_with_the_retry(users, first)
        everything = first + later
        done = timed_wait(
            lambda: sent(everything) == len(everything),
            delivery.retry_delay(1).total_seconds() + DISPATCH_SECONDS + 90,
        )
        assert done is not None, stack.logs()
        figures.recovery = done - failed_at
    finally:
        stack.stop()
        controller.stop()
        redis.stop()
    count(handler, everything, figures)
    figures.note = "the unanswered copy and its repeat share a Message-ID"
    assert "may or may not have been accepted" in stack.logs(tail=10**6)
    assert figures.lost == 0 and figures.delivered == len(everything)
    assert len(held) == len(users)
    by_id = handler.codes_by_message_id()
    for message_id, codes in held.items():
        # Sent again whole, under the same Message-ID: received twice, the same reminders.
        assert len(handler.received[message_id]) == 2, message_id
        assert by_id[message_id] == codes
    # The reminders due meanwhile went in e-mails of their own, once each.
    fresh = {m: c for m, c in by_id.items() if m not in held}
    assert set().union(*fresh.values()) == {r.data["client"] for r in later}
    assert all(len(handler.received[m]) == 1 for m in fresh)
    assert_one_message_id_per_reminder(handler)
    assert set(Digest.objects.values_list("message_id", flat=True)) == set(by_id)
    assert figures.repeated_emails == len(users)
    assert_rows_finished(everything)
    assert figures.recovery <= (
        delivery.retry_delay(1).total_seconds() + DISPATCH_SECONDS + MARGIN_SECONDS
    )


def case_refused(tmp_path: Path, figures: Figures, details: dict) -> None:
    """The server answers 451 for 30 s. A refused digest is undone: its reminders are tried again
    after the back-off (one minute after the first failure), regrouped with the person's
    reminders due by then, and arrive once."""
    handler = RefusingForAWhile(30)
    controller = start_smtp(handler)
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    users = everyone(5)
    first = due_reminders(users, 20)
    stack = ProductionStack(tmp_path, controller.port, redis.url)
    try:
        stack.worker("w1")
        stack.beat("beat")
        refused = Reminder.objects.filter(pk__in=[r.pk for r in first], attempts=1)
        assert wait_until(lambda: refused.count() == len(first), DISPATCH_SECONDS + 60), (
            stack.logs()
        )
        assert not Digest.objects.exists()  # refused: nothing reached anyone, nothing kept
        later = due_with_the_retry(users, first)
        everything = first + later
        done = timed_wait(
            lambda: sent(everything) == len(everything),
            delivery.retry_delay(1).total_seconds() + DISPATCH_SECONDS + 90,
        )
        assert done is not None, stack.logs()
        refusing_ended = handler.since + handler.seconds
        figures.recovery = done - refusing_ended
        details["after_last_refusal"] = done - handler.last_refusal
    finally:
        stack.stop()
        controller.stop()
        redis.stop()
    count(handler, everything, figures)
    figures.note = f"{handler.refused} refusals; each person's reminders regrouped into one e-mail"
    assert figures.lost == 0 and figures.delivered == len(everything)
    assert figures.repeated_emails == figures.repeated_reminders == 0  # delivered once
    assert_one_message_id_per_reminder(handler)
    by_id = handler.codes_by_message_id()
    assert not set(handler.refused_ids) & set(by_id)  # a refused digest is never sent again ...
    for user in users:  # ... its reminders went, with the one due by then, in one new e-mail
        codes = {r.data["client"] for r in everything if r.recipient_id == user.pk}
        assert codes in [set(c) for c in by_id.values()], codes
    # Refused once (30 s of refusals, the first retry a minute later), the error cleared.
    assert set(
        Reminder.objects.filter(pk__in=[r.pk for r in first]).values_list("attempts", flat=True)
    ) == {1}
    assert not Reminder.objects.exclude(last_error="").exists()
    assert_rows_finished(everything)
    # Within the back-off the settings give: retry one minute after the last refusal, picked up
    # by the next dispatch run.
    assert details["after_last_refusal"] <= (
        delivery.retry_delay(1).total_seconds() + DISPATCH_SECONDS + MARGIN_SECONDS
    )


def case_gathering(tmp_path: Path, figures: Figures, details: dict) -> None:
    """Three people, each with five reminders falling due 40 s apart (over 160 s), and one with a
    lone reminder: each of the three gets one digest once the last is due, however many dispatch
    runs pass meanwhile; the lone reminder goes at the first run."""
    assert settings.REMINDER_GATHER_SECONDS >= 160, "the five must fall due within the interval"
    handler = CountingHandler()
    controller = start_smtp(handler)
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    users = everyone(4)
    gathered, lone = users[:3], users[3]
    start = timezone.now()
    started_at = time.monotonic()
    reminders = [
        reminder_schedule(
            kind=FLAG_FOLLOWUP,
            recipient=user,
            about=f"journal.flag:{p}-{n}",
            key=f"gathering:{p}-{n}",
            due_at=start + timedelta(seconds=40 * n),
            data={"client": f"C-{10 * p + n}", "session": "2026-03-02"},
        )
        for p, user in enumerate(gathered)
        for n in range(5)
    ]
    single = reminder_schedule(
        kind=FLAG_FOLLOWUP,
        recipient=lone,
        about="journal.flag:lone",
        key="gathering:lone",
        due_at=start,
        data={"client": "C-99", "session": "2026-03-02"},
    )
    last_due = started_at + 160
    stack = ProductionStack(tmp_path, controller.port, redis.url)
    arrivals: dict[str, float] = {}

    def note_arrivals() -> bool:
        for message_id in handler.codes_by_message_id():
            arrivals.setdefault(message_id, time.monotonic())
        if time.monotonic() >= last_due:
            # Runs before the last fell due found some due and more coming, and held them.
            details.setdefault("held_runs", stack.dispatch_runs())
        return sent(reminders + [single]) == len(reminders) + 1

    try:
        stack.worker("w1")
        stack.beat("beat")
        assert wait_until(note_arrivals, 160 + 2 * DISPATCH_SECONDS + 60, 0.5), stack.logs()
    finally:
        stack.stop()
        controller.stop()
        redis.stop()
    count(handler, reminders + [single], figures)
    by_id = handler.codes_by_message_id()
    lone_id = next(m for m, codes in by_id.items() if codes == {"C-99"})
    digests = {m: codes for m, codes in by_id.items() if m != lone_id}
    first_digest = min(arrivals[m] for m in digests)
    runs = details["held_runs"]
    figures.note = (
        f"{len(digests)} digests for {len(gathered)} people after {runs} dispatch runs held them; "
        "sent "
        f"{first_digest - last_due:.0f} s after the last fell due"
    )
    assert figures.lost == 0 and figures.delivered == len(reminders) + 1
    assert figures.repeated_emails == 0
    # One e-mail per person, with all five ...
    assert sorted(map(sorted, digests.values())) == sorted(
        sorted(f"C-{10 * p + n}" for n in range(5)) for p in range(len(gathered))
    )
    # ... sent once the last fell due, by the dispatch run after it ...
    assert all(
        last_due - 1 <= arrivals[m] <= last_due + DISPATCH_SECONDS + MARGIN_SECONDS for m in digests
    )
    # ... although runs came while some were due and more were coming (one e-mail a run without
    # gathering) ...
    assert runs >= 2, f"{runs} dispatch runs"
    # ... while the lone reminder did not wait.
    assert arrivals[lone_id] < first_digest
    assert arrivals[lone_id] <= started_at + DISPATCH_SECONDS + MARGIN_SECONDS
    assert_rows_finished(reminders + [single])


CASES: dict[str, tuple[str, Callable]] = {
    "killed": ("a. worker SIGKILLed mid-delivery", case_worker_killed),
    "redis": ("b. Redis stopped for 30 s", case_redis_stopped),
    "late": ("c. SMTP answers after the timeout", case_late_reply),
    "refused": ("d. SMTP refuses (451) for 30 s", case_refused),
    "gathering": ("e. reminders falling due over 160 s", case_gathering),
}


def _server() -> psycopg.Connection:
    """A connection to the PostgreSQL server itself, for creating and dropping databases."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _clone(template: str, names: list[str]) -> None:
    """Copies of the (migrated, empty) test database, one per case."""
    connections.close_all()  # a template may have no other sessions
    with _server() as server:
        for name in names:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for attempt in range(10):
                try:
                    server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                    break
                except psycopg.errors.ObjectInUse:  # a session closing just now
                    if attempt == 9:
                        raise
                    time.sleep(1)


def _drop(names: list[str]) -> None:
    with _server() as server:
        for name in names:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def runs(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every case, run side by side; each test then asserts its own."""
    need(bool(shutil.which("redis-server")), "redis-server is not installed")
    with django_db_blocker.unblock():
        need(connection.vendor == "postgresql", "PostgreSQL is not configured (set DATABASE_URL)")
        template = connection.settings_dict["NAME"]
        names = {key: f"{template}_{key}"[:63] for key in CASES}
        _clone(template, list(names.values()))
        results = {key: Run(Figures(title)) for key, (title, _case) in CASES.items()}

        def run(key: str) -> None:
            result = results[key]
            try:
                with own_database(names[key]):
                    CASES[key][1](tmp_path_factory.mktemp(key), result.figures, result.details)
            except BaseException as exc:  # reported by the case's test
                result.error, result.trace = exc, traceback.format_exc()

        threads = [threading.Thread(target=run, args=(key,), name=key) for key in CASES]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:  # each case gives up within its own bounds, long before this
            thread.join(max(started + 900 - time.monotonic(), 0))
        took = time.monotonic() - started
        _drop(list(names.values()))
    table = [
        "| case | reminders | delivered | repeated | lost | recovery | |",
        "|---|---|---|---|---|---|---|",
        *(r.figures.line() for r in results.values()),
        "",
        f"All five side by side: {took:.0f} s.",
    ]
    FIGURES_FILE.parent.mkdir(exist_ok=True)
    FIGURES_FILE.write_text("\n".join(table) + "\n")
    yield results


def test_a_worker_killed_mid_delivery_repeats_at_most_one_email_per_process(runs):
    runs["killed"].check()


def test_redis_stopped_for_30_seconds_delays_every_reminder_less_than_two_minutes(runs):
    runs["redis"].check()


def test_a_reply_after_the_timeout_sends_the_same_message_again_never_regrouped(runs):
    runs["late"].check()


def test_a_refusal_regroups_and_delivers_once_within_the_back_off(runs):
    runs["refused"].check()


def test_reminders_falling_due_minutes_apart_go_in_one_digest_per_person(runs):
    runs["gathering"].check()
