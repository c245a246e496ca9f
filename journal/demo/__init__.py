"""Demo journal: clients and session entries in several languages for each demo practitioner,
some with crossings confirmed, dismissed or already reviewed, and a supervision meeting
about the reviewed ones. The texts are data, in ``journal.yaml`` beside this file.

Idempotent: a demo client the practitioner already has is left as it is; a missing one is
created with its sessions.
"""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import yaml
from django.utils import timezone

from accounts.models import User
from accounts.selectors import supervisors_of
from journal import services
from journal.forms import PRINCIPLES
from journal.models import Client, Flag, FlagEvent, SessionEntry, SupervisionMeeting

DEMO_FILE = Path(__file__).with_name("journal.yaml")


@dataclass(frozen=True)
class DemoSession:
    days_ago: int
    setting: str
    minutes: int
    notes: str
    felt: str = ""
    went_well: str = ""
    differently: str = ""
    next_steps: str = ""
    # What the practitioner does with the detector's suggestions on "What happened":
    # "confirm", "dismiss:<reason>", "report:<category>" (reports the crossing themselves, as
    # one the detector missed, and confirms whatever it did suggest), or "" (leaves them open).
    suggestions: str = ""


@dataclass(frozen=True)
class DemoClient:
    code: str
    tags: str
    sessions: list[DemoSession]


@dataclass(frozen=True)
class DemoSupervision:
    review_comment: str
    meeting_notes: str
    agreed_actions: str


@dataclass(frozen=True)
class DemoJournal:
    email: str
    clients: list[DemoClient]
    supervision: DemoSupervision


def load_journals(path: Path = DEMO_FILE) -> list[DemoJournal]:
    """The demo journals from ``journal.yaml``: a practitioner's own ``supervision`` texts, if
    the file gives them, replace the file's default ones."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    default = data["supervision"]
    return [
        DemoJournal(
            email=email,
            clients=[
                DemoClient(
                    code=client["code"],
                    tags=client["tags"],
                    sessions=[DemoSession(**session) for session in client["sessions"]],
                )
                for client in journal["clients"]
            ],
            supervision=DemoSupervision(**{**default, **journal.get("supervision", {})}),
        )
        for email, journal in data["journals"].items()
    ]


# The principle of the self-check that a crossing of each category goes against.
PRINCIPLE_OF = {
    "rescuing": "empower",
    "out_of_hours": "self_care",
    "self_disclosure": "not_me_time",
    "giving_money": "wallet",
    "dual_relationship": "not_employee",
    "over_accommodating": "consistent",
    "imposing_values": "role_model",
}


def _self_check(entry, action: str, days: int) -> dict[str, str]:
    """The eight-principle self-check as the practitioner would answer it: "no" for the principle
    behind a crossing they confirmed, "yes" elsewhere; left empty on some ordinary sessions."""
    if action != "confirm" and days % 3 == 0:
        return {}
    crossed = {
        PRINCIPLE_OF.get(category)
        for category in entry.flags.filter(status=Flag.Status.CONFIRMED).values_list(
            "category", flat=True
        )
    }
    return {name: "no" if name in crossed else "yes" for name, _label in PRINCIPLES}


def seed(stdout) -> None:
    now = timezone.now()
    for journal in load_journals():
        email, texts = journal.email, journal.supervision
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        existing = set(Client.objects.filter(owner=user).values_list("code", flat=True))
        supervisor = supervisors_of(user).first()
        entries = 0
        for demo_client in journal.clients:
            if demo_client.code in existing:
                continue
            client = services.client_create(
                owner=user, code=demo_client.code, tags=demo_client.tags
            )
            for session in demo_client.sessions:
                days, action = session.days_ago, session.suggestions
                reported = action.removeprefix("report:") if action.startswith("report:") else ""
                entry = services.entry_create(
                    owner=user, client=client, occurred_at=now - timedelta(days=days, hours=3)
                )
                services.entry_save(
                    entry=entry,
                    by=user,
                    base_version=entry.version,
                    data={
                        "occurred_at": entry.occurred_at,
                        "duration_minutes": session.minutes,
                        "setting": session.setting,
                        "notes": session.notes,
                        "felt": session.felt,
                        "went_well": session.went_well,
                        "differently": session.differently,
                        "next_steps": session.next_steps,
                    },
                )
                entries += 1
                # What happened is decided on; plans in the reflection stay suggestions.
                for flag in entry.flags.filter(status=Flag.Status.SUGGESTED, field="notes"):
                    if action == "confirm" or reported:
                        services.flag_confirm(flag=flag, by=user)
                    elif action.startswith("dismiss:"):
                        services.flag_dismiss(flag=flag, by=user, reason=action[8:])
                if reported and not entry.flags.filter(
                    category=reported, status=Flag.Status.CONFIRMED
                ):
                    services.flag_report(entry=entry, category=reported, note="", by=user)
                SessionEntry.objects.filter(pk=entry.pk).update(
                    self_check=_self_check(entry, action, days)
                )
                # Decisions happened the day after the session, not at seeding time.
                decided = entry.occurred_at + timedelta(days=1)
                Flag.objects.filter(entry=entry, confirmed_at__isnull=False).update(
                    confirmed_at=decided
                )
                FlagEvent.objects.filter(flag__entry=entry).update(at=decided)
                # The supervisor has already read and reviewed the older confirmed crossings.
                if supervisor and action == "confirm" and days > 40:
                    for flag in entry.flags.filter(status=Flag.Status.CONFIRMED):
                        services.flag_review(
                            flag=flag,
                            by=supervisor,
                            outcome=Flag.Outcome.WATCH,
                            comment=texts.review_comment,
                            resolve=days > 60,
                        )
        if not entries:
            continue
        # The pair met after the older crossings were reviewed and talked them through.
        discussed = list(
            Flag.objects.filter(entry__owner=user, reviewed_at__isnull=False).order_by("id")
        )
        met = SupervisionMeeting.objects.filter(supervisor=supervisor, supervisee=user).exists()
        if supervisor and discussed and not met:
            services.meeting_record(
                supervisor=supervisor,
                supervisee=user,
                held_on=(now - timedelta(days=30)).date(),
                notes=texts.meeting_notes,
                agreed_actions=texts.agreed_actions,
                flags=discussed,
            )
        stdout.write(f"Journal for {email}: {entries} demo entries.")
