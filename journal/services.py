"""Writes for the journal. Each runs in one transaction, keeps the flag history, writes the audit
entry, and schedules or cancels reminders in that same transaction."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

import reminders
from accounts.models import AuditEvent, User
from accounts.selectors import membership_of
from accounts.services import audit_log
from journal import client_data
from journal.models import (
    QUOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Client,
    Flag,
    FlagEvent,
    SessionEntry,
    SupervisionMeeting,
)
from journal.reminders import (
    FLAG_UNREVIEWED,
    flag_about,
    flag_reminders_schedule,
    flag_review_notify,
    flag_review_reminders_read,
)
from journal.slips import Finding, detect, detect_language

ENTRY_TEXT_FIELDS = SessionEntry.TEXT_FIELDS
ENTRY_FIELDS = ("occurred_at", "duration_minutes", "setting", *ENTRY_TEXT_FIELDS, "self_check")


class EditConflict(Exception):
    """The entry changed (in another tab) since the editor loaded it."""

    def __init__(self, entry: SessionEntry):
        super().__init__("entry changed since it was loaded")
        self.entry = entry


# --- Clients ----------------------------------------------------------------------------------


@transaction.atomic
def client_create(*, owner: User, code: str, tags: str = "", notes: str = "") -> Client:
    membership = membership_of(owner)
    return Client.objects.create(
        owner=owner,
        organisation=membership.organisation,
        code=code.strip(),
        tags=tags.strip(),
        notes=notes,
    )


@transaction.atomic
def client_update(*, client: Client, code: str, tags: str, notes: str) -> Client:
    client.code, client.tags, client.notes = code.strip(), tags.strip(), notes
    client.save(update_fields=["code", "tags", "notes", "updated_at"])
    return client


@transaction.atomic
def client_delete(*, client: Client, by: User) -> None:
    """Erase a client with every entry and flag, what the other apps keep about them (their
    referrals; ``journal.client_data``), and every reminder still waiting about those (it would
    name the client and link to nothing)."""
    abouts = [flag_about(flag) for flag in Flag.objects.filter(entry__client=client).only("uuid")]
    reminders.cancel(abouts=abouts)
    for records in client_data.registered():
        records.erase(client)
    audit_log(
        organisation=client.organisation,
        actor=by,
        action="journal.client.erased",
        data={"entries": client.entries.count()},
    )
    client.delete()


# --- Entries ----------------------------------------------------------------------------------


@transaction.atomic
def entry_create(*, owner: User, client: Client, **fields: Any) -> SessionEntry:
    """Start a draft entry for ``client`` (which must be the owner's own)."""
    if client.owner_id != owner.pk:
        raise ValueError("clients belong to their practitioner")
    return SessionEntry.objects.create(
        owner=owner, organisation=client.organisation, client=client, **fields
    )


def _stored(entry: SessionEntry) -> SessionEntry:
    """The stored row of ``entry``: an entry is written to the database with its first
    character, not when the practitioner starts writing (``selectors.entry_or_unwritten``).
    Two autosaves racing for the first save make one row: the id was chosen beforehand."""
    if entry.pk is not None:
        return entry
    stored, _created = SessionEntry.objects.get_or_create(
        uuid=entry.uuid,
        owner=entry.owner,
        defaults={
            "organisation_id": entry.organisation_id,
            "client": entry.client,
            "occurred_at": entry.occurred_at,
        },
    )
    return stored


def _unchanged(entry: SessionEntry, data: dict[str, Any]) -> bool:
    return all(getattr(entry, name) == value for name, value in data.items())


def _apply(
    entry: SessionEntry, data: dict[str, Any], base_version: int
) -> tuple[SessionEntry, bool]:
    """Write ``data`` if nobody saved since ``base_version``; otherwise raise EditConflict.
    Returns the stored entry and whether anything changed.

    Data identical to what is stored is no change at all, whatever version it was based on: a
    double submit, two autosave triggers racing, or an idle second tab never count as conflicts
    and never bump the version.
    """
    data = {k: v for k, v in data.items() if k in ENTRY_FIELDS}
    entry = _stored(entry)
    entry.refresh_from_db()
    if _unchanged(entry, data):
        return entry, False
    changed = SessionEntry.objects.filter(pk=entry.pk, version=base_version).update(
        **data, version=F("version") + 1, updated_at=timezone.now()
    )
    entry.refresh_from_db()
    if not changed:
        raise EditConflict(entry)
    return entry, True


@transaction.atomic
def entry_autosave(*, entry: SessionEntry, data: dict[str, Any], base_version: int) -> SessionEntry:
    """Save the text while the practitioner types. Never overwrites a newer version.

    A saved entry's suggestions follow its text at once, as saving it would make them: every
    page reads the stored text, so a suggestion must never quote words the entry no longer
    holds, nor a crossing typed into it wait unseen for a Save that may never come. A draft
    gets its suggestions when it is first saved."""
    entry, changed = _apply(entry, data, base_version)
    if changed and entry.status == SessionEntry.Status.SAVED:
        _check(entry)
    return entry


@transaction.atomic
def entry_save(
    *, entry: SessionEntry, data: dict[str, Any], base_version: int, by: User
) -> SessionEntry:
    """Save the entry and turn the detector's findings into suggested flags."""
    entry, _changed = _apply(entry, data, base_version)
    entry.status = SessionEntry.Status.SAVED
    _check(entry)
    return entry


def _check(entry: SessionEntry) -> None:
    """Read the entry's text with the detector and keep its suggestions in step with it."""
    lang, findings = detect_fields(
        {name: getattr(entry, name) for name in SessionEntry.DETECTED_FIELDS}
    )
    entry.language = lang
    entry.save(update_fields=["language", "status"])
    flags_suggest(entry=entry, findings=findings)


def detect_fields(fields: Mapping[str, str]) -> tuple[str, list[tuple[str, Finding]]]:
    """The one detection path, for the live check and for saving: the language of the whole
    entry ("" when it is empty), and the findings of both detector stages, field by field."""
    text = "\n\n".join(value for value in fields.values() if value.strip())
    if not text.strip():
        return "", []
    lang = detect_language(text)
    return lang, [
        (name, finding)
        for name, value in fields.items()
        if value.strip()
        for finding in detect(value, lang=lang)
    ]


def flags_suggest(*, entry: SessionEntry, findings: list[tuple[str, Finding]]) -> list[Flag]:
    """Keep suggestions in step with the text: add new findings, drop suggestions whose evidence
    is gone. Confirmed and dismissed flags are the practitioner's decisions and stay."""
    existing = list(entry.flags.filter(source=Flag.Source.DETECTOR))
    seen = {(f.category, f.quote.casefold()) for f in existing}
    current = {(f.category, f.quote.casefold()) for _, f in findings}
    stale = [
        f.pk
        for f in existing
        if f.status == Flag.Status.SUGGESTED and (f.category, f.quote.casefold()) not in current
    ]
    Flag.objects.filter(pk__in=stale).delete()
    created = []
    for field, finding in findings:
        key = (finding.category, finding.quote.casefold())
        if key in seen:
            continue
        seen.add(key)
        flag = Flag.objects.create(
            entry=entry,
            category=finding.category,
            source=Flag.Source.DETECTOR,
            rule=finding.rule,
            field=field,
            quote=finding.quote[:QUOTE_MAX_LENGTH],
            start=finding.start,
            end=finding.end,
        )
        FlagEvent.objects.create(flag=flag, action=FlagEvent.Action.SUGGESTED, detail=finding.rule)
        created.append(flag)
    return created


@transaction.atomic
def entry_discard(*, entry: SessionEntry, by: User) -> None:
    """Throw away a draft its author abandoned. A saved entry is kept: it may carry crossings
    and reviews, and erasing those goes with its client (``client_delete``)."""
    if entry.owner_id != by.pk or entry.status != SessionEntry.Status.DRAFT:
        raise ValueError("only its author can discard a draft, and only a draft")
    entry.delete()


@transaction.atomic
def entry_share(*, entry: SessionEntry, by: User, shared: bool) -> SessionEntry:
    """Share (or stop sharing) an entry with the author's supervisors."""
    entry.shared_with_supervisor_at = timezone.now() if shared else None
    entry.save(update_fields=["shared_with_supervisor_at"])
    audit_log(
        organisation=entry.organisation,
        actor=by,
        action="journal.entry.shared" if shared else "journal.entry.unshared",
        target=entry,
    )
    return entry


def entry_read_record(*, entry: SessionEntry, reader: User) -> None:
    """Every read of an entry by someone other than its author is audit-logged for the author."""
    if reader.pk != entry.owner_id:
        # The reader's own organisation, read with them, is the entry's (supervision stays
        # inside one organisation): no query for it.
        membership = membership_of(reader)
        same = membership is not None and membership.organisation_id == entry.organisation_id
        audit_log(
            organisation=membership.organisation if same else entry.organisation,
            actor=reader,
            action="journal.entry.read",
            target=entry,
        )


def entry_review_seen(*, entry: SessionEntry, by: User, flags: Iterable[Flag]) -> bool:
    """The author opened the entry and sees its ``flags`` (all of them, as the page read them):
    reviews recorded until now are no longer new to them, and the reminders about them are
    read. Returns whether there was a review they had not seen."""
    if by.pk != entry.owner_id:
        return False
    now = timezone.now()
    seen = entry.review_seen_at
    unseen = [
        f for f in flags if f.reviewed_at is not None and (seen is None or f.reviewed_at > seen)
    ]
    if not unseen:
        return False
    with transaction.atomic():
        SessionEntry.objects.filter(pk=entry.pk).update(review_seen_at=now)
        flag_review_reminders_read(recipient=by, flags=unseen)
    entry.review_seen_at = now
    return True


def flags_shown_record(*, flags: list[Flag], reader: User) -> None:
    """The review queue shows each crossing's quote and the practitioner's own note: words from
    the entry, so showing them is recorded as a read of that entry, one per entry, in one query."""
    shown: dict[int, list[Flag]] = {}
    for flag in flags:
        if (flag.quote or flag.note) and flag.entry.owner_id != reader.pk:
            shown.setdefault(flag.entry_id, []).append(flag)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            organisation_id=items[0].entry.organisation_id,
            actor=reader,
            action="journal.entry.read",
            target_type=SessionEntry._meta.label_lower,
            target_id=str(items[0].entry.uuid),
            data={"via": "review_queue", "flags": [str(f.uuid) for f in items]},
        )
        for items in shown.values()
    )


# --- Flags ------------------------------------------------------------------------------------


@transaction.atomic
def flag_confirm(*, flag: Flag, by: User) -> Flag:
    """The practitioner agrees this was a crossing worth bringing to supervision."""
    if flag.status == Flag.Status.CONFIRMED:
        return flag
    flag.status = Flag.Status.CONFIRMED
    flag.confirmed_at = timezone.now()
    flag.dismiss_reason = ""
    flag.save(update_fields=["status", "confirmed_at", "dismiss_reason"])
    FlagEvent.objects.create(flag=flag, action=FlagEvent.Action.CONFIRMED, actor=by)
    flag_reminders_schedule(flag)
    return flag


@transaction.atomic
def flag_dismiss(*, flag: Flag, by: User, reason: str) -> Flag:
    """Not a crossing, in the practitioner's judgement; the reason is kept."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a dismissal keeps its reason")
    flag.status = Flag.Status.DISMISSED
    flag.dismiss_reason = reason[:REASON_MAX_LENGTH]
    flag.save(update_fields=["status", "dismiss_reason"])
    FlagEvent.objects.create(
        flag=flag, action=FlagEvent.Action.DISMISSED, actor=by, detail=reason[:REASON_MAX_LENGTH]
    )
    reminders.cancel(about=flag_about(flag))
    return flag


@transaction.atomic
def flag_report(*, entry: SessionEntry, category: str, note: str, by: User) -> Flag:
    """A crossing the practitioner noticed themselves (the detector missed it). Reporting the same
    crossing twice (a double submit) keeps one flag."""
    note = note.strip()
    existing = entry.flags.filter(source=Flag.Source.SELF, category=category, note=note).first()
    if existing is not None:
        return existing
    flag = Flag.objects.create(
        entry=entry,
        category=category,
        source=Flag.Source.SELF,
        status=Flag.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        note=note,
    )
    FlagEvent.objects.create(flag=flag, action=FlagEvent.Action.REPORTED, actor=by)
    flag_reminders_schedule(flag)
    return flag


@transaction.atomic
def flag_review(*, flag: Flag, by: User, outcome: str, comment: str, resolve: bool) -> Flag:
    """The supervisor's reading of a crossing; resolving closes it and its reminders.

    The same review sent twice (a double submit) is recorded once.
    """
    if outcome not in Flag.Outcome.values:
        raise ValueError("unknown outcome")
    comment = comment.strip()
    newly_resolved = resolve and flag.resolved_at is None
    if (
        flag.reviewed_by_id == by.pk
        and flag.outcome == outcome
        and flag.review_comment == comment
        and not newly_resolved
    ):
        return flag
    now = timezone.now()
    flag.outcome = outcome
    flag.review_comment = comment
    flag.reviewed_by = by
    flag.reviewed_at = now
    fields = ["outcome", "review_comment", "reviewed_by", "reviewed_at"]
    if newly_resolved:
        flag.resolved_at = now
        fields.append("resolved_at")
    flag.save(update_fields=fields)
    FlagEvent.objects.create(flag=flag, action=FlagEvent.Action.REVIEWED, actor=by, detail=outcome)
    about = flag_about(flag)
    if newly_resolved:
        FlagEvent.objects.create(flag=flag, action=FlagEvent.Action.RESOLVED, actor=by)
        # Resolved means nothing more to do: neither the escalation nor the follow-up is due.
        reminders.cancel(about=about)
    else:
        reminders.cancel(about=about, kinds=[FLAG_UNREVIEWED])
    flag_review_notify(flag)
    audit_log(
        organisation=flag.entry.organisation,
        actor=by,
        action="journal.flag.reviewed",
        target=flag,
        data={"outcome": outcome, "resolved": flag.resolved_at is not None},
    )
    return flag


# --- Supervision meetings -----------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    supervisor: User,
    supervisee: User,
    held_on,
    notes: str,
    agreed_actions: str,
    flags: list[Flag],
) -> SupervisionMeeting:
    """Record a meeting both people can read. The same record sent twice is kept once."""
    same = SupervisionMeeting.objects.filter(
        supervisor=supervisor,
        supervisee=supervisee,
        held_on=held_on,
        notes=notes,
        agreed_actions=agreed_actions,
    ).first()
    if same is not None:
        return same
    meeting = SupervisionMeeting.objects.create(
        organisation=membership_of(supervisor).organisation,
        supervisor=supervisor,
        supervisee=supervisee,
        held_on=held_on,
        notes=notes,
        agreed_actions=agreed_actions,
    )
    meeting.flags.set(flags)
    audit_log(
        organisation=meeting.organisation,
        actor=supervisor,
        action="journal.meeting.recorded",
        target=meeting,
        data={"flags": [str(f.uuid) for f in flags]},
    )
    return meeting
