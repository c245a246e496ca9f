"""On PostgreSQL, two dispatchers on two connections never claim the same row."""

import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from reminders import delivery
from reminders.models import Reminder
from tests.factories import MembershipFactory
from tests.reminders.conftest import make_reminder

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_thread(target):
    def run(*args):
        try:
            target(*args)
        finally:
            connection.close()

    return run


def test_a_locked_batch_is_skipped_by_the_second_dispatcher(postgres):
    user = MembershipFactory().user
    for _ in range(10):
        make_reminder(user)
    holding, release = threading.Event(), threading.Event()
    results = {}

    @in_thread
    def first():
        with transaction.atomic():
            results["first"] = delivery.reminders_claim_due(limit=6)
            holding.set()
            release.wait(30)

    @in_thread
    def second():
        holding.wait(30)
        with transaction.atomic():
            results["second"] = delivery.reminders_claim_due()
        release.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    first_token, second_token = results["first"][0], results["second"][0]
    assert Reminder.objects.filter(claim_token=first_token).count() == 6
    # The six locked rows were skipped, not waited for and not taken again.
    assert Reminder.objects.filter(claim_token=second_token).count() == 4


def test_racing_dispatchers_split_the_rows_without_overlap(postgres):
    users = [MembershipFactory().user for _ in range(5)]
    rows = [make_reminder(users[i % 5]) for i in range(400)]
    tokens: list = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    @in_thread
    def dispatcher():
        start.wait(30)
        while True:
            with transaction.atomic():
                token, recipients = delivery.reminders_claim_due(limit=25)
            if not recipients:
                return
            with lock:
                tokens.append(token)

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    claimed = Counter(Reminder.objects.values_list("claim_token", flat=True))
    assert None not in claimed
    assert sum(claimed.values()) == len(rows)
    assert set(claimed) == set(tokens)
    assert all(count <= 25 for count in claimed.values())
