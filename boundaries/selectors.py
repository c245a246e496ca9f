"""Scoped reads for the self-inventory and the register.

Everything here is private to the practitioner who wrote it. Functions that fetch one object
raise ``Http404`` when it is missing *or* someone else's, so a response never confirms that it
exists. The only way in for anyone else is a summary shared with a supervisor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.selectors import membership_of, supervises
from boundaries import scoring
from boundaries.matching import KeywordMatch, topics_mentioned
from boundaries.models import (
    Answer,
    CatalogueVersion,
    HotButtonTopic,
    Item,
    Section,
    SummaryShare,
    Take,
    in_language,
)

RETAKE_AFTER = timedelta(days=90)


# --- Catalogue ------------------------------------------------------------------------------


def latest_version() -> CatalogueVersion | None:
    """The catalogue version new takes use (the highest published number)."""
    return CatalogueVersion.objects.order_by("-number").first()


def section_for_help(code: str) -> Section:
    """The newest published wording of the section ``code`` (a section that a later version left
    out keeps its last one, so a take on an older version still links to it); 404 otherwise."""
    section = (
        Section.objects.filter(code=code)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    if section is None:
        raise Http404
    return section


def sections_for_help(*, besides: Section) -> list[Section]:
    """The other sections of the same version, in their order, for the help pages' list."""
    return list(Section.objects.filter(version_id=besides.version_id).exclude(pk=besides.pk))


def scale_choices(version: CatalogueVersion, item: Item) -> list[tuple[int, str]]:
    """(value, label in the active language) for each answer an item accepts."""
    labels = in_language((version.scales.get(item.scale) or {}).get("labels") or {}) or []
    values = range(item.scale_min, item.scale_max + 1)
    return [(value, labels[n] if n < len(labels) else str(value)) for n, value in enumerate(values)]


# --- Takes ----------------------------------------------------------------------------------


def takes_of(user: User) -> QuerySet[Take]:
    """The user's own takes, newest first."""
    if not user.is_authenticated:
        return Take.objects.none()
    return Take.objects.filter(user=user).select_related("version")


def completed_takes_of(user: User) -> QuerySet[Take]:
    return takes_of(user).filter(completed_at__isnull=False).order_by("-completed_at", "-id")


def open_take_of(user: User) -> Take | None:
    """The take the user has started and not finished, if any."""
    return takes_of(user).filter(completed_at__isnull=True).first()


def take_for_owner(user: User, take_uuid: UUID | str) -> Take:
    """One of the user's own takes, in any state; 404 otherwise."""
    take = takes_of(user).filter(uuid=take_uuid).first()
    if take is None:
        raise Http404
    return take


def answered_count(take: Take) -> int:
    return take.answers.count()


def item_count(version_id: int) -> int:
    return Item.objects.filter(version_id=version_id).count()


def unanswered_items(take: Take) -> QuerySet[Item]:
    """Items of the take's version still without an answer, in catalogue order."""
    return (
        Item.objects.filter(version_id=take.version_id)
        .exclude(answers__take=take)
        .select_related("section")
        .order_by("position")
    )


def resume_step(take: Take) -> int:
    """The step (section position) holding the first unanswered item; the last step if none."""
    first = unanswered_items(take).first()
    if first is not None:
        return first.section.position
    last = Section.objects.filter(version_id=take.version_id).order_by("-position").first()
    return last.position if last else 1


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.answered >= self.total


def progress_of(take: Take) -> Progress:
    return Progress(answered=answered_count(take), total=item_count(take.version_id))


@dataclass(frozen=True)
class StepItem:
    item: Item
    choices: list[tuple[int, str]]
    value: int | None
    invalid: bool = False  # a refused post carried an answer that is not one of the choices


@dataclass(frozen=True)
class StepLink:
    position: int
    title: str
    answered: int
    total: int


@dataclass(frozen=True)
class Step:
    take: Take
    section: Section
    number: int
    count: int
    items: list[StepItem]
    links: list[StepLink]
    progress: Progress

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None


def step_link_of(take: Take, section: Section) -> StepLink:
    """How many of one section's items the take has answered."""
    answered = take.answers.filter(item__section=section).count()
    return StepLink(section.position, section.title_text, answered, section.items.count())


def step_of(take: Take, number: int) -> Step:
    """Everything one step of an open take shows; 404 for a step that does not exist."""
    sections = list(
        Section.objects.filter(version_id=take.version_id)
        .annotate(item_total=Count("items"))
        .order_by("position")
    )
    section = next((s for s in sections if s.position == number), None)
    if section is None:
        raise Http404
    items = list(section.items.order_by("position"))
    answers = dict(take.answers.values_list("item_id", "value"))
    answered_by_section: dict[int, int] = defaultdict(int)
    for section_id in Item.objects.filter(pk__in=answers).values_list("section_id", flat=True):
        answered_by_section[section_id] += 1
    version = take.version
    return Step(
        take=take,
        section=section,
        number=number,
        count=len(sections),
        items=[
            StepItem(item, scale_choices(version, item), answers.get(item.pk)) for item in items
        ],
        links=[
            StepLink(s.position, s.title_text, answered_by_section[s.pk], s.item_total)
            for s in sections
        ],
        progress=Progress(answered=len(answers), total=sum(s.item_total for s in sections)),
    )


def step_with_posted(step: Step, posted: Mapping[str, str]) -> Step:
    """``step`` as the practitioner just filled it in (a refused post saves nothing): each valid
    choice posted replaces the stored answer, each invalid one is marked."""
    rows = []
    for row in step.items:
        raw = posted.get(str(row.item.pk))
        if raw is None:
            rows.append(row)
            continue
        try:
            value = int(str(raw).strip())
        except ValueError:
            value = None
        if value is not None and row.item.accepts(value):
            rows.append(replace(row, value=value))
        else:
            rows.append(replace(row, invalid=True))
    return replace(step, items=rows)


def profiles_of(takes: list[Take]) -> dict[int, scoring.Profile]:
    """Profiles of several takes in two queries, whatever their number or versions."""
    if not takes:
        return {}
    version_ids = {t.version_id for t in takes}
    sections_by_version: dict[int, list[Section]] = defaultdict(list)
    for section in Section.objects.filter(version_id__in=version_ids).order_by("position"):
        sections_by_version[section.version_id].append(section)
    answers_by_take: dict[int, list[Answer]] = defaultdict(list)
    for answer in Answer.objects.filter(take__in=[t.pk for t in takes]).select_related("item"):
        answers_by_take[answer.take_id].append(answer)
    return {
        t.pk: scoring.profile(t, sections_by_version[t.version_id], answers_by_take[t.pk])
        for t in takes
    }


def previous_completed_take(take: Take) -> Take | None:
    """The owner's completed take before this one, if any."""
    if not take.is_complete:
        return None
    return (
        Take.objects.filter(user_id=take.user_id, completed_at__lt=take.completed_at)
        .select_related("version")
        .order_by("-completed_at", "-id")
        .first()
    )


def next_retake_on(user: User) -> datetime | None:
    """When a re-take is suggested: ``RETAKE_AFTER`` the latest completed take."""
    latest = completed_takes_of(user).values_list("completed_at", flat=True).first()
    return latest + RETAKE_AFTER if latest else None


@dataclass(frozen=True)
class InventoryGlance:
    """The practitioner's self-inventory at a glance: the take in progress, if any, else the
    latest completed one and whether a re-take is due."""

    open_take: UUID | None = None
    latest_take: UUID | None = None
    latest_completed_at: datetime | None = None
    retake_due: bool = False


def glance(user: User) -> InventoryGlance:
    # One query: the open take (there is at most one) comes first, else the latest completed.
    latest = takes_of(user).order_by(F("completed_at").desc(nulls_first=True), "-id").first()
    if latest is None:
        return InventoryGlance()
    if latest.completed_at is None:
        return InventoryGlance(open_take=latest.uuid)
    return InventoryGlance(
        latest_take=latest.uuid,
        latest_completed_at=latest.completed_at,
        retake_due=latest.completed_at + RETAKE_AFTER <= timezone.now(),
    )


# --- The register of hot-button topics ------------------------------------------------------


def hot_button_topics_of(user: User) -> QuerySet[HotButtonTopic]:
    """The user's own register entries (each has a ``keywords`` list), by topic."""
    if not user.is_authenticated:
        return HotButtonTopic.objects.none()
    return HotButtonTopic.objects.filter(user=user).order_by("topic", "id")


def topic_for_owner(user: User, topic_uuid: UUID | str) -> HotButtonTopic:
    topic = hot_button_topics_of(user).filter(uuid=topic_uuid).first()
    if topic is None:
        raise Http404
    return topic


def topics_touched_by(user: User, text: str) -> list[tuple[HotButtonTopic, list[KeywordMatch]]]:
    """The user's hot-button topics whose keywords occur in ``text`` (en, nl, de, fr, inflected),
    each with its matches (keyword, start, end, quote), in register order."""
    if not text or not text.strip():
        return []
    return topics_mentioned(text, hot_button_topics_of(user))


# --- Sharing --------------------------------------------------------------------------------


def shares_given_by(user: User) -> QuerySet[SummaryShare]:
    """The user's active shares, with their supervisor, take and chosen entries."""
    if not user.is_authenticated:
        return SummaryShare.objects.none()
    return (
        SummaryShare.objects.filter(owner=user, revoked_at__isnull=True)
        .select_related("supervisor", "take")
        .prefetch_related(Prefetch("topics", queryset=HotButtonTopic.objects.order_by("topic")))
        .order_by("supervisor__full_name", "supervisor__email")
    )


def share_given_by(
    user: User, share_uuid: UUID | str, *, include_revoked: bool = False
) -> SummaryShare:
    """One of the user's own shares (active ones only, unless asked); 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    shares = shares_given_by(user)
    if include_revoked:
        shares = SummaryShare.objects.filter(owner=user).select_related("supervisor", "take")
    share = shares.filter(uuid=share_uuid).first()
    if share is None:
        raise Http404
    return share


def shares_received_by(user: User) -> QuerySet[SummaryShare]:
    """Active summaries shared with this supervisor by people they (still) supervise."""
    membership = membership_of(user)
    if membership is None or not membership.is_supervisor:
        return SummaryShare.objects.none()
    return (
        SummaryShare.objects.filter(
            supervisor=user,
            revoked_at__isnull=True,
            owner__supervisor_links__supervisor=user,
            owner__supervisor_links__organisation=membership.organisation,
            owner__is_active=True,
        )
        .filter(~Q(owner=user))
        .select_related("owner", "take")
        .order_by("-created_at")
    )


def share_for_supervisor(user: User, share_uuid: UUID | str) -> SummaryShare:
    """A summary shared with this supervisor; 404 when not shared, revoked or no longer theirs."""
    share = shares_received_by(user).filter(uuid=share_uuid).first()
    if share is None or not supervises(user, share.owner):
        raise Http404
    return share
