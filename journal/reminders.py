"""The journal's reminders: a follow-up after a confirmed crossing, a flag nobody reviewed, a
review for its practitioner to read, and supervision due or overdue; with the rules that
schedule them, the beat task of the supervision rule and the supervision meetings in the
calendar feed. Registered in ``JournalConfig.ready()``.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

import reminders
from accounts.access import Role
from accounts.models import SupervisionLink, User
from accounts.selectors import supervision_links_of, supervisors_of
from journal.models import FOLLOW_UP_CATEGORIES, Category, Flag, SupervisionMeeting
from reminders.registry import BeatTask, CalendarEvent, Data, ReminderKind
from reminders.texts import count_of, date_text

# Article 003's follow-up: a few days after the incident, check in with the client.
FOLLOW_UP_AFTER = timedelta(days=3)
# A confirmed crossing nobody has reviewed for this long goes to the supervisor (the overview's
# review card counts these too).
ESCALATE_AFTER = timedelta(days=7)
# Supervision is announced this many days before the pair's next meeting is due.
DUE_NOTICE_DAYS = 3
# The digest lists this many of the flags to bring to the meeting, and counts the rest.
FLAGS_LISTED = 12
# Supervision meetings held this long ago still show in the calendar feed.
MEETINGS_SINCE = timedelta(days=120)


def _category(value) -> str:
    return str(Category(value).label) if value in Category.values else str(value)


def _flag_followup_text(data: Data) -> str:
    return _("Follow up with client %(client)s after the session of %(session)s") % {
        "client": data["client"],
        "session": date_text(data["session"]),
    }


def _flag_unreviewed_text(data: Data) -> str:
    return _("A flag (%(category)s) raised by %(practitioner)s is waiting for your review") % {
        "category": _category(data["category"]),
        "practitioner": data["practitioner"],
    }


def _flag_reviewed_text(data: Data) -> str:
    return _(
        "%(supervisor)s reviewed the crossing (%(category)s) in your session of %(session)s: "
        "%(outcome)s"
    ) % {
        "supervisor": data["supervisor"],
        "category": _category(data["category"]),
        "session": date_text(data["session"]),
        "outcome": str(Flag.Outcome(data["outcome"]).label),
    }


def _supervision_due_text(data: Data) -> str:
    flags = count_of(data.get("flags"))
    return ngettext(
        "Supervision with %(person)s is due on %(date)s; %(flags)s flag was confirmed since "
        "your last meeting",
        "Supervision with %(person)s is due on %(date)s; %(flags)s flags were confirmed since "
        "your last meeting",
        flags,
    ) % {"person": data["person"], "date": date_text(data["date"]), "flags": flags}


def _supervision_due_details(data: Data) -> list[str]:
    """The flags to bring to the meeting ("Rescuing (3 March 2026)"), each a category and a
    session date, never note text."""
    listed = data.get("flag_list")
    if not isinstance(listed, list):
        return []
    lines = []
    for flag in listed:
        if isinstance(flag, dict) and flag.get("category"):
            session = f" ({date_text(flag['session'])})" if flag.get("session") else ""
            lines.append(f"{_category(flag['category'])}{session}")
    return lines


def _supervision_overdue_text(data: Data) -> str:
    return _("Supervision with %(person)s was due on %(date)s and no meeting has been recorded") % {
        "person": data["person"],
        "date": date_text(data["date"]),
    }


# Both sides of a supervision pair are told a meeting is due.
SUPERVISION_ROLES = (Role.PRACTITIONER, Role.SUPERVISOR)

FLAG_FOLLOWUP = ReminderKind(
    code="flag_followup",
    label=gettext_lazy("Follow up after a boundary crossing"),
    text=_flag_followup_text,
    roles=(Role.PRACTITIONER,),
)
FLAG_UNREVIEWED = ReminderKind(
    code="flag_unreviewed",
    label=gettext_lazy("Flag waiting for review"),
    text=_flag_unreviewed_text,
    roles=(Role.SUPERVISOR,),
)
FLAG_REVIEWED = ReminderKind(
    code="flag_reviewed",
    label=gettext_lazy("Your supervisor reviewed a crossing"),
    text=_flag_reviewed_text,
    roles=(Role.PRACTITIONER,),
)
SUPERVISION_DUE = ReminderKind(
    code="supervision_due",
    label=gettext_lazy("Supervision meeting due"),
    text=_supervision_due_text,
    details=_supervision_due_details,
    roles=SUPERVISION_ROLES,
)
SUPERVISION_OVERDUE = ReminderKind(
    code="supervision_overdue",
    label=gettext_lazy("Supervision meeting overdue"),
    text=_supervision_overdue_text,
    roles=SUPERVISION_ROLES,
)
KINDS = (FLAG_FOLLOWUP, FLAG_UNREVIEWED, FLAG_REVIEWED, SUPERVISION_DUE, SUPERVISION_OVERDUE)

BEAT = (
    BeatTask(
        name="journal-supervision-rules",
        task="journal.tasks.supervision_rules",
        every=timedelta(hours=1),
        expires=timedelta(minutes=50),
    ),
)


# --- What the reminders are about, and their keys ---------------------------------------------


def flag_about(flag: Flag) -> str:
    return f"journal.flag:{flag.uuid}"


def flag_followup_key(flag: Flag) -> str:
    return f"flag_followup:{flag.uuid}"


def flag_unreviewed_key(flag: Flag, supervisor: User) -> str:
    return f"flag_unreviewed:{flag.uuid}:{supervisor.pk}"


def flag_reviewed_key(flag: Flag) -> str:
    # One per review: a second review sent later reaches the practitioner too.
    return f"flag_reviewed:{flag.uuid}:{flag.reviewed_at.isoformat()}"


def supervision_about(link: SupervisionLink) -> str:
    return f"accounts.supervisionlink:{link.uuid}"


def supervision_due_key(link: SupervisionLink, due_on: date, person: User) -> str:
    return f"supervision_due:{link.uuid}:{due_on.isoformat()}:{person.pk}"


def supervision_overdue_key(link: SupervisionLink, due_on: date, person: User) -> str:
    return f"supervision_overdue:{link.uuid}:{due_on.isoformat()}:{person.pk}"


# --- Flags ------------------------------------------------------------------------------------


def flag_followup_on(flag: Flag) -> date | None:
    """The day the practitioner is reminded to follow up on a confirmed crossing (article 003),
    or None for a category without a follow-up."""
    if flag.category not in FOLLOW_UP_CATEGORIES or flag.confirmed_at is None:
        return None
    return timezone.localdate(flag.confirmed_at + FOLLOW_UP_AFTER, flag.entry.owner.tzinfo)


def flag_reminders_schedule(flag: Flag) -> None:
    """What a confirmed crossing brings: a follow-up for the practitioner ``FOLLOW_UP_AFTER``
    (in the follow-up categories), and for each supervisor a reminder if it is still unreviewed
    after ``ESCALATE_AFTER``. Call it in the transaction that confirms the flag.

    The follow-up is due on a day in the practitioner's calendar, and reaches them when their
    working day starts; the escalation falls due at a moment."""
    entry = flag.entry
    about = flag_about(flag)
    follow_up_on = flag_followup_on(flag)
    if follow_up_on is not None:
        reminders.schedule(
            kind=FLAG_FOLLOWUP,
            recipient=entry.owner,
            on=follow_up_on,
            about=about,
            key=flag_followup_key(flag),
            link=reverse("journal:entry", args=[entry.uuid]),
            data={
                "category": flag.category,
                "client": entry.client.code,
                "session": entry.occurred_at.date().isoformat(),
            },
        )
    for supervisor in supervisors_of(entry.owner):
        reminders.schedule(
            kind=FLAG_UNREVIEWED,
            recipient=supervisor,
            due_at=flag.confirmed_at + ESCALATE_AFTER,
            about=about,
            key=flag_unreviewed_key(flag, supervisor),
            link=reverse("journal:review_flag", args=[flag.uuid]),
            data={"category": flag.category, "practitioner": entry.owner.get_full_name()},
        )


def flag_review_notify(flag: Flag) -> None:
    """Tell the practitioner their supervisor reviewed a crossing (in Limen, and in their next
    digest). A review not yet delivered is replaced by the newer one. Call it in the
    transaction that records the review."""
    entry = flag.entry
    about = flag_about(flag)
    reminders.cancel(about=about, kinds=[FLAG_REVIEWED])
    reminders.schedule(
        kind=FLAG_REVIEWED,
        recipient=entry.owner,
        due_at=flag.reviewed_at,
        about=about,
        key=flag_reviewed_key(flag),
        link=reverse("journal:entry", args=[entry.uuid]) + f"#flag-{flag.uuid}",
        data={
            "category": flag.category,
            "outcome": flag.outcome,
            "supervisor": flag.reviewed_by.get_full_name() if flag.reviewed_by else "",
            "session": timezone.localdate(entry.occurred_at, entry.owner.tzinfo).isoformat(),
        },
    )


def flag_review_reminders_read(*, recipient: User, flags: Iterable[Flag]) -> int:
    """The practitioner opened the reviewed entry: the reminders of its reviews are read, and
    one still waiting for their working hours is moot."""
    abouts = [flag_about(flag) for flag in flags]
    reminders.cancel(abouts=abouts, kinds=[FLAG_REVIEWED])
    return reminders.mark_read(recipient=recipient, abouts=abouts, kinds=[FLAG_REVIEWED])


# --- Supervision ------------------------------------------------------------------------------


def supervision_next_meeting(link: SupervisionLink) -> tuple[date, date | None]:
    """(the date the pair should next meet, the date they last met or None): their last
    recorded meeting plus their cadence, or before their first meeting the day the pair was
    made plus the cadence."""
    last = (
        SupervisionMeeting.objects.filter(
            supervisor_id=link.supervisor_id, supervisee_id=link.supervisee_id
        )
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    start = last or timezone.localdate(link.created_at, link.supervisee.tzinfo)
    return start + timedelta(weeks=link.cadence_weeks), last


def confirmed_flags_since(supervisee: User, last: date | None) -> tuple[int, list[dict]]:
    """How many flags the supervisee confirmed since ``last``, and the first few as
    ``{"category", "session"}`` (a code and a date: the list goes out by e-mail, so no notes)."""
    flags = Flag.objects.filter(entry__owner_id=supervisee.pk, status=Flag.Status.CONFIRMED)
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
    overdue = today > next_date
    kind = SUPERVISION_OVERDUE if overdue else SUPERVISION_DUE
    key = supervision_overdue_key if overdue else supervision_due_key
    pair = ((link.supervisor, link.supervisee), (link.supervisee, link.supervisor))
    keep = set()
    if today >= next_date - timedelta(days=DUE_NOTICE_DAYS):
        keep = {key(link, next_date, person) for person, _other in pair}
    # A waiting reminder for another date is moot now (they met, or the cadence changed).
    reminders.cancel(about=supervision_about(link), keep=keep)
    if not keep:
        return 0
    flags, flag_list = confirmed_flags_since(link.supervisee, last)
    notice_day = (
        next_date + timedelta(days=1) if overdue else next_date - timedelta(days=DUE_NOTICE_DAYS)
    )
    scheduled = 0
    for person, other in pair:
        if not person.is_active:
            continue
        reminders.schedule(
            kind=kind,
            recipient=person,
            on=notice_day,
            about=supervision_about(link),
            key=key(link, next_date, person),
            link=reverse("journal:meetings"),
            data={
                "person": other.get_full_name(),
                "date": next_date.isoformat(),
                "flags": flags,
                "flag_list": flag_list,
            },
        )
        scheduled += 1
    return scheduled


def supervision_reminders_schedule(*, today: date | None = None) -> int:
    """The hourly rule, for every pair (idempotent: keys name the pair and the due date)."""
    today = today or timezone.localdate()
    scheduled = 0
    links = SupervisionLink.objects.select_related("supervisor", "supervisee")
    for link in links.iterator(chunk_size=200):
        scheduled += supervision_link_remind(link=link, today=today)
    return scheduled


# --- The calendar feed ------------------------------------------------------------------------


def calendar_events(user: User, now: datetime) -> list[CalendarEvent]:
    """The next meeting of each of the person's supervision pairs, as the cadence sets it (still
    shown once the date has passed, until a meeting is recorded), and the meetings held lately."""
    events = []
    for link in supervision_links_of(user):
        next_date, _last = supervision_next_meeting(link)
        events.append(
            CalendarEvent(
                uid=f"supervision-{link.uuid}-{next_date:%Y%m%d}",
                summary=str(SUPERVISION_DUE.label),
                day=next_date,
                path=reverse("journal:meetings"),
            )
        )
    since = (now - MEETINGS_SINCE).date()
    held = SupervisionMeeting.objects.filter(
        supervisor_id=user.pk, held_on__gte=since
    ) | SupervisionMeeting.objects.filter(supervisee_id=user.pk, held_on__gte=since)
    for meeting in held.only("uuid", "held_on").order_by("held_on"):
        events.append(
            CalendarEvent(
                uid=f"meeting-{meeting.uuid}", summary=_("Supervision meeting"), day=meeting.held_on
            )
        )
    return events
