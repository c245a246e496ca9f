"""The three processes `make run` starts (web, worker, beat) come up together and stay healthy.

It starts them the way `make run` does, through `make serve`, without an activated virtualenv."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
    except OSError:
        return 0, {}


@pytest.mark.skipif(not (BIN / "honcho").exists(), reason="honcho is not installed in the venv")
def test_web_worker_and_beat_run_together(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "LIMEN_DATA_DIR": str(tmp_path),
        "LIMEN_HEARTBEAT_SECONDS": "2",
        # Like a fresh shell: the virtualenv is not activated, `make serve` must cope.
        "PATH": os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if Path(p) != BIN),
    }
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    stack = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}", f"PYTHON={sys.executable}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        status, body = 0, {}
        while time.monotonic() < deadline:
            status, body = _health(port)
            if status == 200 and body.get("worker_last_seen"):
                break
            if stack.poll() is not None:
                break
            time.sleep(1)
        assert status == 200, body
        assert body["database"] == "ok" and body["broker"] == "ok"
        assert body["worker_last_seen"], "beat did not schedule, or the worker did not run, a task"
    finally:
        os.killpg(stack.pid, signal.SIGINT)
        try:
            output, _ = stack.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
            output, _ = stack.communicate()
    assert stack.returncode is not None
    assert _health(port)[0] == 0, "the web process outlived Ctrl-C"
    text = output.decode(errors="replace")
    assert "Booting worker" in text or "Listening at" in text
