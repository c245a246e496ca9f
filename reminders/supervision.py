"""The supervision rule: remind a pair a few days before their next meeting, and again when it
is overdue.

The next meeting is the pair's last recorded meeting plus their cadence (or, before their first
meeting, the day the pair was made plus the cadence). Meetings and flags are read through the
app registry so that reminders never imports the journal's code.
"""

from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accounts.models import SupervisionLink, User
from reminders.models import Reminder
from reminders.services import reminder_cancel, reminder_schedule

DUE_NOTICE_DAYS = 3
# The digest lists this many of the flags to bring to the meeting, and counts the rest.
FLAGS_LISTED = 12


def _working_morning(user: User, day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)), user.tzinfo)


def supervision_next_meeting(link: SupervisionLink) -> tuple[date, date | None]:
    """(the date the pair should next meet, the date they last met or None)."""
    meeting = apps.get_model("journal", "SupervisionMeeting")
    last = (
        meeting.objects.filter(supervisor_id=link.supervisor_id, supervisee_id=link.supervisee_id)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    start = last or timezone.localdate(link.created_at, link.supervisee.tzinfo)
    return start + timedelta(weeks=link.cadence_weeks), last


def confirmed_flags_since(supervisee: User, last: date | None) -> tuple[int, list[dict]]:
    """How many flags the supervisee confirmed since ``last``, and the first few as
    ``{"category", "session"}`` (a code and a date: the list goes out by e-mail, so no notes)."""
    flag = apps.get_model("journal", "Flag")
    flags = flag.objects.filter(entry__owner_id=supervisee.pk, status="confirmed")
    if last:
        flags = flags.filter(confirmed_at__date__gte=last)
    listed = [
        {
            "category": category,
            "session": timezone.localdate(occurred_at, supervisee.tzinfo).isoformat(),
        }
        for category, occurred_at in flags.order_by("entry__occurred_at", "id").values_list(
            "category", "entry__occurred_at"
        )[:FLAGS_LISTED]
    ]
    return flags.count(), listed


def supervision_link_remind(*, link: SupervisionLink, today: date) -> int:
    """Schedule the due or overdue reminders of one pair for ``today``; returns how many."""
    next_date, last = supervision_next_meeting(link)
    about = f"accounts.supervisionlink:{link.uuid}"
    kind = (
        Reminder.Kind.SUPERVISION_DUE if today <= next_date else Reminder.Kind.SUPERVISION_OVERDUE
    )
    keep = set()
    if today >= next_date - timedelta(days=DUE_NOTICE_DAYS):
        keep = {f"{kind}:{link.uuid}:{next_date.isoformat()}:{u.pk}" for u in _pair(link)}
    # A waiting reminder for another date is moot now (they met, or the cadence changed).
    for stale in Reminder.objects.filter(about=about, status=Reminder.Status.PENDING).exclude(
        idempotency_key__in=keep
    ):
        reminder_cancel(key=stale.idempotency_key)
    if not keep:
        return 0
    flags, flag_list = confirmed_flags_since(link.supervisee, last)
    link_path = reverse("journal:meetings")
    scheduled = 0
    for person, other in ((link.supervisor, link.supervisee), (link.supervisee, link.supervisor)):
        if not person.is_active:
            continue
        notice_day = next_date - timedelta(days=DUE_NOTICE_DAYS)
        if kind == Reminder.Kind.SUPERVISION_OVERDUE:
            notice_day = next_date + timedelta(days=1)
        reminder_schedule(
            kind=kind,
            recipient=person,
            due_at=_working_morning(person, notice_day),
            about=about,
            key=f"{kind}:{link.uuid}:{next_date.isoformat()}:{person.pk}",
            link=link_path,
            data={
                "person": other.get_full_name(),
                "date": next_date.isoformat(),
                "flags": flags,
                "flag_list": flag_list,
            },
        )
        scheduled += 1
    return scheduled


def _pair(link: SupervisionLink) -> tuple[User, User]:
    return link.supervisor, link.supervisee


def supervision_reminders_schedule(*, today: date | None = None) -> int:
    """Run the rule for every pair (idempotent: keys name the pair and the due date)."""
    today = today or timezone.localdate()
    scheduled = 0
    links = SupervisionLink.objects.select_related("supervisor", "supervisee")
    for link in links.iterator(chunk_size=200):
        scheduled += supervision_link_remind(link=link, today=today)
    return scheduled
