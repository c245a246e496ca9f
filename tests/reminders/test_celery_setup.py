"""The Celery configuration the guarantees rest on: beat's schedule in code, late acks that are
rejected (and so re-delivered) when a worker dies, and no task outliving Redis's visibility
timeout. Settings are read in a fresh interpreter with REDIS_URL set, as production runs."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.conf import settings
from config.celery import app
from reminders.registry import beat_tasks
app.loader.import_default_modules()
print(json.dumps({
    "schedule": {
        name: {
            "task": entry["task"],
            "seconds": entry["schedule"].total_seconds(),
            "expires": entry.get("options", {}).get("expires"),
        }
        for name, entry in app.conf.beat_schedule.items()
    },
    "declared_by_the_apps": [task.name for task in beat_tasks()],
    "visibility_timeout": settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"],
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "reject_on_worker_lost": settings.CELERY_TASK_REJECT_ON_WORKER_LOST,
    "prefetch": settings.CELERY_WORKER_PREFETCH_MULTIPLIER,
    "claim_lease": settings.REMINDER_CLAIM_LEASE_SECONDS,
    "claim_renew": settings.REMINDER_CLAIM_RENEW_SECONDS,
    "recovery_promise": settings.REMINDER_RECOVERY_SECONDS,
    "tasks": {
        name: {
            "time_limit": task.time_limit or settings.CELERY_TASK_TIME_LIMIT,
            "acks_late": task.acks_late,
        }
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
    },
}))
"""


def _production_config(**env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            # Never contacted: reading settings does not connect.
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "LIMEN_DISPATCH_SECONDS": "",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def config():
    return _production_config()


def test_beat_runs_the_dispatcher_every_minute(config):
    entry = config["schedule"]["reminders-dispatch"]
    assert entry["task"] == "reminders.tasks.dispatch_due"
    assert entry["seconds"] == 60
    # A run that waited longer than a minute (the worker was down) is dropped: the next does it.
    assert 0 < entry["expires"] < 60


def test_production_timings_pick_up_a_dead_workers_claims_within_two_minutes(config):
    """A claim nobody renews is swept by the first dispatch after its lease runs out: at worst
    lease + dispatch interval after the worker's last sign of life, with time left over for the
    delivery itself (the clock-driven test is ``test_recovery.py``)."""
    dispatch = config["schedule"]["reminders-dispatch"]["seconds"]
    assert config["recovery_promise"] == 120
    assert config["claim_lease"] + dispatch <= config["recovery_promise"] - 10
    # A live worker renews often enough to miss two renewals and keep its claim.
    assert 3 * config["claim_renew"] <= config["claim_lease"]
    # And a delivery that runs to its hard time limit is killed long before Redis would hand its
    # message to another worker.
    assert config["tasks"]["reminders.tasks.deliver_digest"]["time_limit"] < 7200


def test_beat_runs_every_rule(config):
    tasks = {name: entry["task"] for name, entry in config["schedule"].items()}
    assert tasks["journal-supervision-rules"] == "journal.tasks.supervision_rules"
    assert tasks["boundaries-inventory-retake"] == "boundaries.tasks.inventory_retake_rules"
    assert tasks["referrals-stale-directory"] == "referrals.tasks.remind_stale_directory"
    assert config["schedule"]["journal-supervision-rules"]["seconds"] == timedelta(hours=1).seconds
    assert config["schedule"]["boundaries-inventory-retake"]["seconds"] == 86400
    assert config["schedule"]["referrals-stale-directory"]["seconds"] == 86400


def test_beat_runs_the_rules_the_apps_declare_beside_their_kinds(config):
    declared = config["declared_by_the_apps"]
    assert {"journal-supervision-rules", "boundaries-inventory-retake"} <= set(declared)
    assert set(declared) <= set(config["schedule"])


def test_every_scheduled_task_exists_and_expires_before_its_next_run(config):
    for name, entry in config["schedule"].items():
        assert entry["task"] in config["tasks"], name
        assert entry["expires"] is not None and entry["expires"] < entry["seconds"], name


def test_a_killed_worker_does_not_acknowledge_its_task(config):
    assert config["acks_late"] is True
    assert config["reject_on_worker_lost"] is True
    assert config["prefetch"] == 1


def test_no_late_acked_task_outlives_the_visibility_timeout(config):
    """Redis hands an unacknowledged message to another worker once the visibility timeout
    passes: a task still running then would run twice."""
    for name, task in config["tasks"].items():
        if task["acks_late"] is not False:
            assert task["time_limit"] < config["visibility_timeout"], name


def test_no_task_is_ever_given_an_eta_or_countdown():
    """Back-off lives in the reminder rows (``deliver_after``), never in the broker."""
    sources = [*ROOT.glob("*/tasks.py"), *ROOT.glob("*/services.py"), *ROOT.glob("*/delivery.py")]
    assert sources
    for path in sources:
        text = path.read_text()
        for word in ("countdown=", "eta=", ".retry("):
            assert word not in text, f"{path.relative_to(ROOT)} uses {word}"
