"""docker-compose.yml and the Procfile describe the same processes (no Docker engine runs here)."""

from pathlib import Path

import yaml

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
