from datetime import timedelta

from django.db import migrations, models
from django.db.models import F


def lease_existing_claims(apps, schema_editor):
    """Claims taken before leases existed hold for one lease from when they were taken."""
    Reminder = apps.get_model("reminders", "Reminder")
    Reminder.objects.filter(status="claimed", claimed_at__isnull=False).update(
        claimed_until=F("claimed_at") + timedelta(seconds=45)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0004_planned_by_current_settings"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminder",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(lease_existing_claims, migrations.RunPython.noop),
    ]
