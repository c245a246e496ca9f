"""A practitioner's crossing travels through the journal to supervision and back."""

import pytest

from journal import services
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_slip_is_flagged_live_confirmed_reviewed_and_read_back(browser, site, screenshot):
    from accounts.models import User

    ana = User.objects.get(email="ana@harbour.example")
    services.client_create(owner=ana, code="K-42")

    practitioner = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = practitioner.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, site, "ana@harbour.example")
    page.get_by_role("link", name="Journal").click()
    page.get_by_role("link", name="New session entry").click()
    page.get_by_label("Client").select_option(label="K-42")
    page.get_by_role("button", name="Start writing").click()

    page.wait_for_selector("#live-findings")
    url_before = page.url
    page.get_by_label("What happened", exact=True).press_sequentially(
        "He had no money for the bus, so I gave him ten euros from my own wallet.", delay=5
    )
    finding = page.locator("#live-findings .finding").first
    finding.wait_for()
    assert "Giving money" in finding.inner_text()
    assert page.url == url_before  # no page load
    page.locator("#save-status.saved").wait_for()
    screenshot("journal-live-flag", page)

    page.get_by_role("button", name="Save and check for crossings").click()
    page.wait_for_url("**/journal/entries/*/")
    card = page.locator(".flag-card").first
    assert "suggested" in card.inner_text()
    screenshot("journal-entry-suggested", page)
    card.get_by_role("button", name="Yes, bring it to supervision").click()
    page.locator(".flag-card.status-confirmed").wait_for()
    practitioner.close()

    supervisor = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = supervisor.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, site, "supervisor@harbour.example")
    page.get_by_role("link", name="Review queue").click()
    item = page.locator(".queue li", has_text="K-42")
    assert "giving money" in item.inner_text().lower()
    screenshot("journal-review-queue", page)
    item.get_by_label("Crossing to watch").check()
    item.get_by_label("Comment for the practitioner").fill(
        "Let's look at the travel fund together."
    )
    item.get_by_role("button", name="Save review").click()
    page.get_by_text("Review saved").wait_for()
    screenshot("journal-reviewed", page)
    supervisor.close()

    practitioner = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = practitioner.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, site, "ana@harbour.example")
    page.get_by_role("link", name="Journal").click()
    page.locator(".entry-row", has_text="K-42").get_by_role("link").click()
    review = page.locator(".flag-card .review")
    assert "Crossing to watch" in review.inner_text()
    assert "travel fund" in review.inner_text()
    assert "Sara Jansen" in page.locator(".flag-card").first.inner_text()
    screenshot("journal-practitioner-sees-review", page)
    practitioner.close()
