"""Every regular expression in Limen's apps runs in linear time on hostile text.

A pattern that backtracks quadratically lets one request of 100,000 characters hold a worker for
minutes (and a saved entry like that makes its own page time out forever). The sweep finds the
patterns by itself, so a new one is covered without being listed: every compiled pattern kept at
module level in the project's apps, and every string literal handed to ``re.*`` in their source.
Each runs (search at every position, full match, split) on 100,000-character inputs built to make
a backtracking engine go quadratic.

It runs in a subprocess with a generous deadline rather than timing each call: a linear pattern
takes milliseconds per input, a quadratic one minutes, so the deadline never decides a close call.
"""

import ast
import importlib
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LENGTH = 100_000
# The whole sweep takes a few seconds; one quadratic pattern on one input takes over a minute.
DEADLINE_SECONDS = 120
MAX_MATCHES = 10_000

# Characters that patterns over prose, e-mail addresses, phone numbers, times and spreadsheet
# cells give meaning to. Runs of one, and alternations of two, are what make nested or adjacent
# quantifiers backtrack; the suffixes make the last attempt fail after the longest run.
ATOMS = ["a", "A", "1", " ", ".", "@", "-", "+", "/", ":", "(", "=", "_", "'", "\n", "é", "€"]
PAIR_ATOMS = ["a", "1", " ", ".", "@", "-"]
SUFFIXES = ["", "!"]


def hostile_inputs():
    for atom in ATOMS:
        for suffix in SUFFIXES:
            yield atom * (LENGTH - len(suffix)) + suffix
    for first in PAIR_ATOMS:
        for second in PAIR_ATOMS:
            if first != second:
                yield (first + second) * (LENGTH // 2) + "!"
    yield "a@" + "a" * LENGTH
    yield "a@a." + "a." * (LENGTH // 2)
    yield "+" + "1 " * (LENGTH // 2) + "x"
    yield "12:3" * (LENGTH // 4)


def _project_apps():
    from django.apps import apps

    # Installed packages live under the repository too when the virtualenv is .venv.
    return [
        app
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(ROOT) and "site-packages" not in Path(app.path).parts
    ]


def _modules(app):
    yield app.name
    for info in pkgutil.walk_packages([app.path], prefix=app.name + "."):
        if ".migrations" in info.name or ".management.commands" in info.name:
            continue
        yield info.name


def _held(value, depth=0):
    """Compiled patterns in a module global, also inside lists, tuples and dict values."""
    if isinstance(value, re.Pattern):
        yield value
    elif depth < 3 and isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _held(item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for item in value.values():
            yield from _held(item, depth + 1)


RE_FUNCTIONS = {"compile", "search", "match", "fullmatch", "findall", "finditer", "sub", "subn"}
RE_FUNCTIONS |= {"split"}


def _literal_patterns(path: Path):
    """``re.<function>("literal", ...)`` calls in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in RE_FUNCTIONS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def patterns() -> dict[tuple[str, int], tuple[str, re.Pattern]]:
    """{(pattern, flags): (where it was found, compiled pattern)} over the project's apps."""
    found: dict[tuple[str, int], tuple[str, re.Pattern]] = {}
    for app in _project_apps():
        for name in _modules(app):
            module = importlib.import_module(name)
            for attribute, value in vars(module).items():
                for pattern in _held(value):
                    found.setdefault(
                        (pattern.pattern, pattern.flags), (f"{name}.{attribute}", pattern)
                    )
        for path in sorted(Path(app.path).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for line, text in _literal_patterns(path):
                pattern = re.compile(text)
                where = f"{path.relative_to(ROOT)}:{line}"
                found.setdefault((pattern.pattern, pattern.flags), (where, pattern))
    return found


def sweep() -> None:
    """Run every pattern on every hostile input, naming each pattern before it starts."""
    inputs = list(hostile_inputs())
    for where, pattern in patterns().values():
        print(f"START {where} {pattern.pattern!r}", flush=True)
        for text in inputs:
            # A search from every position, in C. It stops after MAX_MATCHES: a pattern that
            # keeps matching is making progress, while a quadratic one fails at every position
            # and scans to the end.
            pattern.subn("", text, count=MAX_MATCHES)
            pattern.fullmatch(text)
    print("DONE", flush=True)


def test_the_sweep_finds_the_patterns_that_read_user_text():
    import django

    django.setup()
    where = {where.split(".")[0] + "." + where.split(".")[1] for where, _ in patterns().values()}
    assert "journal.forms" in where  # the identifier warnings over notes
    assert "boundaries.matching" in where  # hot-button keywords over entries
    assert any(w.startswith("journal.slips") for w in where)  # the slip detector


def test_every_pattern_is_linear_on_hostile_input():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    code = "import django; django.setup(); from tests.config.test_patterns import sweep; sweep()"
    try:
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=DEADLINE_SECONDS,
        )
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        started = [line for line in output.splitlines() if line.startswith("START")]
        raise AssertionError(
            f"still running after {DEADLINE_SECONDS}s, in {started[-1] if started else '?'}"
        ) from None
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.rstrip().endswith("DONE"), result.stdout[-2000:]
