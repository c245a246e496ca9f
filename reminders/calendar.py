"""The personal iCalendar feed: open follow-ups as to-dos; supervision meetings (the next one each
pair is due, and those held lately) as events.

Calendars get synced to phones and other companies' servers, so the feed says as little as it
can: the kind of reminder and at most a client's pseudonymous code; never note text or names.
"""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Todo

from accounts.models import User
from accounts.selectors import supervision_links_of
from reminders.models import Reminder
from reminders.selectors import calendar_reminders_of
from reminders.supervision import supervision_next_meeting
from reminders.texts import calendar_summary

MEETINGS_SINCE = timedelta(days=120)


def calendar_feed(user: User) -> bytes:
    """The user's feed as iCalendar bytes, in their language."""
    now = timezone.now()
    host = settings.SITE_URL.split("://", 1)[-1].split("/")[0] or "limen"
    with translation.override(user.language or settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//Limen//Reminders//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("Limen reminders"))
        for reminder in calendar_reminders_of(user):
            todo = Todo()
            todo.add("uid", f"reminder-{reminder.uuid}@{host}")
            todo.add("dtstamp", now)
            todo.add("summary", calendar_summary(reminder))
            todo.add("due", reminder.due_at)
            todo.add("status", "NEEDS-ACTION")
            if reminder.link.startswith("/"):
                todo.add("url", f"{settings.SITE_URL}{reminder.link}")
            calendar.add_component(todo)
        meeting = apps.get_model("journal", "SupervisionMeeting")
        meetings = meeting.objects.filter(
            supervisor_id=user.pk, held_on__gte=(now - MEETINGS_SINCE).date()
        ) | meeting.objects.filter(
            supervisee_id=user.pk, held_on__gte=(now - MEETINGS_SINCE).date()
        )
        # The next meeting of each of the person's supervision pairs, as the cadence sets it
        # (still shown once the date has passed, until a meeting is recorded).
        for link in supervision_links_of(user).select_related("supervisee"):
            next_date, _last = supervision_next_meeting(link)
            event = Event()
            event.add("uid", f"supervision-{link.uuid}-{next_date:%Y%m%d}@{host}")
            event.add("dtstamp", now)
            event.add("summary", str(Reminder.Kind.SUPERVISION_DUE.label))
            event.add("dtstart", next_date)
            event.add("dtend", next_date + timedelta(days=1))
            event.add("url", f"{settings.SITE_URL}{reverse('journal:meetings')}")
            calendar.add_component(event)
        for held in meetings.only("uuid", "held_on").order_by("held_on"):
            event = Event()
            event.add("uid", f"meeting-{held.uuid}@{host}")
            event.add("dtstamp", now)
            event.add("summary", _("Supervision meeting"))
            event.add("dtstart", held.held_on)
            event.add("dtend", held.held_on + timedelta(days=1))
            calendar.add_component(event)
    return calendar.to_ical()
