"""Dates stored before the journal checked their range are repaired by the migration."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("journal", "0001_initial")]
AFTER = [("journal", "0002_dates_in_range")]


@pytest.mark.django_db(transaction=True)
def test_impossible_dates_already_stored_become_the_day_of_writing():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "journal"]
    old = executor.loader.project_state(BEFORE + others).apps
    organisation = old.get_model("accounts", "Organisation").objects.create(name="A", slug="a")
    owner = old.get_model("accounts", "User").objects.create(email="p@example.org")
    client = old.get_model("journal", "Client").objects.create(
        owner=owner, organisation=organisation, code="K-1"
    )
    SessionEntry = old.get_model("journal", "SessionEntry")
    bad = SessionEntry.objects.create(
        owner=owner,
        organisation=organisation,
        client=client,
        occurred_at=datetime(9999, 12, 31, 22, 59, tzinfo=UTC),
    )
    good = SessionEntry.objects.create(
        owner=owner,
        organisation=organisation,
        client=client,
        occurred_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
    )
    meeting = old.get_model("journal", "SupervisionMeeting").objects.create(
        organisation=organisation, supervisor=owner, supervisee=owner, held_on=date(9999, 12, 31)
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    SessionEntry = new.get_model("journal", "SessionEntry")
    repaired = SessionEntry.objects.get(pk=bad.pk)
    assert repaired.occurred_at == repaired.created_at
    assert SessionEntry.objects.get(pk=good.pk).occurred_at == good.occurred_at
    held_on = new.get_model("journal", "SupervisionMeeting").objects.get(pk=meeting.pk).held_on
    assert held_on.year < 2100

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
