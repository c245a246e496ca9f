"""The README's screenshots, taken from the seeded demo as someone trying Limen sees it.

Only with ``LIMEN_SCREENSHOTS=1`` (``make screenshots``): the pictures are committed under
docs/screenshots/ and change only when someone means them to. The journeys and the axe checks
test these pages on every run; this file only looks at them.
"""

import os

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.browser.conftest import README_SCREENSHOTS, sign_in
from tests.browser.test_accessibility import (
    _inventory_results,
    _new_entry_with_live_flags,
    _review_queue_with_a_row_open,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("LIMEN_SCREENSHOTS") != "1",
        reason="README screenshots are taken with LIMEN_SCREENSHOTS=1 (make screenshots)",
    ),
]


def _save(page, name: str) -> None:
    README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(README_SCREENSHOTS / f"{name}.png"), animations="disabled", caret="hide"
    )


@pytest.fixture
def wide(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_readme_screenshots(wide, demo_site):
    page = wide
    sign_in(page, demo_site, "ana@harbour.example", DEMO_PASSWORD)
    _new_entry_with_live_flags(page, demo_site)
    assert page.locator("#live-findings .finding").count() >= 3
    _save(page, "journal-live-flags")

    page.goto(f"{demo_site}/directory/?q=debt")
    assert page.locator(".result").count() >= 1
    _save(page, "directory-search")

    _inventory_results(page, demo_site)
    assert page.locator("svg[role=img]").count() >= 1
    _save(page, "inventory-results")

    page.context.clear_cookies()
    sign_in(page, demo_site, "supervisor@harbour.example", DEMO_PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 1180})  # the open row and the rows below it
    _review_queue_with_a_row_open(page, demo_site)
    assert page.locator(".queue li").count() >= 2
    _save(page, "review-queue")
