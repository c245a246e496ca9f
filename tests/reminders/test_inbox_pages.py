"""The inbox at size: a page at a time, each item's links and actions still right, and the same
number of queries whether the inbox holds a few reminders or hundreds."""

import pytest
from django.urls import reverse

from reminders.models import Delivery, Reminder
from reminders.selectors import INBOX_PAGE_SIZE
from tests.reminders.conftest import make_reminder

pytestmark = pytest.mark.django_db

# User with membership (admins' failed count), the reminders waiting for working hours,
# the page's count, the page of reminders.
QUERIES_INBOX = 4


def _delivered(recipient, n: int) -> list[Reminder]:
    reminders = [make_reminder(recipient, status=Reminder.Status.SENT) for _ in range(n)]
    Delivery.objects.bulk_create(
        Delivery(reminder=r, channel=Delivery.Channel.IN_APP) for r in reminders
    )
    return reminders


def test_inbox_shows_one_page_at_a_time(client, practitioner):
    reminders = _delivered(practitioner, INBOX_PAGE_SIZE + 3)
    client.force_login(practitioner)
    first = client.get(reverse("reminders:inbox")).content.decode()
    second = client.get(reverse("reminders:inbox"), {"page": 2}).content.decode()
    assert first.count('class="reminder-item') == INBOX_PAGE_SIZE
    assert second.count('class="reminder-item') == 3
    assert "Page 1 of 2" in first and "page=2" in first
    shown = {str(r.uuid) for r in reminders if str(r.uuid) in first + second}
    assert len(shown) == len(reminders)


def test_each_item_links_to_its_own_actions(client, practitioner):
    (reminder,) = _delivered(practitioner, 1)
    client.force_login(practitioner)
    body = client.get(reverse("reminders:inbox")).content.decode()
    assert f'href="{reverse("reminders:open", args=[reminder.uuid])}"' in body
    assert f'action="{reverse("reminders:done", args=[reminder.uuid])}"' in body
    assert body.count(f'hx-post="{reverse("reminders:snooze", args=[reminder.uuid])}"') == 2
    assert "Snooze until next week" in body


def test_inbox_speaks_the_readers_language(client, practitioner):
    practitioner.language = "nl"
    practitioner.save(update_fields=["language"])
    _delivered(practitioner, 2)
    client.force_login(practitioner)
    body = client.get(reverse("reminders:inbox"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Tot morgen uitstellen" in body and "Snooze until tomorrow" not in body


@pytest.mark.parametrize("n", [3, 60])
def test_inbox_queries_do_not_grow_with_reminders(
    client, practitioner, django_assert_num_queries, n
):
    _delivered(practitioner, n)
    client.force_login(practitioner)
    with django_assert_num_queries(QUERIES_INBOX):
        assert client.get(reverse("reminders:inbox")).status_code == 200
