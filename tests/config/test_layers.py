"""The layers hold: views and the overview ask selectors, apps import only the apps below them,
and export and erasure reach other apps' records through the registry, never their models.

The map of which app may import which is the one in docs/architecture.md. Each check reads the
source with ``ast``, so a new module, view or query is covered without being listed.
"""

import ast
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2]

# Which project apps each app may import (besides itself). ``config`` composes them all: its
# settings, URLs, navigation and overview sit above every app.
MAY_IMPORT = {
    "accounts": set(),
    "reminders": {"accounts"},
    "boundaries": {"accounts", "reminders"},
    "directory": {"accounts", "reminders"},
    "journal": {"accounts", "boundaries", "reminders"},
    "referrals": {"accounts", "directory", "journal", "reminders"},
}
# Modules of ``config`` every app may use: the input ranges of forms and models.
SHARED_CONFIG = {"config.bounds", "config.forms"}
APPS = set(MAY_IMPORT) | {"config"}


def _app_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.relative_to(ROOT).parts:
            yield path


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def _imported_modules(tree: ast.Module):
    """(node, dotted name) of everything a module imports, at the top or inside functions."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                yield node, f"{node.module}.{alias.name}"


def _models_named(tree: ast.Module):
    """(node, app) for every way a module reaches an app's models: ``from X.models import ...``,
    ``from X import models``, ``import X.models`` and ``apps.get_model("X", ...)``."""
    for node, name in _imported_modules(tree):
        parts = name.split(".")
        if len(parts) >= 2 and parts[1] == "models" and parts[0] in APPS:
            yield node, parts[0]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node, node.args[0].value.split(".")[0]


# --- Views and the overview ---------------------------------------------------------------


def _routed_view_files() -> set[Path]:
    """The source files of every view the URLconf routes to, in the project's own apps."""
    files: set[Path] = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", pattern.callback)
                module = sys.modules.get(view.__module__)
                path = Path(getattr(module, "__file__", "") or "/").resolve()
                if path.is_relative_to(ROOT) and path.relative_to(ROOT).parts[0] in APPS:
                    files.add(path)

    walk(get_resolver().url_patterns)
    return files


def _view_files() -> list[Path]:
    named = {
        path
        for app in APPS
        for path in _app_files(app)
        if path.name == "views.py" or path.name.endswith("_views.py")
    }
    return sorted(named | _routed_view_files() | {ROOT / "config" / "overview.py"})


def test_the_checked_views_include_the_home_page_and_the_api():
    files = {str(path.relative_to(ROOT)) for path in _view_files()}
    assert {"config/views.py", "config/overview.py", "directory/api.py"} <= files
    assert {f"{app}/views.py" for app in MAY_IMPORT} <= files


def test_views_and_the_overview_ask_selectors_instead_of_querying_models():
    """A view fetches through the owning app's selectors (scoped to the acting user), so no
    view module, and not the overview, names a model manager."""
    found = [
        _where(path, node)
        for path in _view_files()
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]
    assert not found, f"move these queries into a selector: {found}"


# --- Imports between apps -------------------------------------------------------------------


def _crossings(app: str):
    allowed = MAY_IMPORT[app] | {app}
    for path in _app_files(app):
        for node, name in _imported_modules(_tree(path)):
            top = name.split(".")[0]
            if top not in APPS or top in allowed or name in SHARED_CONFIG:
                continue
            if name.startswith(tuple(module + "." for module in SHARED_CONFIG)):
                continue
            yield f"{_where(path, node)} imports {name}"


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_apps_import_only_the_apps_below_them(app):
    assert not list(_crossings(app))


def test_the_map_has_no_circles():
    def reaches(start: str, goal: str, seen=()) -> bool:
        return any(
            below == goal or (below not in seen and reaches(below, goal, (*seen, below)))
            for below in MAY_IMPORT[start]
        )

    assert not [app for app in MAY_IMPORT if reaches(app, app)]


# --- Export and erasure ---------------------------------------------------------------------

EXPORT_AND_ERASE = ("exports.py", "services.py", "client_data.py")


def _export_and_erase_files(app: str):
    for path in _app_files(app):
        if path.name in EXPORT_AND_ERASE or path.parent.name == "services":
            yield path


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_export_and_erasure_read_no_models_of_the_apps_above(app):
    """What another app keeps about a journal client (its referrals) is exported and erased by
    that app, through ``journal.client_data``; the journal never imports those models."""
    allowed = MAY_IMPORT[app] | {app}
    found = [
        f"{_where(path, node)} reads {other}'s models"
        for path in _export_and_erase_files(app)
        for node, other in _models_named(_tree(path))
        if other in APPS and other not in allowed
    ]
    assert not found


def _reverse_relations_from_above(app: str) -> dict[str, set[str]]:
    """{accessor or query name: {"<app>.<Model>.<field>", ...}} of the relations that apps this
    one may not import hang on its models (``Client.referrals`` for the journal)."""
    allowed = MAY_IMPORT[app] | {app}
    names: dict[str, set[str]] = {}
    for model in apps.get_app_config(app).get_models():
        for relation in model._meta.related_objects:
            other = relation.related_model._meta.app_label
            if other in APPS and other not in allowed:
                origin = f"{other}.{relation.related_model.__name__}.{relation.field.name}"
                for name in (relation.get_accessor_name(), relation.field.related_query_name()):
                    names.setdefault(name, set()).add(origin)
    return names


LOOKUPS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "exists"}


def _reverse_relation_uses(tree: ast.Module, names: dict[str, set[str]]):
    """(node, name) of ``x.name``, ``getattr(x, "name")``, ``filter(name=...)`` and
    ``filter(name__...=...)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in names:
            yield node, node.attr
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "hasattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in names
        ):
            yield node, node.args[1].value
        elif isinstance(node, ast.Call):
            lookup = isinstance(node.func, ast.Attribute) and node.func.attr in LOOKUPS
            for keyword in node.keywords:
                head = (keyword.arg or "").split("__")[0]
                if head in names and (lookup or "__" in (keyword.arg or "")):
                    yield node, head


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_apps_do_not_reach_back_through_reverse_relations(app):
    """``client.referrals`` or ``filter(referrals__...)`` in the journal would tie it to the
    referrals app as surely as an import, only invisibly."""
    names = _reverse_relations_from_above(app)
    found = [
        f"{_where(path, node)} {name} ({', '.join(sorted(names[name]))})"
        for path in _app_files(app)
        for node, name in _reverse_relation_uses(_tree(path), names)
    ]
    assert not found


def test_the_journal_sees_the_referrals_through_the_registry():
    """The registry is what makes the checks above possible: the referrals app registered its
    records about clients when it started."""
    from journal import client_data

    assert "referrals" in [records.key for records in client_data.registered()]
