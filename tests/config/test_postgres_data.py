"""On PostgreSQL: every migration runs forward on a fresh database and the demo data seeds on
top; a ``backup_database`` dump (``pg_dump -Fc``) restored with ``pg_restore`` keeps every row.

Each test database here is made from nothing beside the suite's own, on the server DATABASE_URL
names, and dropped afterwards.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import AuditEvent, User
from directory.models import Service
from journal.models import SessionEntry
from referrals.models import Referral
from reminders.models import Reminder
from tests.conftest import need

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


def _server() -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": str(db.get("PORT") or 5432),
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or "",
    }


def _admin():
    import psycopg

    server = _server()
    return psycopg.connect(
        host=server["host"],
        port=server["port"],
        user=server["user"],
        password=server["password"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _create(name: str) -> None:
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _drop(name: str) -> None:
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _url(name: str) -> str:
    s = _server()
    credentials = s["user"] + (f":{s['password']}" if s["password"] else "")
    return f"postgres://{credentials}@{s['host']}:{s['port']}/{name}"


def _manage(name: str, data_dir: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": _url(name), "LIMEN_DATA_DIR": str(data_dir), "DEBUG": "1"}
    env.pop("REDIS_URL", None)
    finished = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished.stdout


def _row_counts(name: str) -> dict[str, int]:
    import psycopg

    s = _server()
    with psycopg.connect(
        host=s["host"], port=s["port"], user=s["user"], password=s["password"] or None, dbname=name
    ) as database:
        tables = [
            t
            for (t,) in database.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {t: database.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A fresh database migrated from zero through every migration, with the demo data."""
    need(
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
        "PostgreSQL is not configured (set DATABASE_URL)",
    )
    name = f"limen_migrations_{os.getpid()}"
    _create(name)
    data_dir = tmp_path_factory.mktemp("data")
    try:
        _manage(name, data_dir, "migrate", "--noinput", "-v0")
        _manage(name, data_dir, "seed_demo")
        yield name, data_dir
    finally:
        _drop(name)


def test_every_migration_runs_forward_and_the_demo_data_seeds(seeded):
    name, data_dir = seeded
    # Nothing left to apply, and the models match the migrations.
    _manage(name, data_dir, "migrate", "--check", "-v0")
    _manage(name, data_dir, "makemigrations", "--check", "--dry-run", "-v0")
    counts = _row_counts(name)
    assert counts[User._meta.db_table] == 9
    for model in (SessionEntry, Service, Referral, Reminder):
        assert counts[model._meta.db_table] > 0, model
    # Seeding again brings the demo data back in line without duplicating it (only the
    # append-only audit log records that it ran).
    _manage(name, data_dir, "seed_demo")
    again = _row_counts(name)
    audit = AuditEvent._meta.db_table
    assert again.pop(audit) >= counts.pop(audit)
    assert again == counts


def test_backup_restored_with_pg_restore_keeps_every_row(seeded, tmp_path):
    need(
        shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None,
        "pg_dump and pg_restore are not installed (PostgreSQL client tools)",
    )
    name, data_dir = seeded
    dump = Path(_manage(name, data_dir, "backup_database", f"--directory={tmp_path}").strip())
    assert dump.parent == tmp_path and dump.suffix == ".dump"
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    restored = f"limen_restored_{os.getpid()}"
    _create(restored)
    try:
        s = _server()
        env = {**os.environ, "PGPASSWORD": s["password"]}
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--host={s['host']}",
                f"--port={s['port']}",
                f"--username={s['user']}",
                f"--dbname={restored}",
                str(dump),
            ],
            env=env,
            check=True,
            timeout=600,
        )
        original = _row_counts(name)
        assert _row_counts(restored) == original
        assert sum(original.values()) > 500
        # The restored database is one Limen runs on: nothing to migrate, and the demo
        # accounts are there.
        _manage(restored, data_dir, "migrate", "--check", "-v0")
    finally:
        _drop(restored)
