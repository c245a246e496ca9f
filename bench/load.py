"""Load: 50 simulated people for 2 minutes against Limen under gunicorn, on 127.0.0.1 only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/limen \
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/load.py

Nothing of yours is touched: it creates its own database beside DATABASE_URL's
(``<name>_load_bench``, dropped at the end), migrates it from zero, seeds the demo data, and starts
gunicorn with production settings (DEBUG=0, the gunicorn.conf.py workers and threads) on a free
loopback port. Locust, used as a library, then runs practitioners (sign in, overview, journal list,
a new entry with the live check while typing, autosave and save, directory searches, the reminders
inbox, the badge poll) and supervisors (review queue, reading flagged entries), each pausing 1-5 s
between actions as people do. It stops by itself and prints requests/s, p50/p95/p99 and errors,
overall and per kind of request. Exit status 1 when any request failed.

BENCH_USERS and BENCH_SECONDS change the 50 people and 120 seconds; BENCH_TARGET=http://127.0.0.1:<port>
runs against a Limen already serving the demo data there (DEBUG=0) instead of starting one.
"""

import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parents[1]
USERS = int(os.environ.get("BENCH_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "120"))
PASSWORD = "limen-demo-2026"  # accounts/demo.py
PRACTITIONERS = [
    "ana@harbour.example",
    "ben@harbour.example",
    "chloe@lindenhof.example",
    "daan@lindenhof.example",
]
SUPERVISORS = [
    "supervisor@harbour.example",
    "supervisor2@harbour.example",
    "supervisor@lindenhof.example",
]
SEARCHES = ["debt", "schuld", "housing", "wonen", "mental health", "jeugd", "food", "legal"]
TYPED = [
    "We met at the office and went through the debt letters together.",
    "She asked for my private number so she could reach me at the weekend.",
    "I lent him ten euros for the bus home because he had nothing left.",
    "We talked about his plans for the job interview next week.",
    "Ik vertelde over mijn eigen scheiding om haar gerust te stellen.",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _own_database(url: str) -> tuple[str, str, str]:
    """A fresh database beside the configured one: (its URL, its name, an admin DSN)."""
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_load_bench"
    admin = f"host={config['HOST'] or '127.0.0.1'} port={config['PORT'] or 5432} "
    admin += f"user={config['USER'] or 'postgres'} dbname=postgres"
    if config["PASSWORD"]:
        admin += f" password={config['PASSWORD']}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name, name, admin


def _drop_database(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_healthy(base: str, server: subprocess.Popen, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before answering")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=3) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit("gunicorn did not answer /healthz in time")


def run_load(base: str) -> int:
    # Imported here: locust patches the standard library with gevent when imported.
    import gevent
    from locust import HttpUser, between, task
    from locust.env import Environment
    from requests.adapters import HTTPAdapter

    token_pattern = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    version_pattern = re.compile(r'name="version" value="(\d+)"')
    occurred_pattern = re.compile(r'name="occurred_at" value="([^"]+)"')
    option_pattern = re.compile(r'<option value="([^"]+)"')
    entry_pattern = re.compile(r'href="(/journal/entries/[0-9a-f-]{36}/)"')
    # What the browser's address bar would show behind the TLS proxy.
    site = base.replace("http:", "https:")

    class BehindTlsProxy(HTTPAdapter):
        """Speak plain HTTP to gunicorn on the loopback while the client keeps https:// URLs,
        as behind a TLS-terminating proxy: secure cookies flow, and X-Forwarded-Proto tells
        Django the request was secure, so production settings apply unchanged."""

        def send(self, request, *args, **kwargs):
            url = request.url
            request.url = "http://" + url.split("://", 1)[1]
            try:
                response = super().send(request, *args, **kwargs)
            finally:
                request.url = url
            response.url = url
            return response

    class Person(HttpUser):
        abstract = True
        host = site
        wait_time = between(1, 5)
        emails: list[str] = []

        def on_start(self):
            # Production settings behind a TLS proxy: the request came over https, with the
            # Origin a browser sends.
            self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": site})
            self.client.mount("https://", BehindTlsProxy())
            self.csrf = ""
            page = self.client.get("/accounts/login/", name="sign in (page)")
            self.sign_in(self._token(page.text or ""))

        def sign_in(self, csrf: str):
            with self.client.post(
                "/accounts/login/",
                {
                    "username": random.choice(self.emails),
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": csrf,
                },
                name="sign in",
                headers={"Referer": site + "/accounts/login/"},
                catch_response=True,
            ) as response:
                if "/accounts/login/" in (response.url or ""):
                    response.failure("still signed out")
                self._token(response.text or "")

        def _token(self, html: str) -> str:
            found = token_pattern.search(html)
            if found:
                self.csrf = found.group(1)
            return self.csrf

        def page(self, path: str, name: str):
            with self.client.get(path, name=name, catch_response=True) as response:
                if "/accounts/login/" in (response.url or ""):
                    response.failure("signed out")
                self._token(response.text or "")
            return response

        def htmx_post(self, path: str, data: dict, name: str):
            return self.client.post(
                path,
                data,
                name=name,
                headers={"HX-Request": "true", "X-CSRFToken": self.csrf, "Referer": site},
            )

        @task(2)
        def badge_poll(self):
            self.client.get("/reminders/badge/", name="badge poll", headers={"HX-Request": "true"})

        @task(1)
        def inbox(self):
            self.page("/reminders/", "reminders inbox")

        @task(2)
        def directory_search(self):
            self.page(f"/directory/?q={random.choice(SEARCHES)}", "directory search")

    class Practitioner(Person):
        weight = 4
        emails = PRACTITIONERS

        @task(2)
        def overview(self):
            self.page("/", "overview")

        @task(3)
        def journal_list(self):
            listing = self.page("/journal/", "journal list")
            entries = entry_pattern.findall(listing.text or "")
            if entries:
                self.page(random.choice(entries), "entry")

        @task(2)
        def write_an_entry(self):
            new = self.page("/journal/entries/new/", "new entry (page)")
            clients = option_pattern.findall(new.text or "")
            occurred = occurred_pattern.search(new.text or "")
            if not clients or not occurred:
                return
            created = self.client.post(
                "/journal/entries/new/",
                {
                    "client": random.choice(clients),
                    "occurred_at": occurred.group(1),
                    "csrfmiddlewaretoken": self.csrf,
                },
                name="new entry",
                headers={"Referer": site},
            )
            edit_path = (created.url or "").split("://", 1)[-1].split("/", 1)[-1]
            edit_path = "/" + edit_path
            self._token(created.text or "")
            version = version_pattern.search(created.text or "")
            if not version or "/edit/" not in edit_path:
                return
            notes = ""
            for sentence in random.sample(TYPED, 3):
                notes = f"{notes} {sentence}".strip()
                # The live check fires as the practitioner pauses while typing (debounced).
                self.htmx_post("/journal/detect/", {"notes": notes}, "live check")
                gevent.sleep(random.uniform(1, 3))
            fields = {
                "occurred_at": occurred.group(1),
                "duration_minutes": "50",
                "setting": "office",
                "notes": notes,
                "felt": "Tired but hopeful.",
                "went_well": "We agreed on next steps.",
                "differently": "",
                "next_steps": "Call the debt service.",
                "version": version.group(1),
            }
            saved = self.htmx_post(edit_path.replace("/edit/", "/autosave/"), fields, "autosave")
            current = version_pattern.search(saved.text or "")
            if current:
                fields["version"] = current.group(1)
            self.client.post(
                edit_path,
                {**fields, "csrfmiddlewaretoken": self.csrf},
                name="save entry",
                headers={"Referer": site},
            )

    class Supervisor(Person):
        weight = 1
        emails = SUPERVISORS

        @task(3)
        def review_queue(self):
            queue = self.page("/journal/review/", "review queue")
            entries = entry_pattern.findall(queue.text or "")
            if entries:
                self.page(random.choice(entries), "entry (supervisor)")

        @task(1)
        def team(self):
            self.page("/journal/team/", "team trends")

    environment = Environment(user_classes=[Practitioner, Supervisor])
    runner = environment.create_local_runner()
    runner.start(USERS, spawn_rate=max(1, USERS // 10))
    gevent.spawn_later(SECONDS, runner.quit)
    runner.greenlet.join()

    stats = environment.stats
    rows = sorted(stats.entries.values(), key=lambda e: -e.num_requests)
    print(f"\n{USERS} people for {SECONDS} s against {base} (gunicorn, DEBUG=0)")
    print(f"{'request':28} {'count':>7} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for entry in [*rows, stats.total]:
        print(
            f"{entry.name:28} {entry.num_requests:7d} {entry.num_failures:6d} "
            f"{entry.get_response_time_percentile(0.5):7.0f} "
            f"{entry.get_response_time_percentile(0.95):7.0f} "
            f"{entry.get_response_time_percentile(0.99):7.0f}"
        )
    total = stats.total
    elapsed = max(1e-9, total.last_request_timestamp - total.start_time)
    print(f"requests/s {total.num_requests / elapsed:.1f}; errors {total.num_failures}")
    for error in stats.errors.values():
        print(f"  error: {error.method} {error.name}: {error.error} ({error.occurrences}x)")
    return 1 if total.num_failures else 0


def main() -> int:
    target = os.environ.get("BENCH_TARGET", "")
    if target:
        # An already running Limen with the demo data, on this machine only.
        if not re.fullmatch(r"http://127\.0\.0\.1:\d+", target):
            raise SystemExit("BENCH_TARGET must be http://127.0.0.1:<port>")
        return run_load(target)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench/load.py needs DATABASE_URL naming a PostgreSQL server")
        return 0
    own_url, name, admin = _own_database(url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "DATABASE_URL": own_url,
            "LIMEN_DATA_DIR": data_dir,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": base,
            "SECURE_SSL_REDIRECT": "0",
            "HOST": "127.0.0.1",
            "PORT": str(port),
        }
        server = None
        try:
            manage = [sys.executable, "manage.py"]
            print("migrating a fresh database and seeding the demo data ...", flush=True)
            for command in (
                ["migrate", "--noinput", "-v0"],
                ["seed_demo"],
                ["collectstatic", "--noinput", "-v0"],
            ):
                subprocess.run(
                    [*manage, *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
                )
            server = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            _wait_healthy(base, server)
            return run_load(base)
        finally:
            if server is not None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
            _drop_database(admin, name)


if __name__ == "__main__":
    sys.exit(main())
