"""A practitioner sees a new reminder's badge appear without reloading, opens it, snoozes it."""

import pytest
from django.test import TestCase
from django.urls import reverse

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def deliver_due_at(moment) -> None:
    """One dispatcher run at ``moment``, the deliveries in this process as a worker would."""
    from reminders import delivery

    calls = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        delivery.reminders_dispatch(enqueue=lambda r, t: calls.append((r, t)), now=moment)
    for recipient_id, token in calls:
        delivery.digest_deliver(recipient_id=recipient_id, claim_token=token, now=moment)


def test_new_reminder_badge_appears_then_it_is_opened_and_snoozed(page, site, screenshot, settings):
    from django.utils import timezone

    from accounts.models import User
    from journal import services as journal
    from reminders.models import Reminder
    from reminders.services import snooze_until

    settings.REMINDERS_BADGE_POLL_SECONDS = 1
    ana = User.objects.get(email="ana@harbour.example")
    Reminder.objects.filter(recipient=ana).update(done_at=timezone.now())  # a clean inbox

    sign_in(page, site, "ana@harbour.example")
    badge = page.locator("#reminders-badge")
    badge.wait_for()
    assert page.locator("[data-testid=reminders-unread]").count() == 0

    # A crossing she records now brings a follow-up, delivered when it falls due.
    client = journal.client_create(owner=ana, code="K-77")
    entry = journal.entry_create(owner=ana, client=client)
    journal.flag_report(entry=entry, category="giving_money", note="", by=ana)
    reminder = Reminder.objects.get(recipient=ana, kind="flag_followup", done_at__isnull=True)
    deliver_due_at(reminder.deliver_after)

    # The badge polls: the count appears without a reload.
    page.locator("[data-testid=reminders-unread]", has_text="1").wait_for(timeout=8_000)
    assert page.url == f"{site}/"
    screenshot("reminders-badge", page)

    badge.click()
    page.wait_for_url(f"{site}{reverse('reminders:inbox')}")
    item = page.locator(f"#reminder-{reminder.uuid}")
    assert "Follow up with client K-77" in item.inner_text()
    assert item.locator(".reminder-new").is_visible()
    screenshot("reminders-inbox", page)

    # Opening it leads to the entry and marks it read: the badge empties.
    item.get_by_role("link", name="Follow up with client K-77").click()
    page.wait_for_url(f"{site}{reverse('journal:entry', args=[entry.uuid])}")
    page.locator("#reminders-badge").wait_for()
    assert page.locator("[data-testid=reminders-unread]").count() == 0

    page.goto(f"{site}{reverse('reminders:inbox')}")
    item = page.locator(f"#reminder-{reminder.uuid}")
    assert item.locator(".reminder-new").count() == 0
    item.get_by_role("button", name="Snooze until tomorrow").click()
    page.get_by_text("Snoozed until").wait_for()
    assert page.locator(f"#reminder-{reminder.uuid}").count() == 0
    screenshot("reminders-snoozed", page)

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING
    # Back at the start of her next working day, not at midnight.
    assert reminder.deliver_after == snooze_until(user=ana, choice="tomorrow")
    assert timezone.localtime(reminder.deliver_after, ana.tzinfo).hour >= 7

    # Her settings: which kinds by which channel, the digest window, the calendar feed.
    page.goto(f"{site}{reverse('reminders:settings')}")
    page.get_by_role("button", name="Switch the feed on").click()
    assert "/reminders/calendar/" in page.get_by_label("Your private address").input_value()
    screenshot("reminders-settings", page)
