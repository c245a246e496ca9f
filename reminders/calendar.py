"""The personal iCalendar feed: open follow-ups as to-dos, supervision meetings as events.

Calendars get synced to phones and other companies' servers, so the feed says as little as it
can: the kind of reminder and at most a client's pseudonymous code; never note text or names.
"""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Todo

from accounts.models import User
from reminders.selectors import calendar_reminders_of
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
        for held in meetings.only("uuid", "held_on").order_by("held_on"):
            event = Event()
            event.add("uid", f"meeting-{held.uuid}@{host}")
            event.add("dtstamp", now)
            event.add("summary", _("Supervision meeting"))
            event.add("dtstart", held.held_on)
            event.add("dtend", held.held_on + timedelta(days=1))
            calendar.add_component(event)
    return calendar.to_ical()
