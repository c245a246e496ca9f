# Dates outside 1900–2100 broke every page that showed them (year 9999 cannot be shown east of
# UTC). Any such date already stored becomes the day the record was made, then the database
# refuses new ones.

import datetime

from django.db import migrations, models
from django.db.models import F, Q

EARLIEST_MOMENT = datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
LATEST_MOMENT = datetime.datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc)
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def move_impossible_dates_to_the_day_of_writing(apps, schema_editor):
    SessionEntry = apps.get_model("journal", "SessionEntry")
    SupervisionMeeting = apps.get_model("journal", "SupervisionMeeting")
    SessionEntry.objects.filter(
        Q(occurred_at__lt=EARLIEST_MOMENT) | Q(occurred_at__gt=LATEST_MOMENT)
    ).update(occurred_at=F("created_at"))
    for meeting in SupervisionMeeting.objects.filter(
        Q(held_on__lt=EARLIEST_DATE) | Q(held_on__gt=LATEST_DATE)
    ):
        meeting.held_on = meeting.created_at.date()
        meeting.save(update_fields=["held_on"])


class Migration(migrations.Migration):

    dependencies = [
        ("journal", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(move_impossible_dates_to_the_day_of_writing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="sessionentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("occurred_at__gte", EARLIEST_MOMENT), ("occurred_at__lte", LATEST_MOMENT)),
                name="entry_date_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="supervisionmeeting",
            constraint=models.CheckConstraint(
                condition=models.Q(("held_on__gte", EARLIEST_DATE), ("held_on__lte", LATEST_DATE)),
                name="meeting_date_in_range",
            ),
        ),
    ]
