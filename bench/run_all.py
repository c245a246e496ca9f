"""``make bench``: run every benchmark and print its figures.

The slip detector needs nothing; the directory and reminder benchmarks need PostgreSQL (and Redis)
and say so when those are not configured (set DATABASE_URL / REDIS_URL).
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

BENCHMARKS = [
    ("Boundary-slip detector", "slips_bench.py", ()),
    ("Referral directory (PostgreSQL)", "referrals_bench.py", ("DATABASE_URL",)),
    ("Reminder dispatch (PostgreSQL + Redis)", "reminders_bench.py", ("DATABASE_URL", "REDIS_URL")),
    ("Load: 50 people for 2 minutes (PostgreSQL + Redis)", "load.py", ("DATABASE_URL",)),
    (
        "Key pages against the floor, demo and large (PostgreSQL + Redis)",
        "pages_bench.py",
        ("DATABASE_URL", "REDIS_URL"),
    ),
]


def main() -> int:
    failures = 0
    for title, script, needs in BENCHMARKS:
        print(f"\n=== {title}")
        if not (HERE / script).exists():
            print(f"(not present: bench/{script})")
            continue
        missing = [name for name in needs if not os.environ.get(name)]
        if missing:
            print(f"skipped: set {', '.join(missing)} to run bench/{script}")
            continue
        result = subprocess.run([sys.executable, str(HERE / script)], cwd=ROOT)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
