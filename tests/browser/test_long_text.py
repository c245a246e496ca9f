"""Text people write, however long its words, and long headings in German never widen a page:
no sideways scrolling on a desktop nor on a phone."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import choose_language, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

WORD = "x" * 2000
WIDTH = "document.documentElement.scrollWidth"


def _page(browser, width: int, locale: str = "en-GB"):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.mark.parametrize("width", [1280, 375])
def test_a_referral_and_an_entry_with_an_unbroken_word_fit_the_screen(browser, site, demo, width):
    from directory.models import Organization, Service
    from referrals.services import referral_create
    from tests.factories import EntryFactory

    entry = EntryFactory(owner=demo.ana, client__code="K-40", notes=f"Before {WORD} after.")
    agency = Organization.objects.create(owner=demo.harbour, hsds_id="o-lw", name="Lange Woorden")
    service = Service.objects.create(
        owner=demo.harbour,
        hsds_id="s-lw",
        organization=agency,
        name="Schuldhulp Lange Woorden",
        status="active",
        assured_date=timezone.localdate(),
    )
    referral = referral_create(
        by=demo.ana,
        client=entry.client,
        service=service,
        reason=WORD,
        client_consented=True,
        follow_up_on=timezone.localdate(),
        entry=entry,
    )
    context, page = _page(browser, width)
    signed_in(page, site, "ana@harbour.example")
    for url in [
        reverse("referrals:referral_detail", args=[referral.uuid]),
        reverse("journal:entry", args=[entry.uuid]),
        reverse("journal:entries"),
    ]:
        page.goto(f"{site}{url}")
        assert page.get_by_text(WORD[:50], exact=False).first.is_visible(), url
        assert page.evaluate(WIDTH) <= width, (url, page.evaluate(WIDTH))
    context.close()


SPACING = """() => {
  const box = selector => document.querySelector(selector).getBoundingClientRect();
  const card = getComputedStyle(document.querySelector('.directory-search'));
  const inside = box('.directory-search').bottom - parseFloat(card.paddingBottom)
    - parseFloat(card.borderBottomWidth);
  return {
    underTheButton: box('p.lead').top - box('.section-head .actions').bottom,
    underTheSearch: inside - box('.directory-search button').bottom,
  };
}"""


def test_the_directory_in_german_fits_a_phone(browser, site):
    context, page = _page(browser, 375)
    signed_in(page, site, "ana@harbour.example")
    page.goto(f"{site}/")
    choose_language(page, "de")
    page.goto(f"{site}/directory/")
    assert "Vermittlungsverzeichnis" in page.locator("h1").inner_text().replace("\u00ad", "")
    assert page.evaluate(WIDTH) <= 375
    # The button under the heading keeps a space above the text below it, and the search card
    # ends with its button (no empty line kept for the hidden "Suche …").
    spacing = page.evaluate(SPACING)
    assert spacing["underTheButton"] >= 6 and spacing["underTheSearch"] <= 2, spacing
    context.close()
