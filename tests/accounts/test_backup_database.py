"""``manage.py backup_database`` on the embedded SQLite default: a whole, consistent copy that,
put in place of the database as docs/operations.md says, holds the same rows."""

import shutil
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("this suite runs on PostgreSQL; tests/config/test_postgres_data.py covers it")


def backup(**options) -> Path:
    out = StringIO()
    call_command("backup_database", stdout=out, **options)
    return Path(out.getvalue().strip())


def row_counts_live() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def row_counts_in(path: Path) -> dict[str, int]:
    database = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: database.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        database.close()


def test_restored_backup_holds_the_same_rows(demo, tmp_path):
    path = backup(directory=tmp_path / "backups")
    live = row_counts_live()
    assert live["accounts_user"] == 9 and live["accounts_membership"] >= 9

    # Restore as the operations guide says: with Limen stopped, the backup file becomes the
    # database file (here a fresh one, beside the backups).
    restored = tmp_path / "limen.sqlite3"
    shutil.copyfile(path, restored)
    assert row_counts_in(restored) == live
    database = sqlite3.connect(restored)
    try:
        users = sorted(database.execute("SELECT email, password FROM accounts_user"))
    finally:
        database.close()
    assert users == sorted(User.objects.values_list("email", "password"))
    assert "django_migrations" in live and live["django_migrations"] > 50


def test_backup_is_a_snapshot_later_changes_are_not_in_it(demo, tmp_path):
    path = backup(directory=tmp_path)
    User.objects.filter(email=demo.ben.email).delete()
    database = sqlite3.connect(path)
    try:
        emails = {e for (e,) in database.execute("SELECT email FROM accounts_user")}
    finally:
        database.close()
    assert demo.ben.email in emails


def test_default_is_a_timestamped_file_under_data_backups(demo, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    first = backup()
    assert first.parent == tmp_path / "backups"
    assert first.name.startswith("limen-") and first.suffix == ".sqlite3"
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no partial file left
    assert first.stat().st_mode & 0o777 == 0o600


def test_refuses_inside_a_transaction_instead_of_hanging(demo, tmp_path):
    with transaction.atomic(), pytest.raises(CommandError, match="inside a transaction"):
        User.objects.filter(pk=demo.ben.pk).update(full_name="Ben B.")
        backup(directory=tmp_path)
    assert list(tmp_path.iterdir()) == []
