"""The browser the journeys drive: Chromium as CI launches it, without the window furniture
no journey uses."""

import pytest

from tests.browser.conftest import UNUSED_FEATURES, _disable_features_flag


def test_playwrights_own_disabled_features_are_kept_beside_ours():
    (flag,) = _disable_features_flag()
    features = flag.removeprefix("--disable-features=").split(",")
    # Two of Playwright's own: page loads keep their timing, routes stay on plain HTTP.
    assert {"PaintHolding", "HttpsUpgrades", *UNUSED_FEATURES} <= set(features)


def test_a_new_context_opens_no_omnibox_popup(browser):
    context = browser.new_context()
    context.new_page().set_content("<p>Limen</p>")
    targets = browser.new_browser_cdp_session().send("Target.getTargets")["targetInfos"]
    context.close()
    assert [t["type"] for t in targets] == ["page"], targets


def test_the_accessibility_check_fails_on_a_serious_violation(page, axe_check):
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        axe_check(page)
    page.set_viewport_size({"width": 375, "height": 740})  # checked again on the same page
    with pytest.raises(AssertionError, match="image-alt"):
        axe_check(page)
