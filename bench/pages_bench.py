"""Key pages against Django's own floor, served by the production command at demo and at large size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/limen_pages_bench \
    REDIS_URL=redis://127.0.0.1:6379/5 \
    .venv/bin/python bench/pages_bench.py [--scale 0.1] [--rebuild] [--requests 200]

Migrates the database and seeds the demo; then builds (once, kept between runs; ``--rebuild``
makes it again) a seeded, reproducible large agency: one practitioner with 5,000 entries and
2,000 flags, a supervisor of 20 supervisees (19,000 entries), 100,000 directory services, 5,000
reminders and 51,000 audit events; ``--scale`` multiplies every size (0.05 for a quick run).

It starts the Procfile's web command (gunicorn, 2 workers x 2 threads by gunicorn.conf.py) on
127.0.0.1 with DEBUG off and the floor pages on (LIMEN_BENCH_FLOORS=1), signs in through the login
form as real users, and for every page prints the queries it makes (counted in this process
through the same middleware), requests per second, p50/p95/p99 latency, the workers' CPU ms per
request, and its throughput against the floors B1 (an authenticated "ok") and B2 (the base layout)
measured in the same run. Writes bench/results.json. Every loop is bounded and the whole run
stops itself before BENCH_DEADLINE_SECONDS (default 840 s), the server with it.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

STARTED = time.monotonic()
DEADLINE = STARTED + float(os.environ.get("BENCH_DEADLINE_SECONDS", "840"))
HOST = "127.0.0.1"
SEED = 20260315
BATCH = 5_000
CONCURRENCY = 4
# Each page is measured in this many rounds, demo and large size side by side in each.
ROUNDS = 4
PAGE_SECONDS_MAX = 20.0
DEMO_PASSWORD = "limen-demo-2026"
BENCH_PASSWORD = "limen-bench-2026"
LARGE = {
    "practitioner_entries": 5_000,
    "practitioner_flags": 2_000,
    "supervisees": 20,  # the practitioner among them
    "team_entries": 19_000,
    "services": 100_000,
    "reminders": 5_000,
    "audit_events": 51_000,
}
# Targets from the issue, printed beside the figures.
TARGET_VS_B2 = 0.5
TARGET_LIVE_VS_B2 = 0.8
TARGET_CPU_GROWTH = 1.3
TARGET_QUERIES = 10
TARGET_RSS_MB = 150


def remaining() -> float:
    return DEADLINE - time.monotonic()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("BENCH_SCALE", "1")),
        help="multiply the large sizes (or BENCH_SCALE)",
    )
    parser.add_argument("--rebuild", action="store_true", help="generate the large data again")
    parser.add_argument(
        "--requests", type=int, default=600, help="requests per page and size (at most)"
    )
    parser.add_argument("--output", default=str(HERE / "results.json"))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database; this bench measures PostgreSQL.")
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the cache and broker of a production setup.")
    os.environ.update(
        DEBUG="0",
        LIMEN_BENCH_FLOORS="1",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        AXES_ENABLED="0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    watchdog = threading.Timer(remaining(), give_up)
    watchdog.daemon = True
    watchdog.start()
    create_database()
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")  # DEBUG off serves the hashed files
    manage("seed_demo")
    import django

    django.setup()
    deliver_demo_reminders()
    sizes = {size: max(round(n * args.scale), 2) for size, n in LARGE.items()}
    print(
        f"pages bench: scale {args.scale:g}: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items())
    )
    large = large_agency(sizes, rebuild=args.rebuild)
    vacuum()
    demo = demo_people()
    plans = {"demo": page_plan(demo), "large": page_plan(large)}
    queries = {size: count_queries(plan) for size, plan in plans.items()}
    results, errors, memory = serve_and_measure(plans, queries, requests=args.requests)
    report(results, errors, memory)
    Path(args.output).write_text(
        json.dumps(
            {
                "scale": args.scale,
                "sizes": sizes,
                "pages": results,
                "errors": errors,
                "worker_rss_mb": memory["rss"],
                # Shared copy-on-write pages (the preloaded application) count in Rss but
                # are paid once: Pss shares them out, private memory is each worker's own.
                "worker_pss_mb": memory["pss"],
                "worker_private_mb": memory["private"],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwrote {args.output} in {time.monotonic() - STARTED:.0f} s")
    return 0


SERVERS: list[subprocess.Popen] = []


def give_up() -> None:
    """The deadline passed (a first build of the large data set on a slow machine): stop the
    server and leave. The data set is marked complete only at its end, so a later run rebuilds
    what was cut short."""
    print(f"\npages bench: stopped at the deadline ({DEADLINE - STARTED:.0f} s)", flush=True)
    for server in SERVERS:
        stop_server(server)
    os._exit(2)


def manage(*command: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


def create_database() -> None:
    """Create the bench's database when it is missing (the server's own ``postgres`` database is
    used to ask)."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    params = {
        "host": config["HOST"] or HOST,
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not found:
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


# --- Data -----------------------------------------------------------------------------------


def deliver_demo_reminders() -> None:
    """Deliver the demo's reminders as the worker does once they are due, so the demo inbox is
    the one its people see after ``make run`` (an empty inbox reads no page of reminders)."""
    from django.db.models import Max
    from django.test.utils import override_settings

    from reminders import delivery
    from reminders.models import Reminder

    latest = Reminder.objects.aggregate(latest=Max("deliver_after"))["latest"]
    if latest is None:
        return
    # The e-mails of the digests are kept in memory, not printed.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        delivery.reminders_dispatch(
            enqueue=lambda recipient_id, token: delivery.digest_deliver(
                recipient_id=recipient_id, claim_token=token, now=latest
            ),
            now=latest,
        )


def demo_people() -> dict:
    """The demo's practitioner and supervisor, and what their pages need."""
    from accounts.models import User

    return people(
        User.objects.get(email="ana@harbour.example"),
        User.objects.get(email="supervisor@harbour.example"),
        password=DEMO_PASSWORD,
    )


def people(practitioner, supervisor, *, password: str) -> dict:
    from boundaries.models import Take
    from directory.models import Service
    from journal.models import Flag, SessionEntry

    # The same page in the same state at both sizes: the latest entry with a crossing waiting
    # for review (its page also says whose queue it waits in; an entry in another state reads
    # less or more, which would look like growth or shrinkage between the sizes).
    entry = (
        SessionEntry.objects.filter(
            owner=practitioner,
            flags__status=Flag.Status.CONFIRMED,
            flags__reviewed_at__isnull=True,
        )
        .order_by("-occurred_at")
        .first()
    )
    take = (
        Take.objects.filter(user=practitioner, completed_at__isnull=False)
        .order_by("-completed_at")
        .first()
    )
    service = Service.objects.filter(owner=practitioner.membership.organisation).first()
    return {
        "practitioner": practitioner,
        "supervisor": supervisor,
        "password": password,
        "entry": entry,
        "take": take,
        "service": service,
        "organisation": practitioner.membership.organisation,
    }


def large_agency(sizes: dict, *, rebuild: bool) -> dict:
    """The generated agency "bench-large", made when missing, incomplete or asked for."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Organisation, User

    organisation = Organisation.objects.filter(slug="bench-large").first()
    marker = json.dumps(sizes, sort_keys=True)
    if organisation is not None and organisation.name == f"Bench large {marker}" and not rebuild:
        return people(
            User.objects.get(email="practitioner@bench-large.example"),
            User.objects.get(email="supervisor@bench-large.example"),
            password=BENCH_PASSWORD,
        )
    started = time.monotonic()
    if organisation is not None:
        print("  removing the previous large agency")
        remove_agency(organisation)
    organisation = Organisation.objects.create(slug="bench-large", name="Bench large (building)")
    rng = random.Random(SEED)
    password = make_password(BENCH_PASSWORD)
    practitioner, supervisor, team = generate_people(organisation, sizes, password)
    print(f"  people in {time.monotonic() - started:.0f} s")
    generate_journal(rng, organisation, practitioner, team, sizes)
    print(f"  journal in {time.monotonic() - started:.0f} s")
    generate_inventory(practitioner)
    generate_reminders(rng, organisation, practitioner, supervisor, sizes["reminders"])
    generate_audit(rng, organisation, [practitioner, supervisor, *team], sizes["audit_events"])
    print(f"  reminders and audit in {time.monotonic() - started:.0f} s")
    import referrals_bench

    referrals_bench.generate(organisation, sizes["services"])
    print(f"  directory of {sizes['services']:,} services in {time.monotonic() - started:.0f} s")
    organisation.name = f"Bench large {marker}"
    organisation.save(update_fields=["name"])
    return people(practitioner, supervisor, password=BENCH_PASSWORD)


def remove_agency(organisation) -> None:
    import referrals_bench

    from accounts.models import User

    referrals_bench.empty(organisation)
    users = list(User.objects.filter(membership__organisation=organisation))
    organisation.delete()
    User.objects.filter(pk__in=[u.pk for u in users]).delete()


def generate_people(organisation, sizes: dict, password: str):
    from accounts.models import Membership, SupervisionLink, User

    def user(email: str, name: str, **roles) -> User:
        person = User.objects.create(
            email=email, full_name=name, password=password, language="en", time_zone="UTC"
        )
        Membership.objects.create(user=person, organisation=organisation, **roles)
        return person

    practitioner = user(
        "practitioner@bench-large.example", "Pia Practitioner", is_practitioner=True
    )
    # A supervisor who does not practise, as the demo's: the same cards at both sizes.
    supervisor = user(
        "supervisor@bench-large.example",
        "Sam Supervisor",
        is_supervisor=True,
        is_practitioner=False,
    )
    team = [practitioner] + [
        user(f"member{i:02d}@bench-large.example", f"Member {i:02d}", is_practitioner=True)
        for i in range(1, sizes["supervisees"])
    ]
    SupervisionLink.objects.bulk_create(
        SupervisionLink(organisation=organisation, supervisor=supervisor, supervisee=person)
        for person in team
    )
    return practitioner, supervisor, team[1:]


NOTES = [
    "We went through the budget letters together; he kept apologising for the mess.",
    "She talked about her son at length; I listened and we agreed on the next appointment.",
    "I gave him ten euros from my own pocket for the bus home.",
    "He asked for my private number so he could text me in the evenings.",
    "We discussed the job application and practised the interview questions.",
    "She told me about her divorce in detail; I shared that I went through one too.",
]


def generate_journal(rng, organisation, practitioner, team, sizes: dict) -> None:
    """Entries for the practitioner and the rest of the supervisor's team, a client per five
    entries, flags on the practitioner's entries (about half confirmed, a tenth resolved) and
    on one in ten of the others', a few shared with supervision."""
    from django.db import transaction
    from django.utils import timezone

    from journal.models import Client, Flag, SessionEntry

    now = timezone.now()
    categories = ["giving_money", "self_disclosure", "out_of_hours", "rescuing"]
    others = sizes["team_entries"] - sizes["practitioner_entries"]
    plan = [(practitioner, sizes["practitioner_entries"])] + [
        (person, others // max(len(team), 1)) for person in team
    ]
    for person, count in plan:
        with transaction.atomic():
            clients = Client.objects.bulk_create(
                (
                    Client(owner=person, organisation=organisation, code=f"C-{i:04d}")
                    for i in range(max(count // 5, 1))
                ),
                batch_size=BATCH,
            )
            entries = SessionEntry.objects.bulk_create(
                (
                    SessionEntry(
                        uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                        owner=person,
                        organisation=organisation,
                        client=clients[rng.randrange(len(clients))],
                        occurred_at=now - timedelta(hours=6 * i + rng.randrange(6)),
                        notes=rng.choice(NOTES),
                        felt="Tired but clear.",
                        status=SessionEntry.Status.SAVED,
                        shared_with_supervisor_at=now if rng.random() < 0.01 else None,
                    )
                    for i in range(count)
                ),
                batch_size=BATCH,
            )
            if person is practitioner:
                flagged = rng.sample(entries, min(sizes["practitioner_flags"], len(entries)))
            else:
                flagged = entries[::10]
            flags = []
            for entry in flagged:
                state = rng.random()
                confirmed = state < 0.5
                flags.append(
                    Flag(
                        uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                        entry=entry,
                        category=rng.choice(categories),
                        source=Flag.Source.DETECTOR,
                        status=Flag.Status.CONFIRMED if confirmed else Flag.Status.SUGGESTED,
                        confirmed_at=entry.occurred_at + timedelta(hours=1) if confirmed else None,
                        resolved_at=now if confirmed and state < 0.05 else None,
                        quote="from my own pocket",
                        created_at=entry.occurred_at,
                    )
                )
            Flag.objects.bulk_create(flags, batch_size=BATCH)


def generate_inventory(practitioner) -> None:
    """Two completed takes of the self-inventory, a year apart."""
    from django.utils import timezone

    from boundaries import services
    from boundaries.models import Answer, Item, Take

    services.catalogue_sync()
    version = services.current_version()
    items = list(Item.objects.filter(version=version))
    now = timezone.now()
    for number, days in enumerate((400, 30)):
        take = Take.objects.create(
            user=practitioner,
            version=version,
            started_at=now - timedelta(days=days, hours=1),
            completed_at=now - timedelta(days=days),
        )
        Answer.objects.bulk_create(
            Answer(take=take, item=item, value=min(item.scale_max, item.scale_min + number + 1))
            for item in items
        )


def generate_reminders(rng, organisation, practitioner, supervisor, count: int) -> None:
    """Delivered in-app reminders, most of them done, split between the two people measured."""
    from django.utils import timezone

    from reminders.models import Delivery, Reminder

    now = timezone.now()
    reminders = Reminder.objects.bulk_create(
        (
            Reminder(
                organisation=organisation,
                recipient=practitioner if i % 2 else supervisor,
                kind="flag_followup",
                about=f"bench:{i}",
                link="/journal/",
                data={
                    "category": "giving_money",
                    "client": f"C-{i % 997:04d}",
                    "session": "2026-03-02",
                },
                idempotency_key=f"bench:{i}",
                due_at=now - timedelta(hours=i),
                deliver_after=now - timedelta(hours=i),
                status=Reminder.Status.SENT,
                done_at=now if rng.random() < 0.8 else None,
            )
            for i in range(count)
        ),
        batch_size=BATCH,
    )
    Delivery.objects.bulk_create(
        (Delivery(reminder=r, channel=Delivery.Channel.IN_APP) for r in reminders),
        batch_size=BATCH,
    )


def generate_audit(rng, organisation, actors, count: int) -> None:
    from accounts.models import AuditEvent

    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                organisation=organisation,
                actor=actors[rng.randrange(len(actors))],
                action="journal.entry.read",
                target_type="journal.sessionentry",
                target_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                data={"via": "bench"},
            )
            for _ in range(count)
        ),
        batch_size=BATCH,
    )


def vacuum() -> None:
    """VACUUM ANALYZE after the bulk loads, as autovacuum would soon do."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    autocommit = raw.autocommit
    raw.autocommit = True
    try:
        raw.execute("VACUUM (ANALYZE)")
    finally:
        raw.autocommit = autocommit


# --- Pages ----------------------------------------------------------------------------------


def page_plan(who: dict) -> list[dict]:
    """(page, user, method, path, form) for every key page, in the order they are measured."""
    from directory import categories
    from directory.models import TaxonomyTerm

    p, s = "practitioner", "supervisor"
    category = TaxonomyTerm.objects.get(
        owner=None, hsds_id=categories.category_id("domestic_violence")
    ).pk
    words = {"q": "opvang", "language": "ar", "open_now": "on"}
    filters = {"category": category, "language": "nl", "city": "Utrecht"}
    pages = [
        ("B1 floor (authenticated ok)", p, "GET", "/bench/floor/ok/", None),
        ("B2 floor (base layout)", p, "GET", "/bench/floor/layout/", None),
        (
            "directory: text + language + open now",
            p,
            "GET",
            "/directory/?" + urlencode(words),
            None,
        ),
        (
            "directory: category + language + city",
            p,
            "GET",
            "/directory/?" + urlencode(filters),
            None,
        ),
        ("reminders inbox (practitioner)", p, "GET", "/reminders/", None),
        ("reminders inbox (supervisor)", s, "GET", "/reminders/", None),
        ("supervisor review queue", s, "GET", "/journal/review/", None),
        ("journal list", p, "GET", "/journal/", None),
        ("overview (practitioner)", p, "GET", "/", None),
        ("overview (supervisor)", s, "GET", "/", None),
        ("live-flag check", p, "POST", "/journal/detect/", {"notes": NOTES[2]}),
        ("badge", p, "GET", "/reminders/badge/", None),
        ("HSDS API services, page of 50", "api", "GET", "/api/hsds/services?per_page=50", None),
    ]
    if who["entry"] is not None:
        pages.insert(8, ("entry page", p, "GET", f"/journal/entries/{who['entry'].uuid}/", None))
    if who["take"] is not None:
        pages.append(
            ("inventory results", p, "GET", f"/inventory/results/{who['take'].uuid}/", None)
        )
    if who["service"] is not None and who["entry"] is not None:
        query = urlencode({"entry": who["entry"].uuid, "service": who["service"].uuid})
        pages.append(("referral form", p, "GET", f"/directory/referrals/new/?{query}", None))
    return [
        {"page": page, "who": role, "method": method, "path": path, "form": form, "people": who}
        for page, role, method, path, form in pages
    ]


def api_token(organisation) -> str:
    from accounts.models import Membership
    from directory.services.api_access import api_token_create

    admin = Membership.objects.filter(organisation=organisation).first().user
    return api_token_create(organisation=organisation, name="bench", by=admin)[1]


def count_queries(plan: list[dict]) -> dict[str, int]:
    """The queries each page makes, through the same middleware, counted in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    clients = {}
    for item in plan:
        who = item["people"]
        role = item["who"]
        if role not in clients:
            client = Client(HTTP_HOST=HOST)
            if role == "api":
                token = api_token(who["organisation"])
                client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {token}")
            else:
                client.force_login(who[role])
            clients[role] = client
        client = clients[role]
        call = client.post if item["method"] == "POST" else client.get
        call(item["path"], item["form"] or {}, secure=True)  # caches warm, as on a live server
        with CaptureQueriesContext(connection) as queries:
            response = call(item["path"], item["form"] or {}, secure=True)
        if response.status_code != 200:
            print(f"  ! {item['page']}: {response.status_code} in process")
        counts[item["page"]] = len(queries)
    return counts


# --- Serving and measuring ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    """The Procfile's web command, on the loopback address only."""
    procfile = (ROOT / "Procfile").read_text().splitlines()
    command = shlex.split(next(line for line in procfile if line.startswith("web:"))[4:])
    env = {
        **os.environ,
        "HOST": HOST,
        "PORT": str(port),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    log = open(HERE / ".pages_bench_server.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    SERVERS.append(server)
    # Workers load the slip detector before their first request: wait until one answers.
    for _ in range(1200):
        if server.poll() is not None:
            sys.exit(f"the server stopped: see bench/{Path(log.name).name}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=120)
            connection.request("GET", "/healthz", headers={"Host": HOST})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    stop_server(server)
    sys.exit("the server did not start within two minutes")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def workers(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def worker_memory_mb(pids: list[int]) -> dict[str, float]:
    """The largest worker's Rss, Pss and private memory (/proc/<pid>/smaps_rollup), in MB."""
    sizes = {"rss": [], "pss": [], "private": []}
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except FileNotFoundError:
            continue
        kb = {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", text, re.M)}
        sizes["rss"].append(kb.get("Rss", 0) / 1024)
        sizes["pss"].append(kb.get("Pss", 0) / 1024)
        sizes["private"].append((kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)) / 1024)
    return {kind: round(max(values), 1) if values else 0.0 for kind, values in sizes.items()}


class Browser:
    """A signed-in person's cookies and CSRF token, as a browser keeps them."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}

    def request(self, connection, method: str, path: str, form: dict | None = None):
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",  # as behind the TLS-terminating load balancer
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **self.headers,
        }
        body = None
        if method == "POST":
            body = urlencode(form or {})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}:{self.port}"
            headers["Referer"] = f"https://{HOST}:{self.port}{path}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["HX-Request"] = "true"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def sign_in(self, email: str, password: str) -> None:
        """Through the login form, as a person would; a few tries on a busy machine."""
        for _attempt in range(3):
            connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
            try:
                status, page = self.request(connection, "GET", "/accounts/login/")
                token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
                if token is None:
                    print(f"  ! login page answered {status} for {email}", flush=True)
                    continue
                status, _ = self.request(
                    connection,
                    "POST",
                    "/accounts/login/",
                    {
                        "csrfmiddlewaretoken": token.group(1).decode(),
                        "username": email,
                        "password": password,
                    },
                )
            finally:
                connection.close()
            if status == 302 and "sessionid" in self.cookies:
                return
            print(f"  ! signing in as {email} answered {status}", flush=True)
        sys.exit(f"signing in as {email} failed")


def load(browser: Browser, item: dict, requests: int, seconds: float) -> dict:
    """``requests`` requests (fewer when ``seconds`` run out) over CONCURRENCY connections."""
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    per_thread = max(requests // CONCURRENCY, 1)

    def run() -> None:
        connection = http.client.HTTPConnection(HOST, browser.port, timeout=120)
        try:
            for _ in range(per_thread):
                if time.monotonic() > stop_at:
                    break
                started = time.perf_counter()
                try:
                    status, _ = browser.request(
                        connection, item["method"], item["path"], item["form"]
                    )
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, browser.port, timeout=120)
                    status = 599
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "statuses": statuses, "elapsed": elapsed}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def serve_and_measure(plans: dict, queries: dict, *, requests: int):
    """Every page at both sizes, in ``ROUNDS`` rounds of a share of the requests each: a page at
    demo size and at large size one after the other (the order turned every round), so that the
    shared machine's load, which drifts over minutes, weighs on both sizes and the floors alike."""
    port = free_port()
    server = start_server(port)
    errors: list[dict] = []
    pages: list[str] = []
    runs: dict = {}
    try:
        pids = workers(server)
        browsers: dict[tuple[str, str], Browser] = {}
        for size, plan in plans.items():
            for item in plan:
                role, who = item["who"], item["people"]
                if (size, role) not in browsers:
                    browser = Browser(port)
                    if role == "api":
                        browser.headers["Authorization"] = (
                            f"Bearer {api_token(who['organisation'])}"
                        )
                    else:
                        browser.sign_in(who[role].email, who["password"])
                    browsers[size, role] = browser
        items = {(size, item["page"]): item for size, plan in plans.items() for item in plan}
        pages = list(dict.fromkeys(item["page"] for plan in plans.values() for item in plan))
        runs = {key: {"latencies": [], "statuses": [], "elapsed": 0.0, "cpu": 0.0} for key in items}
        share = max(requests // ROUNDS, 1)
        left = ROUNDS * len(items)
        for round_ in range(ROUNDS):
            sizes = list(plans) if round_ % 2 == 0 else list(reversed(plans))
            for page in pages:
                for size in sizes:
                    item = items.get((size, page))
                    if item is None:
                        continue
                    budget = min(PAGE_SECONDS_MAX, (remaining() - 30) / max(left, 1))
                    left -= 1
                    if budget < 0.5:
                        if round_ == ROUNDS - 1:  # said once, after the last round
                            errors.append({"page": page, "size": size, "error": "out of time"})
                        continue
                    browser = browsers[size, item["who"]]
                    if round_ == 0:
                        load(browser, item, CONCURRENCY * 3, budget)  # warm up
                    before = cpu_seconds(pids)
                    run = load(browser, item, share, budget)
                    total = runs[size, page]
                    total["cpu"] += cpu_seconds(pids) - before
                    total["elapsed"] += run["elapsed"]
                    total["latencies"] += run["latencies"]
                    total["statuses"] += run["statuses"]
            print(f"  round {round_ + 1} of {ROUNDS} done", flush=True)
        memory = worker_memory_mb(workers(server))
    finally:
        stop_server(server)
    results: list[dict] = []
    for size in plans:
        for page in pages:
            run = runs.get((size, page))
            count = len(run["latencies"]) if run else 0
            if not count:
                continue
            bad = [s for s in run["statuses"] if s >= 400]
            if bad:
                errors.append(
                    {"page": page, "size": size, "statuses": sorted(set(bad)), "count": len(bad)}
                )
            results.append(
                {
                    "page": page,
                    "size": size,
                    "queries": queries[size][page],
                    "requests": count,
                    "rps": round(count / run["elapsed"], 1),
                    "p50_ms": round(percentile(run["latencies"], 0.50), 1),
                    "p95_ms": round(percentile(run["latencies"], 0.95), 1),
                    "p99_ms": round(percentile(run["latencies"], 0.99), 1),
                    "cpu_ms": round(run["cpu"] * 1000 / count, 1),
                }
            )
            print_row(results[-1])
    for size in plans:
        rows = [r for r in results if r["size"] == size]
        floors = {r["page"][:2]: r for r in rows if r["page"].startswith(("B1", "B2"))}
        for row in rows:
            for floor in ("B1", "B2"):
                if floor in floors:
                    row[f"vs_{floor.lower()}"] = round(row["rps"] / floors[floor]["rps"], 2)
    return results, errors, memory


def print_row(row: dict) -> None:
    print(
        f"  {row['size']:5} {row['page']:40} {row['queries']:3} q {row['rps']:7.1f} req/s "
        f"p50 {row['p50_ms']:7.1f}  p95 {row['p95_ms']:7.1f}  p99 {row['p99_ms']:7.1f} ms "
        f"cpu {row['cpu_ms']:6.1f} ms  ({row['requests']} requests)",
        flush=True,
    )


def report(results: list[dict], errors: list[dict], memory: dict) -> None:
    by = {(r["page"], r["size"]): r for r in results}
    pages = list(dict.fromkeys(r["page"] for r in results))
    print(
        f"\n  {'page':40} {'queries':>9} {'cpu ms demo -> large':>22} {'growth':>7} "
        f"{'vs B1':>6} {'vs B2':>6}  targets"
    )
    for page in pages:
        demo, large = by.get((page, "demo")), by.get((page, "large"))
        if not (demo and large):
            continue
        growth = large["cpu_ms"] / demo["cpu_ms"] if demo["cpu_ms"] else float("nan")
        floor = page.startswith(("B1", "B2"))
        wanted = TARGET_LIVE_VS_B2 if page == "live-flag check" else TARGET_VS_B2
        misses = []
        if not floor and large.get("vs_b2", 0) < wanted:
            misses.append(f"vs B2 < {wanted}")
        if not floor and growth > TARGET_CPU_GROWTH:
            misses.append(f"cpu growth > {TARGET_CPU_GROWTH}")
        if large["queries"] > TARGET_QUERIES or large["queries"] != demo["queries"]:
            misses.append(f"queries not <= {TARGET_QUERIES} and equal")
        print(
            f"  {page:40} {demo['queries']:>4}/{large['queries']:<4} "
            f"{demo['cpu_ms']:>9.1f} -> {large['cpu_ms']:<9.1f} {growth:6.2f}x "
            f"{large.get('vs_b1', 0):6.2f} {large.get('vs_b2', 0):6.2f}  "
            f"{'ok' if not misses else 'MISSED: ' + ', '.join(misses)}"
        )
    server_errors = [e for e in errors if any(s >= 500 for s in e.get("statuses", []))]
    print(
        f"\n  worker RSS after the run: {memory['rss']:.0f} MB (target <= {TARGET_RSS_MB}; "
        f"Pss {memory['pss']:.0f} MB, private {memory['private']:.0f} MB); "
        f"responses >= 400: {sum(e.get('count', 0) for e in errors)}, "
        f"pages with 5xx: {len(server_errors)} (target 0)"
    )
    for error in errors:
        print(f"  ! {error}")


if __name__ == "__main__":
    sys.exit(main())
