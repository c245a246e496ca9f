"""The web workers' memory with and without preloading, as gunicorn.conf.py serves Limen.

    .venv/bin/python bench/worker_memory.py [--requests 40]

For WEB_PRELOAD=0 and then 1: migrates and seeds a throwaway SQLite database (DEBUG off), starts
``gunicorn -c gunicorn.conf.py config.wsgi`` on 127.0.0.1 (2 workers x 2 threads), signs in as
the demo's practitioner, asks for the live slip check and the overview a few times so that every
worker has used the detector, and prints the Rss, Pss and private memory of the master and of
each worker from /proc/<pid>/smaps_rollup (Linux). With preloading the detector's rules and
model live in the master and the workers share them copy-on-write: their private memory is what
each adds.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from pages_bench import DEMO_PASSWORD, HOST, NOTES, Browser  # noqa: E402

FIELDS = ("Rss", "Pss", "Private_Clean", "Private_Dirty", "Shared_Clean", "Shared_Dirty")
STARTUP_SECONDS = 120


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    args = parser.parse_args()
    if not Path("/proc/self/smaps_rollup").exists():
        sys.exit("This measure reads /proc/<pid>/smaps_rollup: Linux only.")
    data = Path(tempfile.mkdtemp(prefix="limen-memory-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "AXES_ENABLED": "0",
        "DATABASE_URL": f"sqlite:///{data / 'limen.sqlite3'}",
        "LIMEN_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("REDIS_URL", None)
    try:
        for command in (("migrate", "--noinput", "-v0"), ("collectstatic", "--noinput", "-v0")):
            manage(env, *command)
        manage(env, "seed_demo")
        results = {preload: measure(env, preload, args.requests) for preload in ("0", "1")}
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(f"\n  {'WEB_PRELOAD':12} {'process':>7} " + " ".join(f"{f:>14}" for f in FIELDS))
    for preload, processes in results.items():
        for pid, sizes in processes.items():
            figures = " ".join(f"{sizes[f] / 1024:11.1f} MB" for f in FIELDS)
            print(f"  {preload:12} {pid:>7} {figures}")
    for preload, processes in results.items():
        workers = [sizes for pid, sizes in processes.items() if pid != "master"]
        private = [s["Private_Clean"] + s["Private_Dirty"] for s in workers]
        pss = [s["Pss"] for s in workers]
        total = sum(s["Pss"] for s in processes.values())
        print(
            f"  WEB_PRELOAD={preload}: private per worker {sum(private) / len(private) / 1024:.1f}"
            f" MB, Pss per worker {sum(pss) / len(pss) / 1024:.1f} MB; master and "
            f"{len(workers)} workers together (Pss) {total / 1024:.1f} MB"
        )
    return 0


def manage(env: dict, *command: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def measure(env: dict, preload: str, requests: int) -> dict[int | str, dict[str, int]]:
    """Memory of the master and of each worker (by pid) after the requests."""
    import http.client

    port = free_port()
    server = subprocess.Popen(
        ["gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env={**env, "WEB_PRELOAD": preload, "HOST": HOST, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
                connection.request("GET", "/healthz", headers={"Host": HOST})
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit(f"the server (WEB_PRELOAD={preload}) did not answer in time")
        browser = Browser(port)
        browser.sign_in("ana@harbour.example", DEMO_PASSWORD)
        for _ in range(requests):
            for method, path, form in (
                ("POST", "/journal/detect/", {"notes": NOTES[2]}),
                ("GET", "/", None),
            ):
                # A connection per request: gunicorn hands each to either worker.
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
                try:
                    status, _ = browser.request(connection, method, path, form)
                finally:
                    connection.close()
                if status != 200:
                    sys.exit(f"{method} {path} answered {status}")
        return {
            "master": smaps(server.pid),
            **{pid: smaps(pid) for pid in children(server.pid)},
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def smaps(pid: int) -> dict[str, int]:
    """The process's memory in kB, by kind."""
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return {f: int(re.search(rf"^{f}:\s+(\d+) kB", text, re.M).group(1)) for f in FIELDS}


if __name__ == "__main__":
    sys.exit(main())
