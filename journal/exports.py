"""Reading out a practitioner's journal: the full JSON export, and who read an entry."""

from typing import Any

from django.db.models import Exists, OuterRef

from accounts.models import AuditEvent, User
from journal import client_data
from journal.models import Client, Flag, SessionEntry, SupervisionMeeting

# The newest reads of an entry listed on its page.
READS_LISTED = 50


def reads_of(entry: SessionEntry) -> list[AuditEvent]:
    """Who other than the author read this entry, each reader once with their latest read,
    newest first. (The audit log keeps every read; the organisation's log lists them all.)"""
    reads = AuditEvent.objects.filter(
        target_type="journal.sessionentry",
        target_id=str(entry.uuid),
        action="journal.entry.read",
    )
    later = reads.filter(actor_id=OuterRef("actor_id"), at__gt=OuterRef("at"))
    return list(reads.filter(~Exists(later)).select_related("actor")[:READS_LISTED])


def _flag(flag: Flag) -> dict[str, Any]:
    return {
        "id": str(flag.uuid),
        "category": flag.category,
        "source": flag.source,
        "status": flag.status,
        "rule": flag.rule,
        "field": flag.field,
        "quote": flag.quote,
        "note": flag.note,
        "dismiss_reason": flag.dismiss_reason,
        "confirmed_at": flag.confirmed_at,
        "outcome": flag.outcome,
        "review_comment": flag.review_comment,
        "reviewed_at": flag.reviewed_at,
        "resolved_at": flag.resolved_at,
        "history": [
            {"action": e.action, "at": e.at, "detail": e.detail} for e in flag.events.all()
        ],
    }


def journal_export(user: User) -> dict[str, Any]:
    """Everything the practitioner wrote in the journal, as plain data, with what the other apps
    keep about each client (``journal.client_data``)."""
    clients = list(Client.objects.filter(owner=user).prefetch_related("entries__flags__events"))
    others = [(records.key, records.export(clients)) for records in client_data.registered()]
    meetings = SupervisionMeeting.objects.filter(supervisee=user).prefetch_related("flags")
    return {
        "format": "limen-journal-export",
        "version": 1,
        "account": user.email,
        "clients": [
            {
                "id": str(client.uuid),
                "code": client.code,
                "tags": client.tag_list,
                "notes": client.notes,
                "created_at": client.created_at,
                **{key: list(exported.get(client.pk, [])) for key, exported in others},
                "entries": [
                    {
                        "id": str(entry.uuid),
                        "occurred_at": entry.occurred_at,
                        "duration_minutes": entry.duration_minutes,
                        "setting": entry.setting,
                        "status": entry.status,
                        "notes": entry.notes,
                        "felt": entry.felt,
                        "went_well": entry.went_well,
                        "differently": entry.differently,
                        "next_steps": entry.next_steps,
                        "self_check": entry.self_check,
                        "shared_with_supervisor_at": entry.shared_with_supervisor_at,
                        "flags": [_flag(f) for f in entry.flags.all()],
                    }
                    for entry in client.entries.all()
                ],
            }
            for client in clients
        ],
        "supervision_meetings": [
            {
                "id": str(m.uuid),
                "held_on": m.held_on,
                "supervisor": m.supervisor.email,
                "notes": m.notes,
                "agreed_actions": m.agreed_actions,
                "flags": [str(f.uuid) for f in m.flags.all()],
            }
            for m in meetings.select_related("supervisor")
        ],
    }
