"""The calendar feed's secret went from a raw column to its hash: addresses already in people's
calendar apps keep working after the migration."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from reminders.models import ReminderPreference

BEFORE_HASHING = [("reminders", "0004_planned_by_current_settings")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_existing_feed_addresses_keep_working_and_the_raw_secret_is_gone(client):
    token = "k" * 43
    try:
        old = migrate(BEFORE_HASHING)
        User = old.get_model("accounts", "User")
        Preference = old.get_model("reminders", "ReminderPreference")
        on = User.objects.create(email="ana@harbour.example", is_active=True)
        off = User.objects.create(email="ben@harbour.example", is_active=True)
        Preference.objects.create(user=on, calendar_token=token)
        Preference.objects.create(user=off, calendar_token="")
    finally:
        migrate()

    assert ReminderPreference.objects.get(user_id=on.pk).calendar_token_hash == (
        hashlib.sha256(token.encode()).hexdigest()
    )
    assert ReminderPreference.objects.get(user_id=off.pk).calendar_token_hash == ""
    with connection.cursor() as cursor:
        columns = [
            c.name
            for c in connection.introspection.get_table_description(
                cursor, ReminderPreference._meta.db_table
            )
        ]
    assert "calendar_token" not in columns
    assert client.get(reverse("reminders:calendar", args=[token])).status_code == 200
