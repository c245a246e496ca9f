"""The personal iCalendar feed: open reminders as to-dos, and the events the other apps add
through their registered calendar contributors (the journal's supervision meetings).

Calendars get synced to phones and other companies' servers, so the feed says as little as it
can: the kind of reminder and at most a client's pseudonymous code; never note text or names.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Todo

from accounts.models import User
from reminders.registry import calendar_contributors
from reminders.selectors import calendar_reminders_of
from reminders.texts import calendar_summary


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
            # A reminder timed by a day is due that day, not at a clock time.
            todo.add("due", reminder.due_on or reminder.due_at)
            todo.add("status", "NEEDS-ACTION")
            if reminder.link.startswith("/"):
                todo.add("url", f"{settings.SITE_URL}{reminder.link}")
            calendar.add_component(todo)
        for contribute in calendar_contributors():
            for item in contribute(user, now):
                event = Event()
                event.add("uid", f"{item.uid}@{host}")
                event.add("dtstamp", now)
                event.add("summary", item.summary)
                event.add("dtstart", item.day)
                event.add("dtend", item.day + timedelta(days=1))
                if item.path.startswith("/"):
                    event.add("url", f"{settings.SITE_URL}{item.path}")
                calendar.add_component(event)
    return calendar.to_ical()
