import hashlib

from django.db import migrations, models


def hash_calendar_tokens(apps, schema_editor):
    """Hash each live feed's secret, so that addresses already in people's calendar apps keep
    working; the raw column goes in the next step."""
    ReminderPreference = apps.get_model("reminders", "ReminderPreference")
    for preference in ReminderPreference.objects.exclude(calendar_token="").only("calendar_token"):
        preference.calendar_token_hash = hashlib.sha256(
            preference.calendar_token.encode()
        ).hexdigest()
        preference.save(update_fields=["calendar_token_hash"])


class Migration(migrations.Migration):
    """The calendar feed's secret is stored as its SHA-256 only (the raw column goes in 0006, a
    migration of its own so that PostgreSQL never alters a table it just updated in the same
    transaction). Going back cannot recover the secrets: every feed is then switched off until
    its owner makes a new address."""

    dependencies = [
        ("reminders", "0004_planned_by_current_settings"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminderpreference",
            name="calendar_token_hash",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.RunPython(hash_calendar_tokens, migrations.RunPython.noop),
    ]
