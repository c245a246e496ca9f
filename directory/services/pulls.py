"""Pulling another agency's directory from its HSDS API.

An admin subscribes (the API's address and a read token). A pull fetches the services changed at
the source since the last one (``modified_after``), checks them exactly as an import is checked,
and stores what would change as a ``PullChangeSet``: nothing reaches the directory until an admin
approves it (or at once, when the subscription says so), and then all of it in one transaction.
A source that is down, slow, answers garbage or refuses the token leaves a failed change set and
the directory as it was.

Pulled services carry their source and are not edited here: the agency that keeps them does, and
a correction goes back to it as a ``SourceNote``.
"""

import json
import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.services import audit_log
from directory import secretbox
from directory.hsds import importer, reader, remote
from directory.models import PullChangeSet, Service, SourceNote, Subscription
from directory.search.index import service_reindex
from reminders.registry import BeatTask

logger = logging.getLogger(__name__)

# A scheduled subscription is pulled when its last pull is this old.
PULL_EVERY = timedelta(hours=1)
# Errors are attributed to records one record at a time; past this many, the rest are counted.
RECORDS_EXPLAINED = 200
PAYLOAD_NAME = "services.json"
WITHDRAWN_STATUSES = (Service.Status.INACTIVE, Service.Status.DEFUNCT)
BEAT = (
    BeatTask(
        name="directory-pull-subscriptions",
        task="directory.tasks.pull_due_subscriptions",
        every=timedelta(minutes=5),
        expires=timedelta(minutes=4),
    ),
)


# --- Subscriptions ------------------------------------------------------------------------------


@transaction.atomic
def subscription_create(
    *,
    organisation: Organisation,
    name: str,
    base_url: str,
    token: str,
    is_scheduled: bool,
    auto_apply: bool,
    by: User,
) -> Subscription:
    """Subscribe the directory to another agency's HSDS API; the token is stored encrypted."""
    subscription = Subscription.objects.create(
        organisation=organisation,
        name=name,
        base_url=remote.check_base_url(base_url),
        token_encrypted=secretbox.seal(token) if token else "",
        is_scheduled=is_scheduled,
        auto_apply=auto_apply,
        created_by=by,
    )
    audit_log(
        organisation=organisation,
        actor=by,
        action="directory.subscription.created",
        target=subscription,
        data={"name": name, "base_url": subscription.base_url, "auto_apply": auto_apply},
    )
    return subscription


@transaction.atomic
def subscription_update(
    *, subscription: Subscription, is_scheduled: bool, auto_apply: bool, token: str, by: User
) -> Subscription:
    """Change the schedule or approval; a non-empty ``token`` replaces the stored one."""
    subscription.is_scheduled = is_scheduled
    subscription.auto_apply = auto_apply
    fields = ["is_scheduled", "auto_apply"]
    if token:
        subscription.token_encrypted = secretbox.seal(token)
        fields.append("token_encrypted")
    subscription.save(update_fields=fields)
    audit_log(
        organisation=subscription.organisation,
        actor=by,
        action="directory.subscription.changed",
        target=subscription,
        data={
            "is_scheduled": is_scheduled,
            "auto_apply": auto_apply,
            "token_replaced": bool(token),
        },
    )
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: Subscription, by: User) -> None:
    """Unsubscribe. The services pulled so far stay, as the agency's own entries."""
    audit_log(
        organisation=subscription.organisation,
        actor=by,
        action="directory.subscription.deleted",
        data={"name": subscription.name, "base_url": subscription.base_url},
    )
    subscription.delete()


def subscriptions_claim_due(*, now: datetime | None = None) -> list[int]:
    """Ids of the scheduled subscriptions whose last pull is older than ``PULL_EVERY``, each
    claimed (its last pull set to now, compare-and-swap) so that a second beat or a slow pull
    never sends the same subscription twice."""
    now = now or timezone.now()
    due = Subscription.objects.filter(is_scheduled=True).exclude(last_sync_at__gt=now - PULL_EVERY)
    claimed = []
    for pk, last in due.values_list("pk", "last_sync_at"):
        if Subscription.objects.filter(pk=pk, last_sync_at=last).update(last_sync_at=now):
            claimed.append(pk)
    return claimed


# --- Pulling --------------------------------------------------------------------------------


def _record_label(record: object) -> dict[str, str]:
    if isinstance(record, dict):
        return {"id": str(record.get("id", ""))[:100], "name": str(record.get("name", ""))[:255]}
    return {"id": "", "name": ""}


def _finish(
    subscription: Subscription, outcome: str, message: str = "", *, cursor: str | None = None
) -> None:
    values = {"last_sync_at": timezone.now(), "last_outcome": outcome, "last_message": message}
    if cursor is not None:
        values["cursor"] = cursor
    Subscription.objects.filter(pk=subscription.pk).update(**values)
    for name, value in values.items():
        setattr(subscription, name, value)


def _newest(records: list, fallback: str) -> str:
    """The newest last_modified among the records (as the source wrote it), or ``fallback``."""
    best, best_text = None, fallback
    for record in records:
        text = record.get("last_modified") if isinstance(record, dict) else None
        moment = parse_datetime(text) if isinstance(text, str) else None
        if moment is not None and timezone.is_aware(moment) and (best is None or moment > best):
            best, best_text = moment, text
    return best_text


def _conflicts(subscription: Subscription, records: list) -> list[dict]:
    """Records whose id is already a service here that this source does not keep."""
    ids = [r["id"] for r in records if isinstance(r, dict) and isinstance(r.get("id"), str)]
    taken = set(
        Service.objects.filter(owner=subscription.organisation, hsds_id__in=ids)
        .exclude(source=subscription)
        .values_list("hsds_id", flat=True)
    )
    return [
        {
            **_record_label(r),
            "message": _(
                "A service with this id is already in your directory, kept by your agency or "
                "pulled from another source; it is not overwritten."
            ),
            "file": PAYLOAD_NAME,
            "row": None,
            "column": "id",
        }
        for r in records
        if isinstance(r, dict) and r.get("id") in taken
    ]


def _check(organisation: Organisation, records: list) -> tuple[importer.Dataset, importer.Report]:
    package = reader.read_json(json.dumps(records).encode(), PAYLOAD_NAME)
    if package.errors:
        return importer.Dataset(), importer.Report(errors=package.errors)
    return importer.check(organisation, package)


def _record_errors(organisation: Organisation, records: list) -> list[dict]:
    """The import check's problems, attributed to the record that has them (each record is a
    whole service, nested: it can be checked on its own)."""
    errors: list[dict] = []
    for index, record in enumerate(records):
        if index >= RECORDS_EXPLAINED:
            break
        _dataset, report = _check(organisation, [record])
        errors.extend({**_record_label(record), **p.as_dict()} for p in report.errors)
    return errors


def _changes(subscription: Subscription, records: list, *, full: bool, seen: set) -> dict:
    local = {
        s["hsds_id"]: s
        for s in Service.objects.filter(
            owner=subscription.organisation, hsds_id__in=[r["id"] for r in records]
        ).values("hsds_id", "status")
    }
    changes: dict[str, list] = {"created": [], "updated": [], "withdrawn": []}
    for record in records:
        existing = local.get(record["id"])
        if existing is None:
            changes["created"].append(_record_label(record))
        elif (
            record.get("status") in WITHDRAWN_STATUSES
            and existing["status"] not in WITHDRAWN_STATUSES
        ):
            changes["withdrawn"].append(_record_label(record))
        else:
            changes["updated"].append(_record_label(record))
    if full:
        # A complete pull also notices services the source no longer lists at all.
        gone = (
            Service.objects.filter(source=subscription)
            .exclude(hsds_id__in=seen)
            .exclude(status__in=WITHDRAWN_STATUSES)
        )
        changes["withdrawn"].extend(
            {"id": s.hsds_id, "name": s.name, "gone": True} for s in gone.only("hsds_id", "name")
        )
    return changes


def _unchanged(subscription: Subscription, records: list) -> set[str]:
    """Ids of records this source sent before with the same last_modified: nothing to do."""
    stamps = dict(
        Service.objects.filter(source=subscription).values_list("hsds_id", "last_modified")
    )
    same = set()
    for record in records:
        text = record.get("last_modified")
        moment = parse_datetime(text) if isinstance(text, str) else None
        if moment is not None and stamps.get(record["id"]) == moment:
            same.add(record["id"])
    return same


def subscription_pull(
    *, subscription: Subscription, limits: remote.Limits | None = None
) -> PullChangeSet | None:
    """Fetch what changed at the source and store it as a change set (applied at once when the
    subscription says so). While an earlier change set waits for approval, nothing is fetched
    and that one is returned; a pull with nothing new returns None."""
    waiting = subscription.change_sets.filter(status=PullChangeSet.Status.PENDING).first()
    if waiting is not None:
        return waiting
    full = not subscription.cursor
    try:
        token = secretbox.unseal(subscription.token_encrypted) if subscription.has_token else ""
        records = remote.fetch_services(
            subscription.base_url, token=token, modified_after=subscription.cursor, limits=limits
        )
    except secretbox.SecretUnreadable:
        return _failed(
            subscription,
            _("The stored token cannot be read with this server's key; save the token again."),
        )
    except remote.FetchError as exc:
        return _failed(subscription, str(exc))
    if not all(isinstance(r, dict) and isinstance(r.get("id"), str) for r in records):
        return _failed(subscription, _("The source's answer is not a page of HSDS services."))
    cursor = _newest(records, subscription.cursor)
    seen = {r["id"] for r in records}
    unchanged = _unchanged(subscription, records)
    records = [r for r in records if r["id"] not in unchanged]
    changes = _changes(subscription, records, full=full, seen=seen)
    if not any(changes.values()):
        _finish(subscription, Subscription.Outcome.NO_CHANGES, cursor=cursor)
        return None
    organisation = subscription.organisation
    try:
        errors = _conflicts(subscription, records)
        _dataset, report = _check(organisation, records)
        if not report.ok:
            errors += _record_errors(organisation, records) or [p.as_dict() for p in report.errors]
    except Exception:  # noqa: BLE001 - whatever the source sent, the pull ends in a final state
        logger.exception("Checking the pull of subscription %s failed", subscription.pk)
        return _failed(
            subscription,
            _("Limen could not check the source's records and stopped; nothing was changed."),
        )
    if errors:
        change_set = PullChangeSet.objects.create(
            subscription=subscription,
            status=PullChangeSet.Status.INVALID,
            changes=changes,
            errors=errors[: importer.MAX_ERRORS],
            full=full,
        )
        _finish(
            subscription,
            Subscription.Outcome.INVALID,
            _("%(n)s problems in the source's records; nothing was changed.") % {"n": len(errors)},
        )
        return change_set
    try:
        change_set = PullChangeSet.objects.create(
            subscription=subscription,
            status=PullChangeSet.Status.PENDING,
            payload=records,
            changes=changes,
            cursor_after=cursor,
            full=full,
        )
    except IntegrityError:
        # Another worker stored a pending change set for this subscription meanwhile.
        return subscription.change_sets.filter(status=PullChangeSet.Status.PENDING).first()
    _finish(subscription, Subscription.Outcome.PENDING)
    if subscription.auto_apply:
        return change_set_approve(change_set=change_set, by=None)
    return change_set


def _failed(subscription: Subscription, message: str) -> PullChangeSet:
    # The message is Limen's own sentence: a source's answer or the token never goes in it.
    change_set = PullChangeSet.objects.create(
        subscription=subscription, status=PullChangeSet.Status.FAILED, message=message[:500]
    )
    _finish(subscription, Subscription.Outcome.FAILED, message[:500])
    logger.info("Pull of subscription %s failed: %s", subscription.pk, message)
    return change_set


class _Refused(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors


def change_set_approve(*, change_set: PullChangeSet, by: User | None) -> PullChangeSet:
    """Write a pending change set in one transaction, checked again against the directory as it
    is now; on any problem nothing is written and the change set says why."""
    subscription = change_set.subscription
    organisation = subscription.organisation
    try:
        with transaction.atomic():
            claimed = PullChangeSet.objects.filter(
                pk=change_set.pk, status=PullChangeSet.Status.PENDING
            ).update(status=PullChangeSet.Status.APPLIED, decided_by=by, decided_at=timezone.now())
            if not claimed:
                raise ValidationError(_("This change set was decided already."))
            change_set.refresh_from_db()
            records = change_set.payload or []
            errors = _conflicts(subscription, records)
            dataset, report = _check(organisation, records)
            if errors or not report.ok:
                raise _Refused(errors + [p.as_dict() for p in report.errors])
            touched = importer.apply(organisation, dataset) if records else set()
            Service.objects.filter(
                owner=organisation, hsds_id__in=[r["id"] for r in records]
            ).update(source=subscription)
            gone = [w["id"] for w in change_set.changes.get("withdrawn", []) if w.get("gone")]
            withdrawn = Service.objects.filter(source=subscription, hsds_id__in=gone)
            touched.update(withdrawn.values_list("pk", flat=True))
            withdrawn.update(status=Service.Status.INACTIVE)
            service_reindex(touched)
            counts = {k: len(v) for k, v in change_set.changes.items()}
            audit_log(
                organisation=organisation,
                actor=by,
                action="directory.pull.applied",
                target=change_set,
                data={"subscription": subscription.name, **counts},
            )
            PullChangeSet.objects.filter(pk=change_set.pk).update(payload=None)
            _finish(subscription, Subscription.Outcome.APPLIED, cursor=change_set.cursor_after)
    except _Refused as refused:
        PullChangeSet.objects.filter(pk=change_set.pk).update(
            status=PullChangeSet.Status.INVALID,
            errors=refused.errors[: importer.MAX_ERRORS],
            payload=None,
        )
        _finish(
            subscription,
            Subscription.Outcome.INVALID,
            _("The changes no longer fit the directory; nothing was changed."),
        )
    change_set.refresh_from_db()
    return change_set


@transaction.atomic
def change_set_reject(*, change_set: PullChangeSet, by: User) -> None:
    """Turn a pending change set down; the next pull starts after the records it held."""
    claimed = PullChangeSet.objects.filter(
        pk=change_set.pk, status=PullChangeSet.Status.PENDING
    ).update(
        status=PullChangeSet.Status.REJECTED,
        decided_by=by,
        decided_at=timezone.now(),
        payload=None,
    )
    if not claimed:
        raise ValidationError(_("This change set was decided already."))
    subscription = change_set.subscription
    audit_log(
        organisation=subscription.organisation,
        actor=by,
        action="directory.pull.rejected",
        target=change_set,
        data={"subscription": subscription.name},
    )
    _finish(subscription, Subscription.Outcome.REJECTED, cursor=change_set.cursor_after)


# --- Corrections to pulled services -------------------------------------------------------------


@transaction.atomic
def source_note_create(*, service: Service, text: str, by: User) -> SourceNote:
    """Keep a correction to a pulled service for the agency it comes from."""
    if service.source_id is None:
        raise ValidationError(_("This service is your agency's own: edit it directly."))
    note = SourceNote.objects.create(
        subscription=service.source,
        service=service,
        service_hsds_id=service.hsds_id,
        text=text,
        created_by=by,
    )
    audit_log(
        organisation=service.owner,
        actor=by,
        action="directory.source_note.created",
        target=note,
        data={"service": service.hsds_id, "subscription": service.source.name},
    )
    return note
