import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


# Variables of the test run itself that must not reach a fresh process's settings.
LEAKY = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")


def _run(code: str, **env) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    full_env.update(env)
    full_env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True
    )


SHOW = "import django; django.setup(); from django.conf import settings as s; "


def test_production_settings_pass_deploy_checks(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in LEAKY},
            "DEBUG": "0",
            "SECRET_KEY": "k3#Vq9!pLz@7wR2$eT5^yU8&iO1*aS4(dF6)gH0_jK" * 2,
            "ALLOWED_HOSTS": "limen.example.org",
            "LIMEN_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_without_debug(tmp_path):
    result = _run(SHOW, DEBUG="0", SECRET_KEY="", LIMEN_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_bad_boolean_is_a_clear_error(tmp_path):
    result = _run(SHOW, DEBUG="maybe", LIMEN_DATA_DIR=str(tmp_path))
    assert "DEBUG must be a boolean" in result.stderr


def test_site_url_follows_the_port_unless_set(tmp_path):
    show = SHOW + "print(s.SITE_URL)"
    base = {"LIMEN_DATA_DIR": str(tmp_path), "SITE_URL": "", "PORT": ""}
    assert _run(show, **base).stdout.strip() == "http://127.0.0.1:8000"
    assert _run(show, **{**base, "PORT": "8123"}).stdout.strip() == "http://127.0.0.1:8123"
    explicit = {**base, "PORT": "8123", "SITE_URL": "https://limen.example.org/"}
    assert _run(show, **explicit).stdout.strip() == "https://limen.example.org"


def test_defaults_are_sqlite_filesystem_broker_and_local_memory_cache(tmp_path):
    result = _run(
        SHOW + "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, "
        "s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND)",
        LIMEN_DATA_DIR=str(tmp_path),
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_urls_switch_to_postgres_and_redis(tmp_path):
    result = _run(
        SHOW + "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, "
        "s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND)",
        LIMEN_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://limen@db.internal:5432/limen",
        REDIS_URL="redis://cache.internal:6379/0",
        EMAIL_HOST="smtp.internal",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://cache.internal:6379/0",
        "django.core.cache.backends.redis.RedisCache",
        "django.core.mail.backends.smtp.EmailBackend",
    ]


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings only apply to SQLite")
    # The test database is in memory (no WAL there), so check the configured options and a
    # real file database opened with them.
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


def test_sqlite_file_database_is_in_wal_mode(tmp_path):
    result = _run(
        SHOW + "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
        "c.execute('PRAGMA busy_timeout').fetchone()[0])",
        LIMEN_DATA_DIR=str(tmp_path),
    )
    assert result.stdout.split() == ["wal", "20000"], result.stderr


def test_times_are_stored_in_utc():
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "UTC"


def test_celery_is_configured_against_lost_tasks():
    from config.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_every_beat_task_is_registered():
    from config.celery import app

    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
