"""How the journal's audit events and a crossing's history read (see accounts/audit.py)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.audit import Sentence


def _outcome(data: Mapping[str, Any]) -> Mapping[str, Any]:
    from journal.models import Flag

    code = data.get("outcome", "")
    return {"outcome": Flag.Outcome(code).label if code in Flag.Outcome.values else code}


SENTENCES = [
    Sentence(
        "journal.entry.read", _("%(actor)s read a session entry"), _("%(actor)s read this entry")
    ),
    Sentence(
        "journal.entry.shared",
        _("%(actor)s shared a session entry with supervision"),
        _("%(actor)s shared this entry with supervision"),
    ),
    Sentence(
        "journal.entry.unshared",
        _("%(actor)s stopped sharing a session entry"),
        _("%(actor)s stopped sharing this entry"),
    ),
    Sentence("journal.client.erased", _("%(actor)s erased a client and their entries")),
    Sentence("journal.meeting.recorded", _("%(actor)s recorded a supervision meeting")),
    # A crossing's own history (FlagEvent), told on the entry it belongs to.
    Sentence(
        "journal.flag.suggested",
        _("%(actor)s suggested a crossing"),
        _("%(actor)s suggested this crossing"),
    ),
    Sentence(
        "journal.flag.reported",
        _("%(actor)s added a crossing"),
        _("%(actor)s added this crossing"),
    ),
    Sentence(
        "journal.flag.confirmed",
        _("%(actor)s brought a crossing to supervision"),
        _("%(actor)s brought this crossing to supervision"),
    ),
    Sentence(
        "journal.flag.dismissed",
        _("%(actor)s set a crossing aside: %(reason)s"),
        _("%(actor)s set this crossing aside: %(reason)s"),
    ),
    Sentence(
        "journal.flag.reviewed",
        _("%(actor)s reviewed a crossing: %(outcome)s"),
        _("%(actor)s reviewed this crossing: %(outcome)s"),
        values=_outcome,
    ),
    Sentence(
        "journal.flag.resolved",
        _("%(actor)s marked a crossing resolved"),
        _("%(actor)s marked this crossing resolved"),
    ),
    Sentence(
        "journal.flag.reopened",
        _("%(actor)s reopened a crossing"),
        _("%(actor)s reopened this crossing"),
    ),
]
