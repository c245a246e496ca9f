"""Claiming, sweeping, digests, retries: the outbox's promises, on the default database."""

import uuid
from datetime import timedelta
from smtplib import SMTPDataError
from unittest import mock

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from reminders import delivery
from reminders.models import Delivery, Digest, Reminder
from reminders.registry import kind_codes
from reminders.services import preference_update
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def dispatch_and_deliver() -> list[tuple[int, str]]:
    """One dispatcher run with deliveries run in-process, as the worker would."""
    calls: list[tuple[int, str]] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        delivery.reminders_dispatch(enqueue=lambda r, t: calls.append((r, t)))
    for recipient_id, token in calls:
        delivery.digest_deliver(recipient_id=recipient_id, claim_token=token)
    return calls


def test_claim_takes_due_rows_only(practitioner, due):
    ready = due(practitioner)
    later = due(practitioner, minutes_ago=-30)
    token, recipients = delivery.reminders_claim_due()
    assert recipients == [practitioner.pk]
    ready.refresh_from_db()
    later.refresh_from_db()
    assert (ready.status, ready.claim_token) == (Reminder.Status.CLAIMED, token)
    assert later.status == Reminder.Status.PENDING


def test_cas_claim_never_takes_a_row_twice(practitioner, due):
    rows = [due(practitioner) for _ in range(5)]
    first, _ = delivery.reminders_claim_due()
    second, recipients = delivery.reminders_claim_due()
    assert recipients == []
    assert Reminder.objects.filter(claim_token=first).count() == 5
    assert not Reminder.objects.filter(claim_token=second).exists()
    assert {r.pk for r in rows} == set(Reminder.objects.values_list("pk", flat=True))


def test_cas_claim_skips_a_row_taken_in_between(practitioner, due):
    """A second dispatcher wins a row after our SELECT: our UPDATE does not count it."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the compare-and-swap path is the SQLite one")
    taken, mine = due(practitioner), due(practitioner)
    real_update = Reminder.objects.filter(pk=taken.pk).update

    original = delivery.Reminder.objects.filter

    def racing_filter(*args, **kwargs):
        if "pk__in" in kwargs and "status" in kwargs:
            real_update(status=Reminder.Status.CLAIMED, claim_token=uuid.uuid4())
        return original(*args, **kwargs)

    with mock.patch.object(delivery.Reminder.objects, "filter", side_effect=racing_filter):
        token, _ = delivery.reminders_claim_due()
    assert list(Reminder.objects.filter(claim_token=token)) == [mine]


def test_sweep_returns_abandoned_claims_only(practitioner, due):
    old = due(practitioner, status=Reminder.Status.CLAIMED, claim_token=uuid.uuid4())
    fresh = due(practitioner, status=Reminder.Status.CLAIMED, claim_token=uuid.uuid4())
    now = timezone.now()
    Reminder.objects.filter(pk=old.pk).update(claimed_until=now - timedelta(seconds=1))
    Reminder.objects.filter(pk=fresh.pk).update(claimed_until=now + timedelta(seconds=1))
    assert delivery.reminder_claims_sweep() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.claim_token) == (Reminder.Status.PENDING, None)
    assert fresh.status == Reminder.Status.CLAIMED


def test_three_due_reminders_make_one_email(practitioner, due):
    for _ in range(3):
        due(practitioner)
    calls = dispatch_and_deliver()
    assert len(calls) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Limen: 3 reminders"
    assert message.body.count("Follow up with client C-17") == 3
    assert "http://testserver" not in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 3
    assert Delivery.objects.filter(channel="email").count() == 3
    assert Delivery.objects.filter(channel="in_app").count() == 3
    assert Digest.objects.get().state == Digest.State.SENT


def test_a_backlog_larger_than_a_batch_still_makes_one_email_per_person(
    org, practitioner, due, monkeypatch
):
    monkeypatch.setattr(delivery, "CLAIM_BATCH", 3)
    other = MembershipFactory(organisation=org).user
    for n in range(4):  # interleaved, so each batch holds rows of both people
        due(practitioner, data={"client": f"C-{n}", "session": "2026-03-02"})
        due(other, data={"client": f"C-{10 + n}", "session": "2026-03-02"})
    calls = dispatch_and_deliver()
    assert len(calls) == 2
    assert len({token for _recipient, token in calls}) == 1
    assert sorted(len(m.to) for m in mail.outbox) == [1, 1]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([practitioner.email, other.email])
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 8


def test_two_people_get_one_email_each(org, practitioner, due):
    other = MembershipFactory(organisation=org).user
    due(practitioner)
    due(other)
    due(other)
    dispatch_and_deliver()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([practitioner.email, other.email])


def test_email_speaks_the_recipients_language(practitioner, due, settings):
    settings.SITE_URL = "https://limen.example"
    practitioner.language = "nl"
    practitioner.save()
    due(practitioner, link="/journal/entries/abc/")
    dispatch_and_deliver()
    message = mail.outbox[0]
    assert message.subject == "Limen: 1 herinnering"
    assert "Volg cliënt C-17 op na het gesprek van" in message.body
    assert "https://limen.example/journal/entries/abc/" in message.body
    assert 'lang="nl"' in message.alternatives[0][0]


def test_message_id_is_deterministic_and_in_the_header(practitioner, due):
    rows = [due(practitioner) for _ in range(3)]
    first = delivery.digest_message_id(practitioner, rows)
    assert first == delivery.digest_message_id(practitioner, list(reversed(rows)))
    assert first != delivery.digest_message_id(practitioner, rows[:2])
    dispatch_and_deliver()
    assert mail.outbox[0].extra_headers["Message-ID"] == first
    assert mail.outbox[0].message()["Message-ID"] == first


def test_digest_is_committed_before_sending(practitioner, due):
    due(practitioner)
    seen = []

    def check_then_send(self, *args, **kwargs):
        seen.append(list(Digest.objects.values_list("state", flat=True)))
        return 1

    with mock.patch("django.core.mail.EmailMessage.send", check_then_send):
        dispatch_and_deliver()
    assert seen == [[Digest.State.SENDING]]


def test_digest_left_sending_by_a_crash_is_resent_whole_with_the_same_message_id(practitioner, due):
    a, b = due(practitioner), due(practitioner)
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=SystemExit("killed")),
        pytest.raises(SystemExit),
    ):
        dispatch_and_deliver()
    digest = Digest.objects.get()
    assert digest.state == Digest.State.SENDING
    # The sweep hands the rows back once the lease runs out; a new reminder is due by then.
    Reminder.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    c = due(practitioner)
    dispatch_and_deliver()
    assert len(mail.outbox) == 2
    resent, fresh = mail.outbox
    assert resent.extra_headers["Message-ID"] == digest.message_id
    assert resent.subject == "Limen: 2 reminders"
    assert fresh.subject == "Limen: 1 reminder"
    assert {a.pk, b.pk} == set(
        Digest.objects.get(pk=digest.pk).reminders.values_list("pk", flat=True)
    )
    assert Reminder.objects.get(pk=c.pk).digest_id != digest.pk
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 3


def test_an_old_task_finding_its_rows_gone_does_nothing(practitioner, due):
    due(practitioner)
    calls = dispatch_and_deliver()
    recipient_id, token = calls[0]
    assert delivery.digest_deliver(recipient_id=recipient_id, claim_token=token) == 0
    assert delivery.digest_deliver(recipient_id=999999, claim_token=token) == 0
    assert delivery.digest_deliver(recipient_id=recipient_id, claim_token="nonsense") == 0
    assert len(mail.outbox) == 1


def test_smtp_refusal_backs_off_exponentially_then_fails(practitioner, due):
    reminder = due(practitioner)
    refusal = SMTPDataError(451, b"try again later")
    delays = []
    # Someone without working hours: the back-off alone decides (hours are tested elsewhere).
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=refusal),
        mock.patch("reminders.planning.working_hours_of", return_value={}),
    ):
        for attempt in range(1, 7):
            before = timezone.now()
            dispatch_and_deliver()
            reminder.refresh_from_db()
            assert reminder.attempts == attempt
            assert "451" in reminder.last_error
            if attempt < 6:
                assert reminder.status == Reminder.Status.PENDING
                delays.append(round((reminder.deliver_after - before).total_seconds() / 60))
                Reminder.objects.filter(pk=reminder.pk).update(deliver_after=timezone.now())
    assert reminder.status == Reminder.Status.FAILED
    assert delays == [1, 2, 4, 8, 16]
    assert not Digest.objects.exists()
    assert Delivery.objects.filter(channel="in_app").count() == 1


def test_retry_delay_doubles():
    assert [delivery.retry_delay(n).total_seconds() / 60 for n in range(1, 6)] == [1, 2, 4, 8, 16]


def test_unsubscribe_link_is_signed_and_names_the_kind(practitioner, due, client):
    due(practitioner)
    dispatch_and_deliver()
    body = mail.outbox[0].body
    url = next(word for word in body.split() if "/reminders/unsubscribe/" in word)
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get(f"/{path}")
    assert response.status_code == 200
    assert client.post(f"/{path}").status_code == 200
    from reminders.selectors import preference_of

    assert preference_of(practitioner).email_off == ["flag_followup"]
    tampered = f"/{path[:-3]}xyz/"
    assert client.get(tampered).status_code == 404


def test_email_preference_is_honoured_and_in_app_still_delivered(practitioner, due):
    kinds = kind_codes()
    preference_update(
        user=practitioner,
        email_kinds=[k for k in kinds if k != "flag_followup"],
        in_app_kinds=kinds,
        window="window",
    )
    due(practitioner)
    due(practitioner, kind="inventory_retake", data={"completed": "2026-01-01"})
    dispatch_and_deliver()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Limen: 1 reminder"
    assert "self-inventory" in mail.outbox[0].body
    assert Delivery.objects.filter(channel="in_app").count() == 2
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 2


def test_in_app_preference_is_honoured(practitioner, due):
    preference_update(user=practitioner, email_kinds=kind_codes(), in_app_kinds=[], window="window")
    due(practitioner)
    dispatch_and_deliver()
    assert len(mail.outbox) == 1
    assert not Delivery.objects.filter(channel="in_app").exists()


def test_daily_window_delays_to_the_next_working_morning(practitioner):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from reminders.planning import deliver_after_for

    ams = ZoneInfo("Europe/Amsterdam")
    wednesday_eleven = datetime(2026, 3, 4, 11, 0, tzinfo=ams)
    assert deliver_after_for(practitioner, wednesday_eleven) == wednesday_eleven
    preference_update(user=practitioner, email_kinds=[], in_app_kinds=[], window="daily")
    assert deliver_after_for(practitioner, wednesday_eleven) == datetime(
        2026, 3, 5, 9, 0, tzinfo=ams
    )


def test_broker_down_releases_the_claim_at_once(practitioner, due):
    due(practitioner)

    def broker_down(recipient_id, token):
        raise ConnectionError("redis is gone")

    with TestCase.captureOnCommitCallbacks(execute=True):
        delivery.reminders_dispatch(enqueue=broker_down)
    assert Reminder.objects.get().status == Reminder.Status.PENDING


def test_a_message_that_cannot_be_written_counts_as_an_attempt(practitioner, due):
    """Nothing reached the server: the attempt is counted (and after six shown to admins)
    rather than the delivery crashing and waiting for its lease to run out, again and again."""
    reminder = due(practitioner)
    with mock.patch.object(delivery, "digest_message", side_effect=ValueError("bad template")):
        dispatch_and_deliver()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.digest_id) == (
        Reminder.Status.PENDING,
        1,
        None,
    )
    assert "bad template" in reminder.last_error
    assert not Digest.objects.exists()
