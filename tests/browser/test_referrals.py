"""An admin imports a directory; a practitioner finds a Dutch-speaking domestic-violence service
from a journal entry and refers the client."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from directory import categories
from tests.browser.conftest import sign_in, signed_in
from tests.directory.conftest import package_zip

pytestmark = pytest.mark.django_db(transaction=True)

SERVICE = "Steunpunt Huiselijk Geweld Zaanstreek"
ENGLISH_ONLY = "Domestic Abuse Helpline Zaandam"


def ident(n: int) -> str:
    return f"a0000000-0000-4000-8000-{n:012x}"


def zaanstreek_package() -> bytes:
    """Two domestic-violence services in Zaandam: one speaks Dutch and Polish, one English."""
    org, dutch, english, loc = (ident(n) for n in range(1, 5))
    verified = (timezone.localdate() - timedelta(days=3)).isoformat()
    dv = categories.category_id("domestic_violence")
    return package_zip(
        {
            "organizations.csv": [{"id": org, "name": "Stichting Zaanse Veiligheid"}],
            "services.csv": [
                {
                    "id": dutch,
                    "organization_id": org,
                    "name": SERVICE,
                    "description": "Advies en opvang bij huiselijk geweld, dag en nacht.",
                    "status": "active",
                    "eligibility_description": "Iedereen in de Zaanstreek.",
                    "application_process": "Bel de intakelijn; ook anoniem.",
                    "assured_date": verified,
                    "assurer_email": "admin@harbour.example",
                },
                {
                    "id": english,
                    "organization_id": org,
                    "name": ENGLISH_ONLY,
                    "description": "Advice on domestic abuse for English speakers.",
                    "status": "active",
                    "assured_date": verified,
                },
            ],
            "locations.csv": [
                {
                    "id": loc,
                    "location_type": "physical",
                    "name": "Intakepunt Zaandam",
                    "organization_id": org,
                }
            ],
            "service_at_location.csv": [
                {"id": ident(0x05), "service_id": dutch, "location_id": loc},
                {
                    "id": ident(0x06),
                    "service_id": english,
                    "location_id": loc,
                },
            ],
            "addresses.csv": [
                {
                    "id": ident(0x07),
                    "location_id": loc,
                    "address_1": "Westzijde 12",
                    "city": "Zaandam",
                    "postal_code": "1506 EE",
                    "state_province": "Noord-Holland",
                    "country": "NL",
                    "address_type": "physical",
                }
            ],
            "phones.csv": [
                {"id": ident(0x08), "service_id": dutch, "number": "075 555 0100"},
                {"id": ident(0x09), "service_id": english, "number": "075 555 0199"},
            ],
            "languages.csv": [
                {"id": ident(0x0A), "service_id": dutch, "code": "nl", "name": "Dutch"},
                {"id": ident(0x0B), "service_id": dutch, "code": "pl", "name": "Polish"},
                {"id": ident(0x0C), "service_id": english, "code": "en", "name": "English"},
            ],
            "schedules.csv": [
                {
                    "id": ident(0x0D),
                    "service_id": dutch,
                    "freq": "WEEKLY",
                    "byday": "MO,TU,WE,TH,FR,SA,SU",
                    "opens_at": "00:00:00",
                    "closes_at": "23:59:59",
                }
            ],
            "attributes.csv": [
                {
                    "id": ident(0x0E),
                    "link_id": dutch,
                    "link_entity": "service",
                    "taxonomy_term_id": dv,
                },
                {
                    "id": ident(0x0F),
                    "link_id": english,
                    "link_entity": "service",
                    "taxonomy_term_id": dv,
                },
            ],
        }
    )


INDICATOR_VISIBILITY = "getComputedStyle(document.querySelector('#search-indicator')).visibility"
# Rows of the page's tables whose cells are not all table cells as tall as their row (a cell
# made a flex box falls out of the table: its borders and background stop short).
CELLS_SHORT_OF_THEIR_ROW = """() => Array.from(document.querySelectorAll('table.table tbody tr'))
  .filter(row => Array.from(row.cells).some(cell =>
    getComputedStyle(cell).display !== 'table-cell'
    || Math.abs(cell.getBoundingClientRect().height - row.getBoundingClientRect().height) > 1))
  .map(row => row.innerText)"""


def test_admin_imports_and_practitioner_refers_from_a_journal_entry(
    browser, site, demo, screenshot, tmp_path
):
    from directory.models import Service
    from referrals.models import Referral
    from reminders.models import Reminder
    from tests.factories import EntryFactory, ServiceFactory

    EntryFactory(owner=demo.ana, client__code="K-17", notes="First session: debts and letters.")
    # Its "Do not refer" badge wraps under its status: the row is taller than the others.
    ServiceFactory(owner=demo.harbour, do_not_refer=True, do_not_refer_reason="Waiting list.")
    package = tmp_path / "zaanstreek.zip"
    package.write_bytes(zaanstreek_package())

    admin = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = admin.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, site, "admin@harbour.example")
    page.get_by_role("link", name="Directory upkeep").click()
    screenshot("referrals-manage", page)
    page.get_by_role("navigation", name="Directory maintenance").get_by_role(
        "link", name="Import"
    ).click()
    page.get_by_label("HSDS package").set_input_files(str(package))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/directory/manage/import/*/")
    preview = page.locator("table.counts")
    assert "What the import will do" in preview.inner_text()
    assert "services.csv\t2\t2\t0\t0" in preview.inner_text()
    assert not Service.objects.filter(name=SERVICE).exists()
    screenshot("referrals-import-preview", page)
    page.get_by_role("button", name="Import into the directory").click()
    page.get_by_text("The directory was imported.").wait_for()
    assert "What was imported" in page.locator("table.counts").inner_text()
    screenshot("referrals-import-done", page)
    page.get_by_role("navigation", name="Directory maintenance").get_by_role(
        "link", name="Services"
    ).click()
    page.locator("table.table", has_text=SERVICE).wait_for()
    assert page.evaluate(CELLS_SHORT_OF_THEIR_ROW) == []
    # Every field of the service form is styled alike, the website (type=url) too.
    page.get_by_role("link", name=f"Edit {SERVICE}").click()
    heights = {
        label: page.get_by_label(label, exact=True).bounding_box()["height"]
        for label in ("Name of the service", "Website", "E-mail", "Phone")
    }
    assert len(set(heights.values())) == 1 and heights["Website"] > 30, heights
    admin.close()

    practitioner = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = practitioner.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, site, "ana@harbour.example")
    page.get_by_role("link", name="Journal").click()
    page.locator(".entry-row", has_text="K-17").first.get_by_role("link").first.click()
    page.wait_for_url("**/journal/entries/*/")
    page.get_by_role("link", name="Refer the client").click()
    page.wait_for_url("**/directory/referrals/new/?entry=*")
    assert "K-17" in page.locator("h1").inner_text()

    url_before = page.url
    # While the search runs (its answer held back here), "Searching…" shows by the count.
    held = []
    page.route(
        lambda url: "q=huiselijk" in url,
        lambda route: route.continue_() if held else held.append(route),
    )
    page.get_by_label("What does your client need?").press_sequentially("huiselijk", delay=20)
    page.wait_for_function(f"() => {INDICATOR_VISIBILITY} === 'visible'")
    assert "Searching…" in page.locator("#results p").first.inner_text()
    held[0].continue_()
    page.locator("#results", has_text=SERVICE).wait_for()
    page.wait_for_function(f"() => {INDICATOR_VISIBILITY} === 'hidden'")
    page.get_by_label("Category").select_option(label="Domestic violence")
    page.get_by_label("Language spoken").select_option(label="Dutch")
    page.locator("#results", has_not_text=ENGLISH_ONLY).wait_for()
    texts = page.locator("#results .result").all_inner_texts()
    assert any(SERVICE in text for text in texts)
    assert all("Domestic violence" in text and "NL" in text for text in texts)
    assert page.url.startswith(url_before.split("?")[0])
    # htmx adds no inline style the Content-Security-Policy would refuse (its indicator styles
    # are off, limen.css has them).
    assert not [error for error in errors if "Content Security Policy" in error], errors
    screenshot("referrals-pick", page)

    page.locator(".result", has_text=SERVICE).get_by_role("link", name="Refer here").click()
    # Sent with nothing filled in, the form comes back with focus on its first field in error.
    page.get_by_role("button", name="Record the referral").click()
    # The page's script runs once the page is parsed (defer): wait for it, then look.
    expect(page.locator("[aria-invalid=true]").first).to_be_focused()
    assert page.evaluate("document.activeElement.labels[0].textContent") == (
        "Reason for the referral"
    )
    page.get_by_label("Reason for the referral").fill(
        "Violence at home; wants advice on a safe place to stay."
    )
    page.get_by_label("The client agreed to this referral").check()
    follow_up = timezone.localdate() + timedelta(days=7)
    page.get_by_label("Follow up on").fill(follow_up.isoformat())
    screenshot("referrals-form", page)
    page.get_by_role("button", name="Record the referral").click()
    page.get_by_text("The referral was recorded.").wait_for()
    assert SERVICE in page.locator("h1").inner_text()
    screenshot("referrals-detail", page)

    referral = Referral.objects.get(service__name=SERVICE)
    assert referral.client.code == "K-17" and referral.entry is not None
    assert referral.client_consented and referral.follow_up_on == follow_up
    reminder = Reminder.objects.get(about=referral.about)
    assert reminder.kind == "referral_followup" and reminder.status == "pending"

    page.get_by_label("accepted by the service").check()
    page.get_by_role("button", name="Record the outcome").click()
    page.get_by_text("The outcome was recorded.").wait_for()
    reminder.refresh_from_db()
    assert reminder.status == "cancelled"
    practitioner.close()


def test_back_and_send_again_records_the_referral_once(browser, site, demo, screenshot):
    """The form page is never cached, so Back loads it anew (with a new form token) while
    Chromium puts the typed text back: sending it again lands on the referral made first."""
    from directory.models import Organization, Service
    from referrals.models import Referral
    from tests.factories import EntryFactory

    entry = EntryFactory(owner=demo.ana, client__code="K-21")
    agency = Organization.objects.create(owner=demo.harbour, hsds_id="o-zw", name="Zaanse Wegen")
    service = Service.objects.create(
        owner=demo.harbour,
        hsds_id="s-zw",
        organization=agency,
        name=SERVICE,
        status="active",
        assured_date=timezone.localdate(),
    )
    for width in (1280, 375):
        context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, site, "ana@harbour.example")
        page.goto(f"{site}/directory/referrals/new/?service={service.uuid}&entry={entry.uuid}")
        reason = f"Violence at home; needs a safe place to stay ({width})."
        page.get_by_label("Reason for the referral").fill(reason)
        page.get_by_label("The client agreed to this referral").check()
        page.get_by_role("button", name="Record the referral").click()
        page.get_by_text("The referral was recorded.").wait_for()
        first = page.url

        page.go_back()
        page.get_by_role("button", name="Record the referral").wait_for()
        assert page.get_by_label("Reason for the referral").input_value() in ("", reason)
        # Whether or not this Chromium restored the text, the practitioner sends the same again.
        page.get_by_label("Reason for the referral").fill(reason)
        page.get_by_label("The client agreed to this referral").check()
        page.get_by_role("button", name="Record the referral").click()
        page.get_by_text("nothing was recorded twice").wait_for()
        assert page.url == first
        assert Referral.objects.filter(reason=reason).count() == 1
        screenshot(f"referrals-sent-twice-{width}", page)
        context.close()


def test_paging_the_directory_by_keyboard_moves_to_the_new_results(page, demo_site):
    """ "Next" swaps the results in place; the link pressed goes with the old page, so the view
    and focus move to the new results instead of falling back to the start of the page."""
    signed_in(page, demo_site, "ana@harbour.example")
    page.goto(f"{demo_site}/directory/")
    first = page.locator(".result h3 a").first.inner_text()
    page.get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2**")
    expect(page.locator("#results-heading")).to_be_focused()
    assert page.locator(".result h3 a").first.inner_text() != first
    assert page.evaluate("document.getElementById('results').getBoundingClientRect().top") < 200
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.result') !== null")
