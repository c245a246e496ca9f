"""The migrations that move the directory's models apply their state once rendered, and come out
exactly where Django's own ``SeparateDatabaseAndState`` would."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import migrations
from django.db.migrations.loader import MigrationLoader

from config.migration_operations import SeparateDatabaseAndStateRenderedOnce

MOVES = [("directory", "0001_initial"), ("referrals", "0005_directory_moved_out")]


@pytest.mark.parametrize("key", MOVES, ids="/".join)
def test_the_state_comes_out_as_with_djangos_own_operation(key):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (operation,) = [
        op
        for op in loader.graph.nodes[key].operations
        if isinstance(op, SeparateDatabaseAndStateRenderedOnce)
    ]
    before = loader.project_state(key, at_end=False)
    before.apps  # rendered, as the executor has it when it applies a migration
    ours, django = before.clone(), before.clone()
    operation.state_forwards(key[0], ours)
    migrations.SeparateDatabaseAndState(state_operations=operation.state_operations).state_forwards(
        key[0], django
    )
    assert ours.models == django.models
    for app_label, model_name in django.models:
        theirs = django.apps.get_model(app_label, model_name)._meta
        mine = ours.apps.get_model(app_label, model_name)._meta
        # Reverse relations are listed in the order the models were rendered.
        assert sorted(f.name for f in mine.get_fields()) == sorted(
            f.name for f in theirs.get_fields()
        )


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
