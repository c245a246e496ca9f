"""The crossings charts as a browser draws them: bars in every language, a legend that reads
square-then-label, and nothing wider than a phone."""

import pytest

from tests.browser.conftest import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "trends": ("chloe@lindenhof.example", "/journal/trends/"),
    "team": ("supervisor@lindenhof.example", "/journal/team/"),
}

# Per legend item: its square's box and the box of its label's text.
LEGEND_BOXES = """() => [...document.querySelectorAll('.legend li')].map(li => {
    const square = li.querySelector('svg').getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(li);
    range.setStartAfter(li.querySelector('svg'));
    const label = range.getBoundingClientRect();
    return {text: li.textContent.trim(), square: {top: square.top, bottom: square.bottom,
            left: square.left, right: square.right, width: square.width},
            label: {top: label.top, bottom: label.bottom, left: label.left, width: label.width}};
})"""


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("screen", sorted(PAGES))
def test_the_legend_sets_each_label_beside_its_square(
    browser, demo_site, screenshot, screen, language
):
    from accounts.models import User

    email, path = PAGES[screen]
    User.objects.filter(email=email).update(language=language)
    for width, height in ((1280, 860), (375, 740)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(10_000)
        signed_in(page, demo_site, email)
        page.goto(f"{demo_site}{path}")
        screenshot(f"chart-{screen}-{language}-{width}", page)
        # The bars are drawn: the browser read their coordinates as lengths.
        bars = page.locator(".trend-chart rect")
        assert bars.count() > 0
        assert all(bars.nth(i).bounding_box()["height"] > 0 for i in range(bars.count()))
        items = page.evaluate(LEGEND_BOXES)
        assert len(items) == 8
        for item in items:
            square, label = item["square"], item["label"]
            assert 10 <= square["width"] <= 20, item  # a small square, not stretched
            middle = (square["top"] + square["bottom"]) / 2
            assert label["top"] <= middle <= label["bottom"], item  # on the label's line
            assert 0 <= label["left"] - square["right"] <= 12, item  # right beside it
            assert label["width"] > 0, item
        legend = page.locator(".legend").bounding_box()
        assert legend["height"] < (300 if width == 375 else 120), legend
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
