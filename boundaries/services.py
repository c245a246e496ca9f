"""Writes for the self-inventory, the register and shared summaries; each in one transaction.

Services assume the caller fetched its objects through ``selectors`` (so ownership is settled)
and re-check the rules that matter to integrity: an answer belongs to the take's catalogue
version and lies on the item's scale, a take is finished once, a share names only the owner's
own take, entries and supervisors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import membership_of, supervisors_of
from accounts.services import audit_log
from boundaries import publishing, selectors
from boundaries.models import (
    Answer,
    CatalogueVersion,
    HotButtonTopic,
    Item,
    Section,
    SummaryShare,
    Take,
)
from boundaries.reminders import retake_schedule


class IncompleteTake(ValidationError):
    """Finishing was refused because items are unanswered; ``missing`` lists them."""

    def __init__(self, missing: list[Item]):
        self.missing = missing
        super().__init__(
            _("Answer every statement before finishing: %(count)d still open.")
            % {"count": len(missing)},
            code="incomplete",
        )


class AlreadyFinished(ValidationError):
    def __init__(self, take: Take):
        self.take = take
        super().__init__(_("This inventory was already finished."), code="finished")


# --- Catalogue ------------------------------------------------------------------------------


@transaction.atomic
def catalogue_publish(*, data: dict[str, Any]) -> tuple[CatalogueVersion, bool]:
    """Store a validated catalogue as a new version; an existing version is left untouched."""
    return publishing.publish_data(
        data, CatalogueVersion=CatalogueVersion, Section=Section, Item=Item
    )


@transaction.atomic
def catalogue_sync() -> list[int]:
    """Publish every shipped catalogue file not yet in the database; returns the new versions."""
    return publishing.publish_shipped(CatalogueVersion=CatalogueVersion, Section=Section, Item=Item)


def current_version() -> CatalogueVersion:
    """The version new takes use, publishing the shipped files first if the table is empty."""
    version = selectors.latest_version()
    if version is None:
        catalogue_sync()
        version = selectors.latest_version()
    return version


# --- Takes ----------------------------------------------------------------------------------


def take_start(*, user: User) -> Take:
    """The user's open take, or a new one on the latest catalogue version."""
    existing = selectors.open_take_of(user)
    if existing is not None:
        return existing
    version = current_version()
    try:
        with transaction.atomic():
            return Take.objects.create(user=user, version=version)
    except IntegrityError:
        # Two start requests at once: the unique "one open take" constraint let one through.
        take = selectors.open_take_of(user)
        if take is None:
            raise
        return take


def _parse_answers(take: Take, raw: Mapping[Any, Any]) -> dict[Item, int]:
    """Validate raw ``{item id: value}`` pairs against the take's version; all or nothing."""
    errors = []
    parsed: dict[int, int] = {}
    for raw_id, raw_value in raw.items():
        try:
            item_id, value = int(raw_id), int(str(raw_value).strip())
        except (TypeError, ValueError):
            errors.append(_("Choose one of the options shown: an answer could not be read."))
            continue
        if not 0 < item_id < 2**63:  # beyond any primary key (and beyond SQLite's integers)
            errors.append(_("One of the answers is not about a statement of this inventory."))
            continue
        parsed[item_id] = value
    items = {
        item.pk: item
        for item in Item.objects.filter(
            pk__in=list(parsed), version_id=take.version_id
        ).select_related("section")
    }
    result: dict[Item, int] = {}
    for item_id, value in parsed.items():
        item = items.get(item_id)
        if item is None:
            errors.append(_("One of the answers is not about a statement of this inventory."))
        elif not item.accepts(value):
            errors.append(
                _("Choose an answer from %(low)d to %(high)d.")
                % {"low": item.scale_min, "high": item.scale_max}
            )
        else:
            result[item] = value
    if errors:
        raise ValidationError(sorted(set(errors)), code="invalid")
    return result


@transaction.atomic
def answers_save(*, take: Take, answers: Mapping[Any, Any]) -> list[Answer]:
    """Save (or change) several answers of an open take; nothing is saved if any is invalid."""
    take = Take.objects.select_for_update().get(pk=take.pk)
    if take.is_complete:
        raise AlreadyFinished(take)
    parsed = _parse_answers(take, answers)
    now = timezone.now()
    saved = []
    for item, value in parsed.items():
        answer, _created = Answer.objects.update_or_create(
            take=take, item=item, defaults={"value": value, "answered_at": now}
        )
        saved.append(answer)
    return saved


def answer_save(*, take: Take, item_id: Any, value: Any) -> Answer:
    """Save (or change) one answer the moment it is given."""
    return answers_save(take=take, answers={item_id: value})[0]


@transaction.atomic
def take_complete(*, take: Take, at: datetime | None = None) -> Take:
    """Finish a take once every item is answered, and suggest a re-take ``RETAKE_AFTER`` later.

    The completion is a compare-and-swap, so a double submit finishes it once.
    """
    missing = list(selectors.unanswered_items(take))
    if missing:
        raise IncompleteTake(missing)
    at = at or timezone.now()
    finished = Take.objects.filter(pk=take.pk, completed_at__isnull=True).update(completed_at=at)
    if not finished:
        raise AlreadyFinished(take)
    take.completed_at = at
    retake_schedule(take=take)
    return take


# --- Register -------------------------------------------------------------------------------


def _clean_keywords(keywords: Iterable[str]) -> list[str]:
    seen, result = set(), []
    for keyword in keywords:
        keyword = " ".join(str(keyword).split())
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            result.append(keyword)
    return result


def _refuse_duplicate_topic(entry: HotButtonTopic) -> None:
    # One entry per topic keeps the register (and the journal's prompts) unambiguous, and makes a
    # double-submitted form harmless.
    same = HotButtonTopic.objects.filter(user_id=entry.user_id, topic__iexact=entry.topic)
    if entry.pk is not None:
        same = same.exclude(pk=entry.pk)
    if same.exists():
        raise ValidationError(
            {
                "topic": _("Your register already has an entry “%(topic)s”; change that one.")
                % {"topic": entry.topic}
            },
            code="duplicate",
        )


@transaction.atomic
def topic_create(
    *,
    user: User,
    topic: str,
    how_it_shows: str = "",
    keywords: Iterable[str] = (),
    strategy: str = "",
    status: str = HotButtonTopic.Status.NOTICED,
    refer_when_at_stake: bool = False,
) -> HotButtonTopic:
    """Add an entry to the user's register of biases and hot-button topics."""
    entry = HotButtonTopic(
        user=user,
        topic=topic.strip(),
        how_it_shows=how_it_shows.strip(),
        keywords=_clean_keywords(keywords),
        strategy=strategy.strip(),
        status=status,
        refer_when_at_stake=refer_when_at_stake,
    )
    entry.full_clean()
    _refuse_duplicate_topic(entry)
    entry.save()
    return entry


@transaction.atomic
def topic_update(*, entry: HotButtonTopic, **fields: Any) -> HotButtonTopic:
    """Change a register entry; ``fields`` are any of topic_create's keyword arguments."""
    allowed = {"topic", "how_it_shows", "keywords", "strategy", "status", "refer_when_at_stake"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"unknown field {name!r}")
        if name == "keywords":
            value = _clean_keywords(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(entry, name, value)
    entry.full_clean()
    _refuse_duplicate_topic(entry)
    entry.save()
    return entry


@transaction.atomic
def topic_delete(*, entry: HotButtonTopic) -> None:
    """Delete a register entry; it disappears from any summary it was shared in."""
    entry.delete()


# --- Sharing with a supervisor --------------------------------------------------------------


@transaction.atomic
def share_create(
    *,
    owner: User,
    take: Take,
    topics: Iterable[HotButtonTopic],
    supervisors: Iterable[User],
) -> list[SummaryShare]:
    """Show the chosen supervisors the section scores of ``take`` and the chosen entries.

    Replaces what each of them was shown before. Audit-logged.
    """
    topics, supervisors = list(topics), list(supervisors)
    membership = membership_of(owner)
    if membership is None:
        raise ValidationError(_("You are not part of an organisation."))
    if take.user_id != owner.pk or not take.is_complete:
        raise ValidationError(_("Choose one of your finished inventories."))
    if any(t.user_id != owner.pk for t in topics):
        raise ValidationError(_("Choose entries from your own register."))
    allowed = set(supervisors_of(owner).values_list("pk", flat=True))
    if not supervisors or any(s.pk not in allowed for s in supervisors):
        raise ValidationError(_("Choose at least one of your supervisors."))
    now = timezone.now()
    shares = []
    for supervisor in supervisors:
        for old in SummaryShare.objects.filter(
            owner=owner, supervisor=supervisor, revoked_at__isnull=True
        ):
            _revoke(old, by=owner, at=now, replaced=True)
        share = SummaryShare.objects.create(
            owner=owner, supervisor=supervisor, take=take, created_at=now
        )
        share.topics.set(topics)
        audit_log(
            organisation=membership.organisation,
            actor=owner,
            action="boundaries.summary.shared",
            target=share,
            data={
                "supervisor": supervisor.pk,
                "take": str(take.uuid),
                "topics": [str(t.uuid) for t in topics],
            },
        )
        shares.append(share)
    return shares


def _revoke(share: SummaryShare, *, by: User, at: datetime, replaced: bool = False) -> None:
    share.revoked_at = at
    share.save(update_fields=["revoked_at"])
    membership = membership_of(by)
    if membership is not None:
        audit_log(
            organisation=membership.organisation,
            actor=by,
            action="boundaries.summary.revoked",
            target=share,
            data={"supervisor": share.supervisor_id, "replaced": replaced},
        )


@transaction.atomic
def share_revoke(*, share: SummaryShare, by: User) -> SummaryShare:
    """Stop showing a summary; the supervisor gets a 404 from now on. Audit-logged."""
    if share.owner_id != by.pk:
        raise ValidationError(_("Only the person who shared a summary can revoke it."))
    if share.revoked_at is None:
        _revoke(share, by=by, at=timezone.now())
    return share


def share_record_read(*, share: SummaryShare, by: User) -> None:
    """Audit a supervisor's read of a shared summary (reads by anyone but the author are logged)."""
    membership = membership_of(by)
    if membership is None:
        return
    audit_log(
        organisation=membership.organisation,
        actor=by,
        action="boundaries.summary.read",
        target=share,
        data={"owner": share.owner_id, "take": str(share.take.uuid)},
    )
