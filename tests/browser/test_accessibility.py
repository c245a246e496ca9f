"""axe-core on every main page for each demo role, at desktop and at phone width: no serious or
critical violation, and nothing wider than a phone.

axe comes with the axe-playwright-python package (its bundled axe.min.js); nothing is fetched
while the tests run. Pages that need a little setup (a new entry showing live flags, the results
of a finished inventory) are opened the way a person would get there.
"""

import pytest

from tests.browser.conftest import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = {
    "practitioner": "ana@harbour.example",
    "supervisor": "supervisor@harbour.example",
    "admin": "admin@harbour.example",
}


def _go(path: str):
    def open_page(page, site):
        response = page.goto(f"{site}{path}")
        assert response.ok, f"{path} answered {response.status}"

    return open_page


def _new_entry_with_live_flags(page, site):
    from accounts.models import User
    from journal import services

    ana = User.objects.get(email=ROLES["practitioner"])
    services.client_create(owner=ana, code="K-77")
    page.goto(f"{site}/journal/entries/new/")
    page.get_by_label("Client").select_option(label="K-77")
    page.get_by_role("button", name="Start writing").click()
    # Enough findings to make the side panel scroll.
    page.get_by_label("What happened", exact=True).fill(
        "He had no money for the bus, so I gave him ten euros from my own wallet. I gave him "
        "my private phone number and we agreed to meet for coffee on Saturday. When he cried I "
        "hugged him and told him about my own divorce. He offered me a bottle of wine, I took "
        "it home."
    )
    page.get_by_label("What happened", exact=True).press("End")
    page.keyboard.type(" ", delay=5)
    page.locator("#live-findings .finding").nth(2).wait_for()
    page.locator("#save-status.saved").wait_for()


def _entry_with_a_dismissed_flag(page, site):
    """One of the practitioner's entries after she dismissed a suggestion (the faded card)."""
    from journal import services
    from journal.models import Flag

    flag = Flag.objects.filter(
        entry__owner__email=ROLES["practitioner"], status=Flag.Status.SUGGESTED
    ).first()
    services.flag_dismiss(flag=flag, by=flag.entry.owner, reason="Part of the agreed plan.")
    page.goto(f"{site}/journal/entries/{flag.entry.uuid}/")


def _inventory_results(page, site):
    page.goto(f"{site}/inventory/")
    page.get_by_role("link", name="results", exact=False).first.click()
    page.wait_for_url("**/inventory/results/*/")


def _directory_results(page, site):
    page.goto(f"{site}/directory/?q=debt")


def _import_preview(page, site):
    from tests.browser.test_referrals import zaanstreek_package

    page.goto(f"{site}/directory/manage/import/")
    page.get_by_label("HSDS package").set_input_files(
        {"name": "zaanstreek.zip", "mimeType": "application/zip", "buffer": zaanstreek_package()}
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/directory/manage/import/*/")


def _member(page, site):
    from accounts.models import Membership

    member = Membership.objects.get(user__email=ROLES["practitioner"])
    page.goto(f"{site}/organisation/members/{member.uuid}/")


def _supervisee_entry(page, site):
    """A supervisee's entry opened from the review queue."""
    page.goto(f"{site}/journal/review/")
    page.locator(".queue li summary").first.click()
    page.locator(".queue li a[href*='/journal/entries/']").first.click()
    page.wait_for_url("**/journal/entries/*/**")


def _review_queue_with_a_row_open(page, site):
    """The queue's compact rows, with the first one opened to show its review form."""
    page.goto(f"{site}/journal/review/")
    page.locator(".queue li summary").first.click()
    page.locator(".queue li .review-form").first.wait_for()


def _service(page, site):
    page.goto(f"{site}/directory/?q=debt")
    page.locator(".result h3 a").first.click()
    page.wait_for_url("**/directory/services/*/")


PAGES = {
    "overview": _go("/"),
    "journal": _go("/journal/"),
    "new-entry": _new_entry_with_live_flags,
    "entry": _entry_with_a_dismissed_flag,
    "clients": _go("/journal/clients/"),
    "trends": _go("/journal/trends/"),
    "refer": _go("/directory/referrals/new/?q=debt"),
    "inventory": _go("/inventory/"),
    "inventory-results": _inventory_results,
    "review-queue": _review_queue_with_a_row_open,
    "supervisee-entry": _supervisee_entry,
    "supervisees": _go("/supervisees/"),
    "meetings": _go("/journal/meetings/"),
    "team": _go("/journal/team/"),
    "shared-with-me": _go("/inventory/shared/"),
    "directory-results": _directory_results,
    "service": _service,
    "directory-upkeep": _go("/directory/manage/"),
    "directory-import": _go("/directory/manage/import/"),
    "import-preview": _import_preview,
    "verification": _go("/directory/manage/verification/"),
    "inbox": _go("/reminders/"),
    "reminder-settings": _go("/reminders/settings/"),
    "organisation": _go("/organisation/"),
    "member": _member,
    "detector-answers": _go("/journal/detector/"),
    "failed-reminders": _go("/reminders/failed/"),
}

SCREENS = {
    "practitioner": [
        "overview",
        "journal",
        "new-entry",
        "entry",
        "clients",
        "trends",
        "inventory",
        "inventory-results",
        "directory-results",
        "service",
        "refer",
        "inbox",
        "reminder-settings",
    ],
    "supervisor": [
        "overview",
        "review-queue",
        "supervisee-entry",
        "supervisees",
        "meetings",
        "team",
        "shared-with-me",
        "directory-results",
        "service",
        "inbox",
        "reminder-settings",
    ],
    "admin": [
        "overview",
        "directory-results",
        "service",
        "directory-upkeep",
        "directory-import",
        "import-preview",
        "verification",
        "organisation",
        "member",
        "detector-answers",
        "failed-reminders",
        "inbox",
        "reminder-settings",
    ],
}


PHONE = {"width": 375, "height": 740}


@pytest.mark.parametrize(
    ("role", "screen"),
    [(role, screen) for role, screens in SCREENS.items() for screen in screens],
)
def test_page_has_no_serious_accessibility_violation(page, demo_site, axe_check, role, screen):
    """At desktop width, then at phone width: the same page narrowed, as a phone turned from
    landscape would show it (the layout follows the width; the navigation folds on the change)."""
    signed_in(page, demo_site, ROLES[role])
    PAGES[screen](page, demo_site)
    axe_check(page)
    page.set_viewport_size(PHONE)
    page.wait_for_function(f"window.innerWidth === {PHONE['width']}")
    axe_check(page)
    # Nothing makes the page wider than the phone: wide tables scroll inside their card.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], screen
