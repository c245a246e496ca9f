"""What an SMTP conversation's end means for a digest, against a real SMTP server on loopback.

A definite refusal (a 4xx/5xx reply, a refused connection) means nothing was handed over: the
reminders may go out later in another grouping. A reply that never comes in time, or a connection
dropped after the message was handed over, means the server may have it: the same message goes
again, under the same Message-ID, so that a person sees it once.
"""

import pytest
from django.test import TestCase
from django.utils import timezone

from reminders import delivery
from reminders.models import Digest, Reminder
from tests.reminders.smtp import CountingHandler, free_port, start_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    handler = CountingHandler()
    controller = start_smtp(handler)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    yield handler
    controller.stop()


def dispatch_and_deliver() -> None:
    calls: list[tuple[int, str]] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        delivery.reminders_dispatch(enqueue=lambda r, t: calls.append((r, t)))
    for recipient_id, token in calls:
        delivery.digest_deliver(recipient_id=recipient_id, claim_token=token)


def back_off_over() -> None:
    """The back-off has run out (it is tested in minutes elsewhere)."""
    Reminder.objects.filter(status=Reminder.Status.PENDING).update(deliver_after=timezone.now())


def clients(n: int) -> dict:
    return {"client": f"C-{n}", "session": "2026-03-02"}


@pytest.mark.parametrize("answer", ["late", "hang_up"])
def test_an_unanswered_send_is_retried_as_the_same_message(smtp, practitioner, due, answer):
    rows = [due(practitioner, data=clients(n)) for n in range(3)]
    if answer == "late":
        smtp.answer_late = 2.0  # twice the client's timeout
    else:
        smtp.hang_up = True
    dispatch_and_deliver()

    # The server has the message; Limen could not know it, so it keeps the digest.
    [(message_id, copies)] = smtp.received.items()
    digest = Digest.objects.get()
    assert digest.message_id == message_id and digest.state == Digest.State.SENDING
    for row in Reminder.objects.all():
        assert (row.status, row.attempts, row.digest_id) == (
            Reminder.Status.PENDING,
            1,
            digest.pk,
        )
        assert row.last_error
    # A reminder falling due meanwhile does not join the digest that may have gone out.
    later = due(practitioner, data=clients(9))

    smtp.answer_late, smtp.hang_up = 0.0, False
    back_off_over()
    dispatch_and_deliver()

    # The same message again (mail clients show one), and the newcomer in a message of its own.
    assert smtp.received[message_id] == [frozenset({"C-0", "C-1", "C-2"})] * 2
    assert len(smtp.received) == 2
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 4
    assert set(Digest.objects.get(pk=digest.pk).reminders.all()) == set(rows)
    assert Reminder.objects.get(pk=later.pk).digest_id != digest.pk
    assert not Reminder.objects.exclude(last_error="").exists()


def test_a_refusal_lets_the_reminders_regroup(smtp, practitioner, due):
    import time

    first = [due(practitioner, data=clients(n)) for n in range(2)]
    smtp.refuse_until = time.monotonic() + 3600
    dispatch_and_deliver()
    assert smtp.refused == 1 and not smtp.received
    assert not Digest.objects.exists()
    assert set(Reminder.objects.values_list("digest", flat=True)) == {None}

    later = due(practitioner, data=clients(9))
    smtp.refuse_until = 0.0
    back_off_over()
    dispatch_and_deliver()
    # Nothing had reached anyone: one e-mail with all three.
    [(message_id, copies)] = smtp.received.items()
    assert copies == [frozenset({"C-0", "C-1", "C-9"})]
    assert message_id == delivery.digest_message_id(practitioner, [*first, later])


def test_a_refused_connection_lets_the_reminders_regroup(settings, practitioner, due):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    reminder = due(practitioner)
    dispatch_and_deliver()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.digest_id) == (
        Reminder.Status.PENDING,
        1,
        None,
    )
    assert "ConnectionRefusedError" in reminder.last_error
    assert not Digest.objects.exists()


def test_a_process_killed_between_send_and_mark_repeats_its_digest_once(smtp, org, due):
    """The server accepted the e-mail, then the process died before marking it sent: nothing can
    tell the two apart, so it goes once more, as the same message. One repeat per process in
    flight, never more, never under another Message-ID."""
    from datetime import timedelta
    from unittest import mock

    from tests.factories import MembershipFactory

    people = [MembershipFactory(organisation=org).user for _ in range(2)]
    for n, person in enumerate(people):  # two people: two deliveries in flight
        due(person, data=clients(2 * n))
        due(person, data=clients(2 * n + 1))
    with mock.patch.object(delivery, "_digest_finish", side_effect=SystemExit("SIGKILL")):
        calls: list[tuple[int, str]] = []
        with TestCase.captureOnCommitCallbacks(execute=True):
            delivery.reminders_dispatch(enqueue=lambda r, t: calls.append((r, t)))
        for recipient_id, token in calls:
            with pytest.raises(SystemExit):
                delivery.digest_deliver(recipient_id=recipient_id, claim_token=token)
    assert smtp.count == 2  # both e-mails reached the server ...
    assert Reminder.objects.filter(status=Reminder.Status.CLAIMED).count() == 4  # ... unmarked

    # The leases run out; beat's next dispatches recover the rows.
    Reminder.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    for _ in range(3):
        dispatch_and_deliver()

    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 4
    assert set(smtp.received) == set(Digest.objects.values_list("message_id", flat=True))
    # Each e-mail twice, the same reminders both times: the one repeat of each process killed.
    assert all(len(set(copies)) == 1 for copies in smtp.received.values())
    assert {tuple(sorted(copies[0])): len(copies) for copies in smtp.received.values()} == {
        ("C-0", "C-1"): 2,
        ("C-2", "C-3"): 2,
    }
    assert not Digest.objects.exclude(state=Digest.State.SENT).exists()
