"""Dispatching and delivering due reminders: claims, digests, retries.

The row is the truth and the broker only a nudge. ``reminders_dispatch`` (beat, every minute)
hands back abandoned claims, claims what is due and asks for one ``deliver_digest`` per person;
``digest_deliver`` delivers in Limen and sends one e-mail per person. The guarantees:

* a row is claimed by one dispatcher only (``SKIP LOCKED`` on PostgreSQL, a compare-and-swap
  update on SQLite), and each delivery task works only on the rows carrying its claim token;
* an e-mail digest is recorded (state SENDING) and committed *before* the SMTP conversation, with
  a Message-ID derived from the recipient and its reminders. A worker killed mid-send leaves the
  digest in SENDING; the sweep returns its rows to the queue and the next delivery re-sends that
  same digest, whole, under the same Message-ID, so a reminder is never in two different e-mails.
  The same holds when the SMTP conversation ends without a clear answer (a reply slower than the
  timeout, a connection dropped mid-reply): only a definite refusal lets the reminders regroup;
* one ``Delivery`` per reminder and channel (a unique constraint) keeps a channel from being
  used twice, e.g. after a snooze or a retry.
"""

import contextlib
import hashlib
import logging
import smtplib
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django import db
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import User
from reminders.models import Delivery, DeliveryOutcome, Digest, Reminder
from reminders.planning import planned_times, timing_of
from reminders.selectors import preference_of
from reminders.texts import reminder_details, reminder_text
from reminders.unsubscribe import unsubscribe_token

log = logging.getLogger(__name__)

CLAIM_BATCH = 500
MAX_BATCHES_PER_RUN = 20
MAX_ATTEMPTS = 6
# The most of a delivery error kept on the row (an SMTP server may answer at length).
ERROR_MAX_CHARS = 1000

Enqueue = Callable[[int, str], None]


# --- Claiming ---------------------------------------------------------------------------------


def claim_lease() -> timedelta:
    """How long a claim holds without renewal (``REMINDER_CLAIM_LEASE_SECONDS``)."""
    return timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)


def reminder_claims_sweep(*, now: datetime | None = None) -> int:
    """Put claimed rows whose lease ran out (their worker died, or their task was lost with the
    broker) back in the queue; the same dispatch run claims them again."""
    now = now or timezone.now()
    swept = Reminder.objects.filter(
        Q(claimed_until__lt=now) | Q(claimed_until__isnull=True),
        status=Reminder.Status.CLAIMED,
    ).update(status=Reminder.Status.PENDING, claim_token=None, claimed_at=None, claimed_until=None)
    if swept:
        log.warning("Returned %d abandoned reminder claim(s) to the queue", swept)
    return swept


def reminder_claim_renew(
    *, claim_token: uuid.UUID, recipient_id: int, now: datetime | None = None
) -> int:
    """Extend the lease of the rows still claimed under ``claim_token``; returns how many."""
    now = now or timezone.now()
    return Reminder.objects.filter(
        claim_token=claim_token, recipient_id=recipient_id, status=Reminder.Status.CLAIMED
    ).update(claimed_until=now + claim_lease())


@contextlib.contextmanager
def _lease_kept(claim_token: uuid.UUID, recipient_id: int) -> Iterator[None]:
    """Renew the claim every ``REMINDER_CLAIM_RENEW_SECONDS`` while the body runs: an SMTP
    conversation may outlast a lease, and only a dead worker should lose its claim."""
    stop = threading.Event()

    def renew() -> None:
        used_database = False
        try:
            while not stop.wait(settings.REMINDER_CLAIM_RENEW_SECONDS):
                used_database = True
                try:
                    reminder_claim_renew(claim_token=claim_token, recipient_id=recipient_id)
                except Exception:
                    log.exception("Could not renew the claim %s; trying again", claim_token)
        finally:
            if used_database:
                db.connection.close()  # this thread's own connection

    keeper = threading.Thread(target=renew, name=f"lease-{claim_token}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join()


def reminders_ready(*, now: datetime) -> QuerySet[Reminder]:
    """Due rows of the people whose reminders need wait no longer.

    A person's due reminders wait while more of theirs fall due within
    ``REMINDER_GATHER_SECONDS``, so that reminders due minutes apart arrive in one e-mail; but
    never past the ``deliver_by`` of any of them (the gather interval, inside the working
    window). A lone reminder goes at once.
    """
    pending = Reminder.objects.filter(status=Reminder.Status.PENDING)
    due = pending.filter(deliver_after__lte=now)
    waited_enough = due.filter(Q(deliver_by__lte=now) | Q(deliver_by__isnull=True))
    more_coming = pending.filter(
        deliver_after__gt=now,
        deliver_after__lte=now + timedelta(seconds=settings.REMINDER_GATHER_SECONDS),
    )
    return due.filter(
        Q(recipient_id__in=waited_enough.values("recipient_id"))
        | ~Q(recipient_id__in=more_coming.values("recipient_id"))
    )


def reminders_claim_due(
    *, now: datetime | None = None, limit: int = CLAIM_BATCH, token: uuid.UUID | None = None
) -> tuple[uuid.UUID, list[int]]:
    """Claim up to ``limit`` due rows under ``token`` (a fresh one by default); return the token
    with the ids of the people this batch claimed rows for.

    Call inside ``transaction.atomic()``: on PostgreSQL the row locks are held until commit, so a
    second dispatcher skips these rows instead of waiting for them or claiming them again.
    """
    now = now or timezone.now()
    token = token or uuid.uuid4()
    due = reminders_ready(now=now).order_by("deliver_after", "id")
    if connection.features.has_select_for_update_skip_locked:
        ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
        claimed = Reminder.objects.filter(pk__in=ids).update(
            status=Reminder.Status.CLAIMED,
            claim_token=token,
            claimed_at=now,
            claimed_until=now + claim_lease(),
        )
    else:
        # SQLite: no row locks. The conditional update is the claim; a row another dispatcher
        # took in between no longer matches ``status='pending'`` and is simply not counted.
        ids = list(due.values_list("id", flat=True)[:limit])
        claimed = Reminder.objects.filter(pk__in=ids, status=Reminder.Status.PENDING).update(
            status=Reminder.Status.CLAIMED,
            claim_token=token,
            claimed_at=now,
            claimed_until=now + claim_lease(),
        )
    if not claimed:
        return token, []
    mine = Reminder.objects.filter(pk__in=ids, claim_token=token, status=Reminder.Status.CLAIMED)
    if mine.count() != claimed:  # pragma: no cover - the database broke the update's promise
        raise RuntimeError(f"Claimed {claimed} reminders but read back fewer")
    return token, list(mine.order_by().values_list("recipient_id", flat=True).distinct())


def reminder_claim_release(*, claim_token: str | uuid.UUID, recipient_id: int) -> int:
    """Give claimed rows back at once (the delivery task could not be enqueued)."""
    return Reminder.objects.filter(
        claim_token=claim_token, recipient_id=recipient_id, status=Reminder.Status.CLAIMED
    ).update(status=Reminder.Status.PENDING, claim_token=None, claimed_at=None, claimed_until=None)


def reminders_dispatch(*, enqueue: Enqueue, now: datetime | None = None) -> int:
    """Sweep abandoned claims, then claim due rows batch by batch under one token, and once the
    claims are committed ask for one delivery per person. Returns how many rows were claimed.

    One token for the whole run, and the deliveries asked for only after the last batch: a
    person with rows in several batches (a Monday-morning backlog) still gets one e-mail.
    """
    now = now or timezone.now()
    reminder_claims_sweep(now=now)
    token = uuid.uuid4()
    recipients: set[int] = set()
    for _ in range(MAX_BATCHES_PER_RUN):
        # A short transaction per batch: row locks are held for one batch only.
        with transaction.atomic():
            _token, batch = reminders_claim_due(now=now, token=token, limit=CLAIM_BATCH)
        if not batch:
            break
        recipients.update(batch)
    for recipient_id in sorted(recipients):
        # Runs at once, or when the caller's own transaction commits: never before.
        transaction.on_commit(_enqueue_or_release(enqueue, recipient_id, str(token)))
    if not recipients:
        return 0
    return Reminder.objects.filter(claim_token=token).count()


def _enqueue_or_release(enqueue: Enqueue, recipient_id: int, token: str) -> Callable[[], None]:
    def run() -> None:
        try:
            enqueue(recipient_id, token)
        except Exception:
            # The broker is down: hand the rows back now rather than when the lease runs out,
            # so that the next dispatch (once the broker is back) picks them up.
            log.exception("Could not enqueue the delivery of %s; released the claim", token)
            reminder_claim_release(claim_token=token, recipient_id=recipient_id)

    return run


# --- Delivering -------------------------------------------------------------------------------


def digest_message_id(recipient: User, reminders: Iterable[Reminder]) -> str:
    """The same recipient and reminders always give the same Message-ID."""
    uuids = ",".join(sorted(str(r.uuid) for r in reminders))
    digest = hashlib.sha256(f"{recipient.pk}:{uuids}".encode()).hexdigest()[:40]
    domain = urlsplit(settings.SITE_URL).hostname or "limen.localhost"
    return f"<reminders.{digest}@{domain}>"


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16… minutes after the first, second, third… failure."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def digest_deliver(
    *, recipient_id: int, claim_token: str | uuid.UUID, now: datetime | None = None
) -> int:
    """Deliver the rows claimed under ``claim_token``: in Limen, and as one e-mail.

    Idempotent: rows already delivered, swept and claimed again by a newer token, or deleted are
    left alone. Returns how many reminders were e-mailed.
    """
    now = now or timezone.now()
    recipient = User.objects.filter(pk=recipient_id).first()
    if recipient is None:
        return 0
    try:
        token = uuid.UUID(str(claim_token))
    except ValueError:
        return 0
    mine = Reminder.objects.filter(
        recipient_id=recipient_id, claim_token=token, status=Reminder.Status.CLAIMED
    )
    # Renew the claim: the lease counts from when the work started, not when it was queued.
    if not reminder_claim_renew(claim_token=token, recipient_id=recipient_id, now=now):
        return 0
    with _lease_kept(token, recipient_id):
        return _deliver_claimed(recipient, mine, now)


def _deliver_claimed(recipient: User, mine: QuerySet[Reminder], now: datetime) -> int:
    rows = list(mine.select_related("digest"))
    preference = preference_of(recipient)

    in_app = [r for r in rows if preference.wants(r.kind, Delivery.Channel.IN_APP)]
    Delivery.objects.bulk_create(
        [Delivery(reminder=r, channel=Delivery.Channel.IN_APP, delivered_at=now) for r in in_app],
        ignore_conflicts=True,
    )
    emailed_before = set(
        Delivery.objects.filter(reminder__in=rows, channel=Delivery.Channel.EMAIL).values_list(
            "reminder_id", flat=True
        )
    )
    by_email = [
        r
        for r in rows
        if r.pk not in emailed_before
        and (r.digest_id is not None or preference.wants(r.kind, Delivery.Channel.EMAIL))
    ]
    # Rows that need no e-mail are done now.
    _mark_sent([r.pk for r in rows if r not in by_email], now)
    if not by_email or not recipient.email:
        _mark_sent([r.pk for r in by_email], now)
        return 0

    sent = 0
    unfinished = {r.digest_id: r.digest for r in by_email if r.digest_id is not None}
    for digest in unfinished.values():
        if digest.state == Digest.State.SENT:
            _digest_finish(digest, now)  # sent, but the rows were not marked: finish the job
            continue
        # Left in SENDING by a crash or an unanswered send: it may have reached the server.
        # Send the same again.
        sent += _digest_send(digest, recipient, now)
    fresh = [r for r in by_email if r.digest_id is None]
    if fresh:
        digest = _digest_open(recipient, fresh, now)
        sent += _digest_send(digest, recipient, now)
    return sent


def _mark_sent(ids: list[int], now: datetime) -> None:
    if ids:
        Reminder.objects.filter(pk__in=ids, status=Reminder.Status.CLAIMED).update(
            status=Reminder.Status.SENT,
            sent_at=now,
            claim_token=None,
            last_error="",
            failing_since=None,
        )


def _digest_open(recipient: User, reminders: list[Reminder], now: datetime) -> Digest:
    """Record the digest and its reminders, committed before anything is sent."""
    message_id = digest_message_id(recipient, reminders)
    with transaction.atomic():
        digest, _ = Digest.objects.get_or_create(
            message_id=message_id, defaults={"recipient": recipient, "created_at": now}
        )
        Reminder.objects.filter(pk__in=[r.pk for r in reminders], digest__isnull=True).update(
            digest=digest
        )
    return digest


def _digest_send(digest: Digest, recipient: User, now: datetime) -> int:
    reminders = list(
        digest.reminders.exclude(status__in=[Reminder.Status.CANCELLED]).order_by("due_at", "id")
    )
    if not reminders:
        digest.delete()
        return 0
    Digest.objects.filter(pk=digest.pk).update(attempts=digest.attempts + 1)
    try:
        message = digest_message(digest, recipient, reminders)
        connection = message.connection
        # Writing the message, reaching and greeting the server (and signing in) hand nothing
        # over: a failure here, a refused connection included, is a definite "not sent".
        connection.open()
    except Exception as exc:
        _digest_failed(digest, reminders, exc, now, refused=True)
        return 0
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        _digest_failed(digest, reminders, exc, now, refused=smtp_refused(exc))
        return 0
    finally:
        # The message is in or out by now; a server that hangs up on QUIT changes nothing.
        with contextlib.suppress(Exception):
            connection.close()
    _digest_finish(digest, now)
    _outcome_record(DeliveryOutcome.Outcome.SENT, now)
    return len(reminders)


def _outcome_record(outcome: str, now: datetime, exc: BaseException | None = None) -> None:
    """Note how this attempt ended, for ``/healthz``; a figure never fails a delivery."""
    try:
        DeliveryOutcome.objects.update_or_create(
            channel=Delivery.Channel.EMAIL,
            defaults={
                "outcome": outcome,
                "at": now,
                "error_type": type(exc).__name__ if exc is not None else "",
            },
        )
    except db.DatabaseError:
        log.exception("Could not record the outcome of an e-mail attempt")


def smtp_refused(exc: BaseException) -> bool:
    """Did the server say no? Only a reply (4xx/5xx) to the envelope or the message is a
    definite refusal. A timeout or a connection dropped once the message was on its way leaves
    the outcome unknown: the server may have accepted it and answered too late."""
    return isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def _digest_finish(digest: Digest, now: datetime) -> None:
    with transaction.atomic():
        Digest.objects.filter(pk=digest.pk).update(state=Digest.State.SENT, sent_at=now)
        ids = list(digest.reminders.values_list("pk", flat=True))
        Delivery.objects.bulk_create(
            [Delivery(reminder_id=pk, channel=Delivery.Channel.EMAIL, digest=digest) for pk in ids],
            ignore_conflicts=True,
        )
        Reminder.objects.filter(pk__in=ids).filter(
            Q(status=Reminder.Status.CLAIMED) | Q(status=Reminder.Status.PENDING)
        ).update(
            status=Reminder.Status.SENT,
            sent_at=now,
            claim_token=None,
            last_error="",
            failing_since=None,
        )


def _digest_failed(
    digest: Digest, reminders: list[Reminder], exc: Exception, now: datetime, *, refused: bool
) -> None:
    """Count the attempt and try again later, with back-off, inside working hours; after
    MAX_ATTEMPTS the rows stay FAILED for an admin.

    Refused (the server said no, or was never reached): nothing reached anyone, so the rows may
    be regrouped with others next time. Otherwise the outcome is unknown: the rows stay in this
    digest, which is sent again whole under the same Message-ID, so that a message the server did
    accept arrives at most once more and as the same message.
    """
    error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]
    if refused:
        log.warning("E-mail digest %s refused: %s", digest.message_id, error)
    else:
        log.warning(
            "E-mail digest %s may or may not have been accepted (%s); it will be sent again "
            "under the same Message-ID",
            digest.message_id,
            error,
        )
    timing = timing_of(digest.recipient)
    with transaction.atomic():
        for reminder in reminders:
            attempts = reminder.attempts + 1
            fields = {
                "attempts": attempts,
                "last_error": error,
                "claim_token": None,
                "failing_since": reminder.failing_since or now,
            }
            if attempts >= MAX_ATTEMPTS:
                fields["status"] = Reminder.Status.FAILED
            else:
                fields["status"] = Reminder.Status.PENDING
                fields["not_before"] = now + retry_delay(attempts)
                fields["deliver_after"], fields["deliver_by"] = planned_times(
                    due_at=reminder.due_at,
                    not_before=fields["not_before"],
                    timing=timing,
                    now=now,
                )
            if refused:
                fields["digest"] = None
            Reminder.objects.filter(pk=reminder.pk).update(**fields)
        if refused:
            digest.delete()
    _outcome_record(
        DeliveryOutcome.Outcome.REFUSED if refused else DeliveryOutcome.Outcome.UNKNOWN, now, exc
    )


# --- The e-mail -------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def digest_message(
    digest: Digest, recipient: User, reminders: list[Reminder]
) -> EmailMultiAlternatives:
    """The digest as a text and HTML e-mail in the recipient's language."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        items = []
        kinds_seen: dict[str, str] = {}
        for reminder in reminders:
            if reminder.kind not in kinds_seen:
                kinds_seen[reminder.kind] = _absolute(
                    reverse(
                        "reminders:unsubscribe", args=[unsubscribe_token(recipient, reminder.kind)]
                    )
                )
            items.append(
                {
                    "text": reminder_text(reminder),
                    "details": reminder_details(reminder),
                    "kind": reminder.get_kind_display(),
                    "url": _absolute(reminder.link) if reminder.link.startswith("/") else "",
                    "unsubscribe_url": kinds_seen[reminder.kind],
                }
            )
        context = {
            "user": recipient,
            "items": items,
            "settings_url": _absolute(reverse("reminders:settings")),
            "inbox_url": _absolute(reverse("reminders:inbox")),
        }
        subject = ngettext(
            "Limen: %(count)d reminder", "Limen: %(count)d reminders", len(items)
        ) % {"count": len(items)}
        text = render_to_string("reminders/email/digest.txt", context)
        html = render_to_string("reminders/email/digest.html", context)
    headers = {"Message-ID": digest.message_id, "Auto-Submitted": "auto-generated"}
    if len(kinds_seen) == 1:
        # One-click unsubscribe (RFC 8058) when the digest holds one kind only.
        headers["List-Unsubscribe"] = f"<{next(iter(kinds_seen.values()))}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[recipient.email],
        headers=headers,
        connection=get_connection(),
    )
    message.attach_alternative(html, "text/html")
    return message
