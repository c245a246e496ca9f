"""``manage.py backup_database``: a consistent copy of the database, taken while Limen runs.

SQLite (the embedded default) is copied with SQLite's online backup API, which gives a
consistent snapshot even while the web process and the worker write (never copy the file with
``cp``: a copy taken mid-write, or without its ``-wal`` file, can be corrupt or out of date).
PostgreSQL is dumped with ``pg_dump -Fc`` (custom format, for ``pg_restore``). Backups go to a
timestamped file under ``data/backups/``; docs/operations.md says how to restore them.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def backup_sqlite(target: Path) -> None:
    """Copy the connected SQLite database into ``target`` with the online backup API."""
    if connection.in_atomic_block:
        # The backup would wait for ever on the writes of our own open transaction.
        raise CommandError("Cannot back up from inside a transaction.")
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # One step (pages=-1): a single consistent snapshot; WAL lets writers carry on meanwhile.
        connection.connection.backup(destination, pages=-1)
        (result,) = destination.execute("PRAGMA quick_check").fetchone()
        if result != "ok":
            raise CommandError(f"The backup failed its integrity check: {result}")
    finally:
        destination.close()


def backup_postgresql(target: Path) -> None:
    """Dump the connected PostgreSQL database into ``target`` with ``pg_dump -Fc``."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise CommandError(
            "pg_dump is not installed here. Install the PostgreSQL client tools, or run it in "
            "the database's container: docker compose exec postgres pg_dump -U limen -Fc limen "
            "> limen.dump (see docs/operations.md)."
        )
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    command = [pg_dump, "--format=custom", "--no-password", f"--file={target}"]
    if db.get("HOST"):
        command.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        command.append(f"--port={db['PORT']}")
    if db.get("USER"):
        command.append(f"--username={db['USER']}")
    command.append(f"--dbname={db['NAME']}")
    # An argument list from our own settings, no shell.
    finished = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise CommandError(f"pg_dump failed: {finished.stderr.strip()}")


class Command(BaseCommand):
    help = "Back up the database to a timestamped file under data/backups/ while Limen runs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help="Where to write the backup (default: data/backups/ in LIMEN_DATA_DIR).",
        )

    def handle(self, *args, directory: Path | None = None, **options):
        directory = directory or Path(settings.DATA_DIR) / "backups"
        directory.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        if connection.vendor == "sqlite":
            target, backup = directory / f"limen-{stamp}.sqlite3", backup_sqlite
        elif connection.vendor == "postgresql":
            target, backup = directory / f"limen-{stamp}.dump", backup_postgresql
        else:
            raise CommandError(f"No backup method for a {connection.vendor} database.")
        if target.exists():
            raise CommandError(f"{target} already exists; try again in a second.")
        # Written under a temporary name and renamed when complete, so that a file with the
        # final name is always a whole backup.
        partial = target.with_name(target.name + ".partial")
        try:
            backup(partial)
            # The copy holds everyone's notes: readable by the account that runs Limen only.
            partial.chmod(0o600)
            partial.rename(target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(str(target))
