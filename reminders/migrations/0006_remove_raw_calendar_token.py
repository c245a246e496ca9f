from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0005_calendar_token_hashed"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="reminderpreference",
            name="calendar_token",
        ),
    ]
