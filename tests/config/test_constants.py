"""A rule has one home: the languages are listed once, and the periods sentences mention (how
long a link works, when a directory entry goes stale) come from the constant that decides them,
never typed into a template or a message a second time."""

import ast
import re
from pathlib import Path

from django.conf import settings

from accounts.languages import LANGUAGE_CODES

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "boundaries", "journal", "directory", "referrals", "reminders", "config")
# "15 minutes", "24 hours", "180 days": a number of a unit of time inside a sentence.
PERIOD = re.compile(r"\b\d+\s+(minutes?|hours?|days?|weeks?|months?)\b", re.IGNORECASE)


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"))


def _templates():
    yield from sorted((ROOT / "templates").rglob("*.html"))
    yield from sorted((ROOT / "templates").rglob("*.txt"))
    for app in APPS:
        yield from sorted((ROOT / app / "templates").rglob("*.html"))


def _docstrings(tree: ast.Module) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def test_the_language_list_is_written_once():
    found = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Tuple | ast.List | ast.Set)
                and len(node.elts) == len(LANGUAGE_CODES)
                and all(isinstance(e, ast.Constant) for e in node.elts)
                and {e.value for e in node.elts} == set(LANGUAGE_CODES)
            ):
                found.append(str(path.relative_to(ROOT)))
    assert found == ["accounts/languages.py"]
    assert [code for code, _name in settings.LANGUAGES] == list(LANGUAGE_CODES)


def test_no_template_types_a_period_of_its_own():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PERIOD.search(line)
    ]
    assert not found, "pass the constant (or a template tag) instead"


def test_no_message_in_the_code_types_a_period_of_its_own():
    found = []
    for path, tree in _sources():
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and PERIOD.search(node.value)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, "format the constant into the message instead"
