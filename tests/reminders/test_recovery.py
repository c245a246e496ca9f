"""Recovery at the production timings: a dead worker's claims, and deliveries lost with the
broker, are picked up within two minutes.

The clock is the test's: a claim is left as a dead worker leaves it (its lease no longer renewed),
and the dispatcher runs as beat runs it, every ``REMINDER_DISPATCH_SECONDS``, with the lease of
``REMINDER_CLAIM_LEASE_SECONDS``: the values production uses, read from settings.
"""

import threading
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from reminders import delivery
from reminders.models import Digest, Reminder

pytestmark = pytest.mark.django_db

PROMISE = timedelta(seconds=120)


def beat_interval() -> timedelta:
    return settings.CELERY_BEAT_SCHEDULE["reminders-dispatch"]["schedule"]


def lease() -> timedelta:
    return timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)


def beat_tick(now: datetime) -> None:
    """One dispatcher run at ``now``, its deliveries run at once by a live worker."""
    calls: list[tuple[int, str]] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        delivery.reminders_dispatch(enqueue=lambda r, t: calls.append((r, t)), now=now)
    for recipient_id, token in calls:
        delivery.digest_deliver(recipient_id=recipient_id, claim_token=token, now=now)


def worker_killed_mid_send(practitioner, due) -> None:
    due(practitioner)
    due(practitioner)
    calls: list[tuple[int, str]] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        delivery.reminders_dispatch(enqueue=lambda r, t: calls.append((r, t)))
    [(recipient_id, token)] = calls
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=SystemExit("SIGKILL")),
        pytest.raises(SystemExit),
    ):
        delivery.digest_deliver(recipient_id=recipient_id, claim_token=token)
    assert Digest.objects.get().state == Digest.State.SENDING


def delivery_lost_with_the_broker(practitioner, due) -> None:
    due(practitioner)
    due(practitioner)
    with TestCase.captureOnCommitCallbacks(execute=True):
        # Queued in a Redis that restarted before any worker took the message.
        delivery.reminders_dispatch(enqueue=lambda r, t: None)


@pytest.mark.parametrize("crash", [worker_killed_mid_send, delivery_lost_with_the_broker])
@pytest.mark.parametrize("phase", [0.1, 0.74, 0.99])
def test_abandoned_claims_are_delivered_within_two_minutes(practitioner, due, crash, phase):
    """Whatever the phase of beat's ticks against the moment the worker died (``phase`` of an
    interval after it), the first tick after the lease runs out delivers the reminders."""
    crash(practitioner, due)
    claimed = Reminder.objects.filter(status=Reminder.Status.CLAIMED)
    assert claimed.count() == 2
    # The last sign of life: when the lease was last renewed.
    last_alive = claimed.first().claimed_until - lease()
    tick = last_alive + phase * beat_interval()
    while claimed.exists():
        assert tick - last_alive <= PROMISE, "not picked up within two minutes"
        before = tick < last_alive + lease()
        beat_tick(tick)
        if before:  # a live worker's claim is never taken from it
            assert claimed.count() == 2
        tick += beat_interval()
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 2
    # One e-mail with both (the digest a killed worker left is sent again, same Message-ID).
    [message] = mail.outbox
    assert message.subject == "Limen: 2 reminders"
    assert message.extra_headers["Message-ID"] == Digest.objects.get().message_id


@pytest.mark.django_db(transaction=True)
def test_a_live_worker_renews_its_lease_while_it_sends(practitioner, due, settings):
    """A conversation with a slow mail server may outlast the lease: the worker renews it, so
    the sweep never hands its reminders to a second worker."""
    settings.REMINDER_CLAIM_RENEW_SECONDS = 0.01
    due(practitioner)
    renewed = threading.Event()
    real_renew = delivery.reminder_claim_renew

    def renew_and_tell(**kwargs):
        count = real_renew(**kwargs)
        if threading.current_thread() is not threading.main_thread():
            renewed.set()  # by the lease keeper, not the task's own renewal when it starts
        return count

    leases: list[datetime] = []

    def slow_send(message, *args, **kwargs):
        leases.append(Reminder.objects.get().claimed_until)
        while Reminder.objects.get().claimed_until <= leases[0]:
            renewed.clear()
            assert renewed.wait(10), "the lease was not renewed during the send"
        leases.append(Reminder.objects.get().claimed_until)
        mail.outbox.append(message)
        return 1

    with (
        mock.patch.object(delivery, "reminder_claim_renew", renew_and_tell),
        mock.patch("django.core.mail.EmailMessage.send", slow_send),
    ):
        beat_tick(timezone.now())
    assert leases[1] > leases[0]
    assert Reminder.objects.get().status == Reminder.Status.SENT
    assert len(mail.outbox) == 1
