"""Each demo role signs in and sees the navigation their roles allow; the language switches.

Only the navigation check signs in through the form; the other checks of the page's frame start
signed in (``signed_in``)."""

import pytest

from tests.browser.conftest import choose_language, sign_in, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

NAVIGATION = {
    "ana@harbour.example": ["Overview", "Journal", "Self-inventory", "Directory", "Meetings"],
    "supervisor@harbour.example": [
        "Overview",
        "Directory",
        "Review queue",
        "Supervisees",
        "Meetings",
        "Shared with me",
    ],
    "admin@harbour.example": ["Overview", "Directory", "Directory upkeep", "Organisation"],
    "admin@lindenhof.example": ["Overview", "Directory", "Directory upkeep", "Organisation"],
}


@pytest.mark.parametrize("email", sorted(NAVIGATION))
def test_each_role_sees_its_navigation(page, site, screenshot, email):
    sign_in(page, site, email)
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link").all_inner_texts() == NAVIGATION[email]
    screenshot(f"shell-{email.split('@')[0]}-{email.split('@')[1].split('.')[0]}")


@pytest.mark.parametrize("email", ["supervisor@harbour.example", "ana@harbour.example"])
def test_meetings_are_one_click_away_and_marked_as_the_current_page(page, site, email):
    signed_in(page, site, email)
    page.goto(f"{site}/")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Meetings").click()
    page.wait_for_url(f"{site}/journal/meetings/")
    assert page.get_by_role("heading", level=1).inner_text() == "Supervision meetings"
    current = nav.locator("[aria-current=page]")
    assert current.all_inner_texts() == ["Meetings"]


def test_admin_sees_only_their_own_organisation(page, site, screenshot):
    signed_in(page, site, "admin@lindenhof.example")
    page.goto(f"{site}/")
    page.get_by_role("link", name="Organisation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Lindenhof Coaching"
    table = page.locator("#members")
    assert "chloe@lindenhof.example" in table.inner_text()
    assert "harbour" not in table.inner_text()
    page.get_by_label("Find a member").fill("daan")
    page.wait_for_function("() => !document.querySelector('#members').innerText.includes('chloe@')")
    assert "daan@lindenhof.example" in page.locator("#members").inner_text()
    screenshot("organisation-search")


def test_on_a_phone_each_table_cell_shows_its_column_heading(page, site, screenshot):
    """The header row of a table is hidden on a phone, where its rows stack: each cell says which
    column it is, also in the member list the search swaps in; a heading only for screen readers
    ("Actions") is not shown."""
    page.set_viewport_size({"width": 375, "height": 740})
    signed_in(page, site, "admin@lindenhof.example")
    page.goto(f"{site}/organisation/")

    def before(cell) -> str:
        return cell.evaluate("node => getComputedStyle(node, '::before').content")

    pairs = page.locator("table", has=page.locator("th", has_text="Supervisee"))
    first = pairs.locator("tbody tr").first.locator("td")
    assert before(first.nth(0)) == '"Supervisor: "'
    assert before(first.nth(1)) == '"Supervisee: "'
    assert before(first.nth(3)) in ("none", "normal")
    assert not pairs.locator("thead").is_visible()
    # Rows the search swaps in are labelled before anything else runs: an observer of the swap
    # sees them labelled already (a label added at htmx's settle step, 20 ms on, would be late).
    page.evaluate(
        """() => {
        window.unlabelled = [];
        new MutationObserver(() => window.unlabelled.push(
            document.querySelectorAll('#members tbody td:first-child:not([data-label])').length
        )).observe(document.querySelector('#members').parentNode, {childList: true});
        }"""
    )
    page.get_by_label("Find a member").fill("daan")
    page.wait_for_function("() => !document.querySelector('#members').innerText.includes('chloe@')")
    member = page.locator("#members tbody tr").first.locator("td").first
    assert before(member).endswith(': "')
    assert page.evaluate("window.unlabelled") == [0]
    screenshot("organisation-phone-tables")


def test_language_switch_shows_the_page_in_dutch(page, site, screenshot):
    """By keyboard: the menu's button, whose arrow keys change nothing, opens the list; the
    language changes only when one is chosen."""
    signed_in(page, site, "ana@harbour.example")
    page.goto(f"{site}/")
    page.locator(".language-menu summary").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.keyboard.press("Enter")
    english = page.get_by_role("button", name="English")
    assert english.get_attribute("aria-current") == "true"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Nederlands"
    page.keyboard.press("Escape")  # folds the list, back on its button
    assert not english.is_visible() and page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("html[lang=nl]")
    assert "Overzicht" in page.locator("nav.main-nav").inner_text()
    screenshot("home-nl")


# The focused element's ring and the header's background, as "rgb(...)" strings.
FOCUS_RING = """() => {
  const ring = getComputedStyle(document.activeElement);
  return {
    inHeader: !!document.activeElement.closest('.site-header'),
    style: ring.outlineStyle,
    width: parseFloat(ring.outlineWidth),
    color: ring.outlineColor,
    header: getComputedStyle(document.querySelector('.site-header')).backgroundColor,
  };
}"""


def _contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two CSS "rgb(r, g, b)" colours."""

    def luminance(color: str) -> float:
        channels = [int(c) / 255 for c in color[color.index("(") + 1 : -1].split(",")[:3]]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_keyboard_reaches_the_skip_link_first(page, site):
    signed_in(page, site, "ana@harbour.example")
    page.goto(f"{site}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to main content" in focused
    # Every stop in the dark header shows a ring that stands out from it (at least 3:1).
    stops = 0
    page.keyboard.press("Tab")
    while (ring := page.evaluate(FOCUS_RING))["inHeader"]:
        stops += 1
        assert ring["style"] == "solid" and ring["width"] >= 2, ring
        assert _contrast(ring["color"], ring["header"]) >= 3, ring
        page.keyboard.press("Tab")
    assert stops >= 8
    for _ in range(stops + 1):
        page.keyboard.press("Shift+Tab")
    assert "Skip to main content" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_time_zone_menu_suggests_this_devices_zone(browser, site):
    context = browser.new_context(
        locale="en-GB", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 860}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    signed_in(page, site, "ana@harbour.example")
    page.goto(f"{site}/accounts/profile/")
    suggested = page.locator("#id_time_zone optgroup").first
    values = suggested.locator("option").evaluate_all("options => options.map(o => o.value)")
    # Her own zone stays first and chosen; the device's comes right after it.
    assert values[:2] == ["Europe/Amsterdam", "Asia/Tokyo"]
    assert page.locator("#id_time_zone").input_value() == "Europe/Amsterdam"
    context.close()


# The language menu's button shows all it holds: the name (1280 px) or the code (375 px).
SHOWN_WHOLE = """() => {
  const summary = document.querySelector('.language-menu summary');
  return summary.scrollWidth <= summary.clientWidth && summary.getBoundingClientRect().width > 0;
}"""
NAMES = {"de": "Deutsch", "nl": "Nederlands", "fr": "Français", "en": "English"}


@pytest.mark.parametrize("width", [1280, 375])
def test_the_language_menu_shows_each_language_whole(browser, site, width):
    """At 1280 px the menu shows the language's own name; on a phone its code ("DE ▾"), whose
    list still shows the names. Nothing is cut ("Deuts"), and the header stays one row."""
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    signed_in(page, site, "admin@harbour.example")  # the longest first name of the demo
    page.goto(f"{site}/")
    for code, name in NAMES.items():
        choose_language(page, code)
        assert page.evaluate(SHOWN_WHOLE), code
        if width == 375:
            assert page.locator(".language-code").inner_text() == code.upper()
            assert page.locator(".site-header .bar").bounding_box()["height"] < 60
        else:
            assert not page.locator(".language-code").is_visible()
            assert page.locator(".language-name").inner_text() == name
        page.locator(".language-menu summary").click()
        assert page.get_by_role("button", name=name).get_attribute("aria-current") == "true"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.keyboard.press("Escape")
    context.close()
