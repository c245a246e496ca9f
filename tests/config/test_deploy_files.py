"""docker-compose.yml and the Procfile describe the same processes (no Docker engine runs here);
gunicorn loads the application once, before it forks its workers."""

import os
import sys
from pathlib import Path

import yaml
from django.db import connections
from gunicorn.app.wsgiapp import WSGIApplication

import journal.slips

ROOT = Path(__file__).resolve().parents[2]


def _procfile() -> dict[str, str]:
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = command.strip()
    return processes


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_parses_and_has_the_whole_stack():
    services = _compose()["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)


def test_compose_commands_match_the_procfile():
    services = _compose()["services"]
    procfile = _procfile()
    assert set(procfile) == {"web", "worker", "beat"}
    for name, command in procfile.items():
        assert services[name]["command"] == command, name


def test_every_long_running_service_has_a_health_check():
    services = _compose()["services"]
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert "healthcheck" in services[name], name


def test_app_services_use_postgres_and_redis_without_debug():
    services = _compose()["services"]
    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        assert env["DEBUG"] == "0"


def test_web_waits_for_migrations():
    web = _compose()["services"]["web"]
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_make_run_points_every_process_at_the_web_port():
    """honcho gives each process its own PORT; the worker's links must still reach the web."""
    import subprocess

    dry_run = subprocess.run(
        ["make", "-n", "serve", "PORT=8123"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8123}" in dry_run
    assert "start -p 8123" in dry_run


def test_the_package_metadata_names_its_licence_as_spdx():
    """A TOML table as ``license`` makes setuptools warn on every install (``make run``): an
    SPDX expression needs setuptools 77 or newer, and rules out a licence classifier."""
    import re
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "LicenseRef-Proprietary"
    assert not any(c.startswith("License ::") for c in pyproject["project"].get("classifiers", []))
    [setuptools] = [r for r in pyproject["build-system"]["requires"] if "setuptools" in r]
    assert int(re.search(r">=\s*(\d+)", setuptools).group(1)) >= 77


# --- gunicorn: the application and the slip detector are loaded once, before the fork --------


def _gunicorn(monkeypatch, **env):
    """gunicorn's own reading of gunicorn.conf.py, as the Procfile's web command gives it."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = str(ROOT / "gunicorn.conf.py")
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", config, "config.wsgi"])
    return WSGIApplication().cfg


def _calls(monkeypatch) -> list[str]:
    """Record what the hooks do instead of doing it: warm the detector, close connections."""
    calls = []
    monkeypatch.setattr(journal.slips, "warm", lambda: calls.append("warm"))
    monkeypatch.setattr(connections, "close_all", lambda: calls.append("close"))
    return calls


def test_the_web_command_preloads_by_default_and_warms_the_detector_in_the_master(monkeypatch):
    monkeypatch.delenv("WEB_PRELOAD", raising=False)
    cfg = _gunicorn(monkeypatch)
    assert cfg.preload_app
    calls = _calls(monkeypatch)
    cfg.when_ready(None)  # in the master, after the application is loaded
    assert calls == ["warm", "close"]  # no connection of the master's reaches a worker
    cfg.pre_fork(None, None)  # before each fork, a replaced worker's too
    assert calls == ["warm", "close", "close"]
    cfg.post_worker_init(None)  # the worker has the detector from the master
    assert calls == ["warm", "close", "close"]


def test_without_preloading_each_worker_warms_the_detector_itself(monkeypatch):
    cfg = _gunicorn(monkeypatch, WEB_PRELOAD="0")
    assert not cfg.preload_app
    calls = _calls(monkeypatch)
    cfg.when_ready(None)
    cfg.pre_fork(None, None)
    assert calls == []
    cfg.post_worker_init(None)
    assert calls == ["warm"]


def test_the_master_starts_no_blas_threads_before_the_fork(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "unset")  # restored after the test
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    _gunicorn(monkeypatch)
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"


def test_gunicorn_lets_limen_answer_an_over_long_address_itself(monkeypatch):
    """A query string just over Limen's own limit reaches the application (which answers 400
    with a message) instead of gunicorn's bare 414 page."""
    from config.middleware import QueryStringGuardMiddleware

    cfg = _gunicorn(monkeypatch)
    longest_path = len("GET /directory/referrals/new/? HTTP/1.1")
    assert cfg.limit_request_line >= QueryStringGuardMiddleware.MAX_QUERY_STRING + 2 * longest_path


def test_celery_does_not_read_the_web_servers_settings():
    """Preloading is gunicorn's: the worker and beat commands are Celery's own."""
    procfile = _procfile()
    assert "gunicorn" not in procfile["worker"] and "gunicorn" not in procfile["beat"]
    assert "-c" not in procfile["web"].split()  # gunicorn finds ./gunicorn.conf.py itself
