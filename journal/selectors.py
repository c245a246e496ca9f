"""Scoped reads for the journal. Everything takes the acting user; what is outside their reach
raises Http404, whether or not it exists.

Who sees an entry: its author always; a supervisor only while the entry carries a confirmed or
self-reported flag, or was explicitly shared with supervision, and only for their own supervisees.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.access import Role, has_role
from accounts.models import User
from accounts.selectors import membership_of, supervisees_of, supervises, supervisors_of
from journal import client_data
from journal.models import Category, Client, Flag, FlagEvent, SessionEntry, SupervisionMeeting
from journal.reminders import ESCALATE_AFTER, flag_followup_on

# How many of the latest entries per listed client are read to find the recent clients.
RECENT_ENTRIES_PER_CLIENT = 5
# How many of the newest clients without entries are listed besides those of the latest entries.
NEWEST_CLIENTS_LISTED = 5


def _get_or_404(queryset: QuerySet, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


# --- The practitioner's own -----------------------------------------------------------------


def clients_of(user: User) -> QuerySet[Client]:
    return Client.objects.filter(owner=user).annotate(entry_count=Count("entries"))


def recent_clients_of(user: User, *, limit: int) -> list[Client]:
    """Up to ``limit`` clients of the user's latest entries, most recent first. Only the newest
    ``limit * RECENT_ENTRIES_PER_CLIENT`` entries are read (along their index), however long
    the journal."""
    window = (
        SessionEntry.objects.filter(owner=user)
        .order_by("-occurred_at", "-id")
        .values_list("client_id", flat=True)[: limit * RECENT_ENTRIES_PER_CLIENT]
    )
    order = list(dict.fromkeys(window))[:limit]
    # The newest clients not written about yet too: a client added a moment ago is the likeliest
    # one to write about next (one query all the same).
    newest = (
        Client.objects.filter(owner=user, entries__isnull=True)
        .order_by("-created_at", "-id")
        .values("pk")
    )
    clients = (
        Client.objects.filter(owner=user)
        .filter(Q(pk__in=order) | Q(pk__in=newest[:NEWEST_CLIENTS_LISTED]))
        .in_bulk()
    )
    listed = set(order)
    new = sorted(
        (c for pk, c in clients.items() if pk not in listed),
        key=lambda c: (c.created_at, c.pk),
        reverse=True,
    )
    return new + [clients[pk] for pk in order if pk in clients]


def client_for_owner(user: User, client_uuid: UUID | str) -> Client:
    return _get_or_404(Client.objects.filter(owner=user), uuid=client_uuid)


def entries_of(
    user: User,
    *,
    client: Client | None = None,
    category: str = "",
    flagged: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    query: str = "",
) -> QuerySet[SessionEntry]:
    """The user's own entries, filtered, newest first, with their open flags prefetched."""
    entries = SessionEntry.objects.filter(owner=user).select_related("client")
    if client is not None:
        entries = entries.filter(client=client)
    live_flags = Flag.objects.exclude(status=Flag.Status.DISMISSED)
    if category:
        entries = entries.filter(Exists(live_flags.filter(entry=OuterRef("pk"), category=category)))
    if flagged == "yes":
        entries = entries.filter(Exists(live_flags.filter(entry=OuterRef("pk"))))
    elif flagged == "no":
        entries = entries.exclude(Exists(live_flags.filter(entry=OuterRef("pk"))))
    if date_from:
        entries = entries.filter(occurred_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(occurred_at__date__lte=date_to)
    if query:
        text = Q()
        for field in (*SessionEntry.TEXT_FIELDS, "client__code"):
            text |= Q(**{f"{field}__icontains": query})
        entries = entries.filter(text)
    return entries.annotate(review_unseen=_review_unseen()).prefetch_related(
        Prefetch("flags", queryset=live_flags.order_by("created_at"), to_attr="live_flags")
    )


def client_records(client: Client) -> list[client_data.RecordSection]:
    """What the other apps keep about ``client`` (its referrals), for the client's page; an app
    with nothing about them is left out."""
    sections = [
        client_data.RecordSection(records.title, records.links(client))
        for records in client_data.registered()
    ]
    return [section for section in sections if section.links]


@dataclass(frozen=True)
class ClientErasure:
    """What erasing a client takes with it: counts of the journal's own records, and each other
    app's records in words ("2 referrals")."""

    entries: int
    flags: int
    others: list[str]


def client_erasure(client: Client) -> ClientErasure:
    return ClientErasure(
        entries=client.entries.count(),
        flags=Flag.objects.filter(entry__client=client).count(),
        others=[records.tally(client) for records in client_data.registered()],
    )


def _review_unseen() -> Exists:
    """A flag of the entry was reviewed after its author last opened it."""
    reviewed = Flag.objects.filter(entry=OuterRef("pk"), reviewed_at__isnull=False)
    return Exists(
        reviewed.filter(
            Q(entry__review_seen_at__isnull=True) | Q(reviewed_at__gt=F("entry__review_seen_at"))
        )
    )


@dataclass(frozen=True)
class NextSteps:
    """What happens to a confirmed crossing nobody reviewed yet: whose review queue it waits
    in, and the day of its follow-up reminder (None when its category has none or it passed)."""

    reviewers: list[str]
    follow_up_on: date | None


def flags_next_steps(entry: SessionEntry, flags: list[Flag]) -> dict[int, NextSteps]:
    """For the author: the next steps of each confirmed, unreviewed flag shown, by flag id."""
    waiting = [f for f in flags if f.status == Flag.Status.CONFIRMED and f.reviewed_at is None]
    if not waiting:
        return {}
    reviewers = [person.get_full_name() for person in supervisors_of(entry.owner)]
    today = timezone.localdate(timezone.now(), entry.owner.tzinfo)
    steps = {}
    for flag in waiting:
        flag.entry = entry
        follow_up_on = flag_followup_on(flag)
        if follow_up_on is not None and follow_up_on < today:
            follow_up_on = None
        steps[flag.pk] = NextSteps(reviewers=reviewers, follow_up_on=follow_up_on)
    return steps


def entry_for_owner(user: User, entry_uuid: UUID | str) -> SessionEntry:
    return _get_or_404(
        SessionEntry.objects.filter(owner=user).select_related("client"), uuid=entry_uuid
    )


def entry_or_unwritten(
    user: User,
    entry_uuid: UUID | str,
    *,
    client_uuid: UUID | str | None,
    occurred_at: datetime | None = None,
) -> SessionEntry:
    """The user's entry ``entry_uuid``; or, before its first character is written, the entry
    that will take that id, unsaved, for one of the user's own clients. An id that is someone
    else's entry, or no client of theirs, is a 404."""
    try:
        return entry_for_owner(user, entry_uuid)
    except Http404:
        if not client_uuid or SessionEntry.objects.filter(uuid=entry_uuid).exists():
            raise
    client = client_for_owner(user, client_uuid)
    return SessionEntry(
        uuid=entry_uuid,
        owner=user,
        organisation_id=client.organisation_id,
        client=client,
        occurred_at=occurred_at or timezone.now(),
    )


def draft_for_owner(user: User, entry_uuid: UUID | str) -> SessionEntry:
    """One of the user's own drafts (never saved); anything else is a 404."""
    drafts = SessionEntry.objects.filter(owner=user, status=SessionEntry.Status.DRAFT)
    return _get_or_404(drafts.select_related("client"), uuid=entry_uuid)


def flag_for_owner(user: User, flag_uuid: UUID | str) -> Flag:
    return _get_or_404(
        Flag.objects.filter(entry__owner=user).select_related("entry"), uuid=flag_uuid
    )


def flags_of_entry(entry: SessionEntry) -> QuerySet[Flag]:
    if entry.pk is None:  # not written yet
        return Flag.objects.none()
    events = FlagEvent.objects.select_related("actor")
    return entry.flags.select_related("reviewed_by").prefetch_related(
        Prefetch("events", queryset=events)
    )


# --- Supervision ------------------------------------------------------------------------------


def _supervision_visible(supervisor: User) -> Q:
    """Entries of this supervisor's supervisees that carry a confirmed flag or were shared."""
    confirmed = Flag.objects.filter(entry=OuterRef("pk"), status=Flag.Status.CONFIRMED)
    return Q(owner__in=supervisees_of(supervisor)) & (
        Q(shared_with_supervisor_at__isnull=False) | Q(Exists(confirmed))
    )


def entries_visible_to(user: User) -> QuerySet[SessionEntry]:
    """Every entry the user may read: their own, and what supervision lets them see."""
    visible = Q(owner=user)
    if has_role(user, Role.SUPERVISOR):
        visible |= _supervision_visible(user)
    return SessionEntry.objects.filter(visible).select_related("client", "owner")


def entry_for_reader(user: User, entry_uuid: UUID | str) -> SessionEntry:
    entry = _get_or_404(entries_visible_to(user), uuid=entry_uuid)
    if entry.owner_id == user.pk:
        # The author themselves, with the membership already read for this request.
        entry.owner = user
    return entry


# What journal/review_queue.html shows of each crossing, and what recording the read needs.
REVIEW_QUEUE_COLUMNS = (
    "uuid",
    "entry_id",
    "category",
    "status",
    "quote",
    "note",
    "confirmed_at",
    "outcome",
    "review_comment",
    "reviewed_at",
    "resolved_at",
    "entry__uuid",
    "entry__organisation_id",
    "entry__occurred_at",
    "entry__owner__full_name",
    "entry__owner__email",
    "entry__client__code",
)


def review_queue(
    supervisor: User, *, practitioner: User | None = None, category: str = ""
) -> QuerySet[Flag]:
    """Confirmed, unresolved flags of the supervisor's supervisees, oldest first, with only the
    columns a row of the queue shows (not the entry's text, nor the people's other details)."""
    flags = (
        Flag.objects.filter(
            status=Flag.Status.CONFIRMED,
            resolved_at__isnull=True,
            entry__owner__in=supervisees_of(supervisor),
        )
        .select_related("entry__owner", "entry__client")
        .only(*REVIEW_QUEUE_COLUMNS)
    )
    if practitioner is not None:
        flags = flags.filter(entry__owner=practitioner)
    if category:
        flags = flags.filter(category=category)
    return flags.order_by("confirmed_at", "id")


def review_queue_counts(supervisor: User) -> tuple[int, int]:
    """How many flags wait in the supervisor's queue, and how many of those have waited
    unreviewed past the escalation threshold: one query."""
    overdue = timezone.now() - ESCALATE_AFTER
    counts = review_queue(supervisor).aggregate(
        waiting=Count("pk"),
        old=Count("pk", filter=Q(confirmed_at__lt=overdue, reviewed_at__isnull=True)),
    )
    return counts["waiting"], counts["old"]


_PLACEHOLDER_UUID = "00000000-0000-4000-8000-000000000000"


def _uuid_link(name: str) -> Callable[[UUID | str], str]:
    """The URL named ``name`` for any uuid, the resolver asked once: a page of items with a few
    links each would otherwise reverse every link of every item."""
    head, tail = reverse(name, args=[_PLACEHOLDER_UUID]).split(_PLACEHOLDER_UUID)
    return lambda value: f"{head}{value}{tail}"


def with_review_links(flags: Iterable[Flag]) -> None:
    """Give each flag of a queue page its links (to the entry, to open it in the queue, to save
    a review), reversing each URL once for the whole page."""
    entry_link, save_link = _uuid_link("journal:entry"), _uuid_link("journal:review_save")
    item_link = _uuid_link("journal:review_item")
    for flag in flags:
        flag.entry_url = f"{entry_link(flag.entry.uuid)}#flag-{flag.uuid}"
        flag.save_url = save_link(flag.uuid)
        flag.item_url = item_link(flag.uuid)


def with_entry_links(entries: Iterable[SessionEntry]) -> list[SessionEntry]:
    """The entries, each with its ``url``, the URL reversed once for all of them."""
    entry_link = _uuid_link("journal:entry")
    entries = list(entries)
    for entry in entries:
        entry.url = entry_link(entry.uuid)
    return entries


def shared_entries_for(supervisor: User, *, practitioner: User | None = None):
    entries = (
        SessionEntry.objects.filter(
            owner__in=supervisees_of(supervisor), shared_with_supervisor_at__isnull=False
        )
        .select_related("owner", "client")
        # What the queue's list of shared entries shows: not their text.
        .only("uuid", "occurred_at", "owner__full_name", "owner__email", "client__code")
    )
    if practitioner is not None:
        entries = entries.filter(owner=practitioner)
    return entries.order_by("shared_with_supervisor_at")


def flag_for_reviewer(supervisor: User, flag_uuid: UUID | str) -> Flag:
    flags = Flag.objects.filter(
        status=Flag.Status.CONFIRMED, entry__owner__in=supervisees_of(supervisor)
    ).select_related("entry__owner", "entry__client")
    return _get_or_404(flags, uuid=flag_uuid)


def meetings_of(user: User) -> QuerySet[SupervisionMeeting]:
    """Meetings the user led or attended."""
    return (
        SupervisionMeeting.objects.filter(Q(supervisor=user) | Q(supervisee=user))
        .select_related("supervisor", "supervisee")
        .prefetch_related("flags")
    )


def meeting_for_participant(user: User, meeting_uuid: UUID | str) -> SupervisionMeeting:
    return _get_or_404(meetings_of(user), uuid=meeting_uuid)


def meeting_quotes_visible(user: User, meeting: SupervisionMeeting) -> bool:
    """The supervisee always sees the quotes of the crossings a meeting discussed; the supervisor
    only while the pair lasts (a former supervisor keeps the record, not words from the entries)."""
    return meeting.supervisee_id == user.pk or supervises(user, meeting.supervisee)


def flags_since_last_meeting(supervisor: User, supervisee: User) -> QuerySet[Flag]:
    """Confirmed flags of the supervisee since the pair last met (all, if they never met)."""
    last = (
        SupervisionMeeting.objects.filter(supervisor=supervisor, supervisee=supervisee)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    flags = Flag.objects.filter(entry__owner=supervisee, status=Flag.Status.CONFIRMED)
    if last:
        flags = flags.filter(confirmed_at__date__gte=last)
    return flags.select_related("entry__client").order_by("confirmed_at")


# --- Trends -----------------------------------------------------------------------------------


def _month_starts(months: int, today: date) -> list[date]:
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


# The trend pages look back this many months (the current one included).
TREND_MONTHS = 12


def flag_trends(
    owners: QuerySet[User] | list[User], *, months: int = TREND_MONTHS, today=None
) -> dict:
    """Confirmed flags per category per month over the last ``months`` months.

    Returns {"months": [date...], "series": {category: [count per month]}, "totals": {...}}.
    """
    today = today or timezone.localdate()
    starts = _month_starts(months, today)
    since = timezone.make_aware(datetime.combine(starts[0], datetime.min.time()))
    rows = (
        Flag.objects.filter(
            entry__owner__in=owners,
            status=Flag.Status.CONFIRMED,
            entry__occurred_at__gte=since,
        )
        .annotate(month=TruncMonth("entry__occurred_at"))
        .values("month", "category")
        .annotate(n=Count("id"))
    )
    counts: dict[str, dict[date, int]] = defaultdict(dict)
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        counts[row["category"]][month] = row["n"]
    series = {code: [counts[code].get(m, 0) for m in starts] for code in Category.values}
    return {
        "months": starts,
        "series": series,
        "totals": {code: sum(values) for code, values in series.items()},
    }


def confirmed_totals_by_owner(owners, *, months: int = TREND_MONTHS, today=None) -> dict[int, int]:
    """Confirmed flags per practitioner over the last ``months`` months, in one query."""
    today = today or timezone.localdate()
    start = _month_starts(months, today)[0]
    since = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    rows = (
        Flag.objects.filter(
            entry__owner__in=owners, status=Flag.Status.CONFIRMED, entry__occurred_at__gte=since
        )
        .values("entry__owner")
        .annotate(n=Count("id"))
    )
    return {row["entry__owner"]: row["n"] for row in rows}


def practitioner_of_supervisor(supervisor: User, user_id) -> User:
    return _get_or_404(supervisees_of(supervisor), pk=user_id)


def detector_precision(user: User) -> list[dict]:
    """How practitioners of the admin's organisation answered the detector: per category and
    per rule, the suggestions confirmed, dismissed and still open. Counts only, never text."""
    organisation = membership_of(user).organisation
    statuses = Flag.Status
    rows = (
        Flag.objects.filter(entry__organisation=organisation, source=Flag.Source.DETECTOR)
        .values("category", "rule")
        .annotate(
            confirmed=Count("pk", filter=Q(status=statuses.CONFIRMED)),
            dismissed=Count("pk", filter=Q(status=statuses.DISMISSED)),
            open=Count("pk", filter=Q(status=statuses.SUGGESTED)),
        )
        .order_by("category", "rule")
    )
    by_category: dict[str, dict] = {}
    for row in rows:
        group = by_category.setdefault(
            row["category"],
            {
                "category": Category(row["category"]),
                "confirmed": 0,
                "dismissed": 0,
                "open": 0,
                "rules": [],
            },
        )
        answered = row["confirmed"] + row["dismissed"]
        row["percent"] = round(100 * row["confirmed"] / answered) if answered else None
        row["learned"] = row["rule"].startswith("meaning.")
        group["rules"].append(row)
        for name in ("confirmed", "dismissed", "open"):
            group[name] += row[name]
    result = []
    for category in Category:
        group = by_category.get(category.value)
        if group is None:
            continue
        answered = group["confirmed"] + group["dismissed"]
        group["percent"] = round(100 * group["confirmed"] / answered) if answered else None
        # The rules practitioners dismiss most come first: those are the ones to look at.
        group["rules"].sort(key=lambda r: (-(r["dismissed"]), r["rule"]))
        result.append(group)
    return result


# --- At a glance (the overview page) ----------------------------------------------------------


@dataclass(frozen=True)
class JournalGlance:
    """The practitioner's journal at a glance."""

    sessions_this_month: int
    # Suggestions of the detector waiting for the practitioner to confirm or dismiss them.
    to_decide: int


def glance(user: User) -> JournalGlance:
    month_start = timezone.localdate().replace(day=1)
    next_month = (month_start + timedelta(days=31)).replace(day=1)
    # One query: the entries joined to their flags, so an entry is counted once (distinct).
    # A draft (opened, never saved) is no session logged.
    this_month = Q(occurred_at__date__gte=month_start, occurred_at__date__lt=next_month)
    counts = SessionEntry.objects.filter(owner=user).aggregate(
        sessions_this_month=Count(
            "pk", filter=this_month & Q(status=SessionEntry.Status.SAVED), distinct=True
        ),
        to_decide=Count("flags", filter=Q(flags__status=Flag.Status.SUGGESTED)),
    )
    return JournalGlance(**counts)


@dataclass(frozen=True)
class ReviewGlance:
    """A supervisor's review queue at a glance."""

    to_review: int
    # Unreviewed for longer than the escalation threshold: these reached them by reminder.
    escalated: int
    escalate_after_days: int = ESCALATE_AFTER.days


def review_glance(supervisor: User) -> ReviewGlance:
    to_review, escalated = review_queue_counts(supervisor)
    return ReviewGlance(to_review=to_review, escalated=escalated)
