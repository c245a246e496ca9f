"""Kinds of reminder belong to the apps that schedule them: each declares its kinds in
``<app>/reminders.py`` and registers them in ``AppConfig.ready()``; the reminders app keeps the
outbox, windows, delivery and channels, and never reads another app's code or models."""

import ast
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

import reminders
from reminders import registry
from reminders.forms import PreferenceForm
from reminders.models import Reminder
from reminders.registry import ReminderKind
from reminders.texts import reminder_text

ROOT = Path(__file__).resolve().parents[2]
OTHER_APPS = ("accounts", "boundaries", "journal", "directory", "referrals", "config")


@pytest.fixture
def new_kind():
    """A kind a new app would declare: nothing in ``reminders`` changes for it."""
    kind = ReminderKind(
        code="test_new_kind",
        label="Something new to do",
        text=lambda data: f"Do {data['what']}",
    )
    registry.register(kinds=[kind])
    yield kind
    registry.unregister(kind)


def test_every_shipped_kind_names_the_roles_it_reaches():
    # The settings list a kind only to people it can reach; a kind without roles reaches all.
    assert all(kind.roles for kind in registry.kinds()), [
        kind.code for kind in registry.kinds() if not kind.roles
    ]
    assert "test_new_kind" not in [k.code for k in registry.kinds_for_roles([])]


def test_a_kind_without_roles_is_offered_to_everyone(new_kind):
    assert new_kind in registry.kinds_for_roles([])
    assert new_kind in registry.kinds_for_roles(["admin"])
    codes = [kind.code for kind in registry.kinds_for_roles(["admin"])]
    assert "directory_stale" in codes and "referral_followup" not in codes


def test_every_kind_is_declared_by_the_app_that_schedules_it():
    from boundaries import reminders as boundaries_reminders
    from directory import reminders as directory_reminders
    from journal import reminders as journal_reminders
    from referrals import reminders as referrals_reminders

    owners = {
        kind.code: app
        for app, module in [
            ("journal", journal_reminders),
            ("boundaries", boundaries_reminders),
            ("directory", directory_reminders),
            ("referrals", referrals_reminders),
        ]
        for kind in module.KINDS
    }
    assert owners == {
        "flag_followup": "journal",
        "flag_unreviewed": "journal",
        "flag_reviewed": "journal",
        "supervision_due": "journal",
        "supervision_overdue": "journal",
        "inventory_retake": "boundaries",
        "referral_followup": "referrals",
        "directory_stale": "directory",
    }
    assert set(registry.kind_codes()) == set(owners)


@pytest.mark.django_db
def test_a_new_kind_is_scheduled_delivered_and_offered_without_touching_reminders(
    new_kind, practitioner
):
    field = Reminder._meta.get_field("kind")
    assert ("test_new_kind", "Something new to do") in list(field.choices)
    form_choices = PreferenceForm().fields["email_kinds"].choices
    assert ("test_new_kind", "Something new to do") in list(form_choices)
    reminder = reminders.schedule(
        kind=new_kind,
        recipient=practitioner,
        about="newapp.thing:1",
        key="test_new_kind:1",
        due_at=timezone.now() + timedelta(days=1),
        data={"what": "the thing"},
    )
    reminder.full_clean()  # the stored code is a valid choice
    assert reminder_text(reminder) == "Do the thing"
    assert reminder.get_kind_display() == "Something new to do"


@pytest.mark.django_db
def test_a_new_kind_needs_no_migration(new_kind):
    out = StringIO()
    call_command("makemigrations", "reminders", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
    # The migration keeps a reference to the registry, not a copy of today's kinds.
    _name, _path, _args, kwargs = Reminder._meta.get_field("kind").deconstruct()
    assert kwargs["choices"] is registry.kind_choices


@pytest.mark.django_db
def test_an_unregistered_kind_is_refused(practitioner):
    stray = ReminderKind(code="stray", label="Stray", text=str)
    with pytest.raises(ValueError, match="Unknown reminder kind"):
        reminders.schedule(
            kind=stray,
            recipient=practitioner,
            about="x:1",
            key="stray:1",
            due_at=timezone.now(),
        )


def test_two_apps_cannot_claim_the_same_code():
    from journal.reminders import FLAG_FOLLOWUP

    impostor = ReminderKind(code=FLAG_FOLLOWUP.code, label="Impostor", text=str)
    with pytest.raises(ImproperlyConfigured):
        registry.register(kinds=[impostor])
    assert registry.kind("flag_followup") is FLAG_FOLLOWUP


def _imports(path: Path) -> list[tuple[str, str]]:
    """(imported module, line) for every import in a file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, ast.unparse(node)) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, ast.unparse(node)))
    return found


def _reminders_sources() -> list[Path]:
    return [p for p in (ROOT / "reminders").rglob("*.py") if "migrations" not in p.parts]


def test_reminders_never_reads_another_apps_code_or_models():
    for path in _reminders_sources():
        text = path.read_text()
        assert "get_model" not in text, path.name
        for module, line in _imports(path):
            top = module.split(".")[0]
            # accounts is below every app (people, organisations, working hours); nothing else.
            assert top not in OTHER_APPS or top == "accounts", f"{path.name}: {line}"


def _reminders_imports(path: Path) -> set[str]:
    """The reminders modules a file imports, at any depth (``from reminders import x`` names
    the submodule ``reminders.x`` when there is one)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            whole_package = name == "reminders" and isinstance(node, ast.Import)
            module = name.startswith("reminders.") and (ROOT / f"{name.replace('.', '/')}.py")
            if whole_package or (module and module.exists()):
                found.add(name)
    return found


def test_the_reminders_modules_import_each_other_without_circles():
    def module_name(path: Path) -> str:
        parts = path.relative_to(ROOT).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    graph = {module_name(p): _reminders_imports(p) for p in _reminders_sources()}

    def visit(node: str, trail: tuple[str, ...]) -> None:
        assert node not in trail, " -> ".join((*trail, node))
        for target in graph.get(node, ()):
            if target != node:
                visit(target, (*trail, node))

    for module in graph:
        visit(module, ())
