"""The self-inventory by keyboard only: start, answer, leave halfway, resume, finish, compare."""

import os
import re

import pytest

from tests.browser.conftest import choose_language, sign_in, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def inventory_demo(site):
    """The demo's inventory: Ana's finished takes and her register entries."""
    from boundaries import demo

    demo.seed(open(os.devnull, "w"))  # noqa: SIM115


TARGET = 4  # the normalised score every answer aims for (the previous take scored 2)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def answer_by_keyboard(page, item) -> None:
    """Tab into the item's radio group, check the first option with Space, arrow to the answer."""
    tab_to(page, f'input[name="item-{item.pk}"]')
    value = item.scale_min + item.scale_max - TARGET if item.reverse else TARGET
    page.keyboard.press("Space")
    for _ in range(value - item.scale_min):
        page.keyboard.press("ArrowRight")
    assert page.locator(f'input[name="item-{item.pk}"]:checked').get_attribute("value") == str(
        value
    )


def wait_for_answered(page, count: int) -> None:
    page.locator("#take-progress label", has_text=f"{count} of 35 answered").wait_for()


def test_inventory_by_keyboard_with_resume_and_comparison(page, site, screenshot):
    from accounts.models import User
    from boundaries.models import Item, Take
    from tests.boundaries.conftest import completed_take

    ana = User.objects.get(email="ana@harbour.example")
    previous = completed_take(ana, days_ago=3, score=2)
    items = list(Item.objects.filter(version=previous.version).order_by("position"))
    by_step: dict[int, list] = {}
    for item in items:
        by_step.setdefault(item.section.position, []).append(item)

    sign_in(page, site, "ana@harbour.example")
    page.goto(f"{site}/inventory/")
    tab_to(page, "form[action$='/inventory/start/'] button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/inventory/take/.+/step/1/$"))
    take = Take.objects.get(user=ana, completed_at__isnull=True)

    # Steps 1 and 2, then half of step 3: every answer is saved as it is given.
    answered = 0
    for step in (1, 2):
        for item in by_step[step]:
            answer_by_keyboard(page, item)
            answered += 1
            wait_for_answered(page, answered)
        assert "Saved" in page.locator("#answer-status").inner_text()
        if step == 1:
            screenshot("inventory-step-1-answered")
        tab_to(page, "button.primary[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"/step/{step + 1}/$"))
        # htmx swapped the next step in and moved focus to its heading.
        page.wait_for_function("() => document.activeElement?.id === 'step-heading'")
    for item in by_step[3][:2]:
        answer_by_keyboard(page, item)
        answered += 1
        wait_for_answered(page, answered)
    screenshot("inventory-step-3-halfway")
    assert take.answers.count() == answered == 18

    # Leave halfway, come back later: the inventory resumes at the first unanswered item.
    page.goto(f"{site}/")
    page.goto(f"{site}/inventory/")
    assert "18 of 35 answered" in page.locator("main").inner_text()
    screenshot("inventory-home-resume")
    tab_to(page, "a.button.primary")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/step/3/$"))
    for step in (3, 4, 5):
        todo = by_step[step][2:] if step == 3 else by_step[step]
        for item in todo:
            answer_by_keyboard(page, item)
            answered += 1
            wait_for_answered(page, answered)
        tab_to(page, "button.primary[type=submit]")
        page.keyboard.press("Enter")
        if step < 5:
            page.wait_for_url(re.compile(rf"/step/{step + 1}/$"))

    # The last step leads to the review; finishing shows the comparison.
    page.wait_for_url(re.compile(r"/finish/$"))
    assert "35 of 35 answered" in page.locator("main").inner_text()
    screenshot("inventory-finish")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/inventory/results/.+/$"))
    take.refresh_from_db()
    assert take.completed_at is not None
    values = dict(take.answers.values_list("item__code", "value"))
    assert all(
        values[i.code] == (i.scale_min + i.scale_max - TARGET if i.reverse else TARGET)
        for i in items
    )

    main = page.locator("main")
    assert "Your profile, and what changed" in main.inner_text()
    chart = page.locator("svg[role=img]")
    assert chart.locator("title").text_content().startswith("Score per section")
    assert chart.locator("rect.bar.previous").count() == 5
    assert chart.locator("rect.bar.current").count() == 5
    table = page.locator("table.scores").first
    assert table.locator("tbody tr").count() == 5
    assert "+2.0" in table.inner_text()
    screenshot("inventory-results-comparison")

    page.goto(f"{site}/inventory/")
    assert "Next re-take suggested on" in page.locator("main").inner_text()
    screenshot("inventory-home-after")

    page.goto(f"{site}/inventory/register/")
    assert "Religion and abortion" in page.locator("main").inner_text()
    screenshot("inventory-register")
    page.goto(f"{site}/inventory/sharing/")
    screenshot("inventory-sharing")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/inventory/results/{take.uuid}/")
    path = screenshot("inventory-results-mobile")
    page.locator("#profile-heading").locator("..").screenshot(
        path=str(path.with_name("inventory-results-mobile-chart.png"))
    )


def test_a_summary_shared_in_dutch_reaches_the_supervisor_until_revoked(
    browser, page, site, screenshot
):
    """Ana works in Dutch, shares one finished inventory and one register entry with her
    supervisor, who sees exactly that and nothing else, until Ana revokes it."""
    from boundaries.models import Item, SummaryShare, Take

    sign_in(page, site, "ana@harbour.example")
    page.goto(f"{site}/inventory/")
    choose_language(page, "nl")

    # The inventory itself speaks Dutch: a step of a new take, then the demo results.
    page.locator("form[action$='/inventory/start/'] button").click()
    page.wait_for_url(re.compile(r"/step/1/$"))
    page.locator(".steps a", has_text="Aannames over cliënten").click()
    page.wait_for_url(re.compile(r"/step/2/$"))
    assert "Ik ga ervan uit dat mijn cliënt" in page.locator("main").inner_text()
    screenshot("inventory-nl-step-2")

    # A tampered answer (a value off the scale) is refused where it was given, and refused
    # again with the whole step, which keeps the other answers chosen and saves none of them.
    take = Take.objects.get(user__email="ana@harbour.example", completed_at__isnull=True)
    first, second = Item.objects.filter(version=take.version, section__position=2).order_by(
        "position"
    )[:2]
    page.locator(f'input[name="item-{first.pk}"][value="2"]').check()
    page.locator('#take-progress-bar[value="1"]').wait_for(state="attached")
    page.locator(f'input[name="item-{second.pk}"][value="3"]').evaluate(
        "input => { input.value = '9'; input.click(); }"
    )
    page.locator("#answer-status .is-error").wait_for()
    page.locator("main form button.primary[type=submit]").click()
    page.locator("#take-step .form-errors").wait_for()
    assert page.locator(f"#error-{second.pk}").is_visible()
    assert page.locator(f'input[name="item-{first.pk}"][value="2"]').is_checked()
    assert dict(take.answers.values_list("item_id", "value")) == {first.pk: 2}
    screenshot("inventory-nl-step-2-refused")
    page.goto(f"{site}/inventory/")
    page.locator("a[href*='/inventory/results/']").first.click()
    main = page.locator("main")
    assert "Waarden en gevoelige onderwerpen" in main.inner_text()
    assert page.locator("svg[role=img] rect.bar.previous").count() == 5
    screenshot("inventory-nl-results")

    # Share the latest take and one of two register entries.
    page.goto(f"{site}/inventory/sharing/")
    page.get_by_label("Religion and abortion").check()
    assert page.get_by_label("Sara Jansen").is_checked()
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/inventory/sharing/$"))
    rows = page.locator("main table").first.locator("tbody tr")
    assert rows.count() == 1 and "Sara Jansen" in rows.inner_text()
    screenshot("inventory-nl-shared")
    share = SummaryShare.objects.get(revoked_at__isnull=True)

    supervisor_context = browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 860}
    )
    supervisor = supervisor_context.new_page()
    supervisor.set_default_timeout(10_000)
    try:
        sign_in(supervisor, site, "supervisor@harbour.example")
        supervisor.goto(f"{site}/inventory/shared/")
        supervisor.get_by_role("link", name=re.compile("Open summary")).click()
        supervisor.wait_for_url(re.compile(rf"/inventory/shared/{share.uuid}/$"))
        text = supervisor.locator("main").inner_text()
        assert "Ana Martins" in text
        assert "Religion and abortion" in text
        assert "Alcohol" not in text  # not chosen, so not shown
        assert "I know which topics are hot buttons" not in text  # never the answers
        assert supervisor.locator("table.scores tbody tr").count() == 5
        screenshot("inventory-supervisor-summary", supervisor)

        # Ana revokes; from then on the summary is a 404 for the supervisor.
        page.locator("main form[action$='/revoke/'] button").click()
        page.wait_for_url(re.compile(r"/inventory/sharing/$"))
        response = supervisor.goto(f"{site}/inventory/shared/{share.uuid}/")
        assert response.status == 404
        supervisor.goto(f"{site}/inventory/shared/")
        assert "Ana Martins" not in supervisor.locator("main").inner_text()
        screenshot("inventory-supervisor-after-revoke", supervisor)
    finally:
        supervisor_context.close()


@pytest.mark.parametrize("language", ["en", "nl", "de", "fr"])
def test_the_comparison_fits_a_375_px_screen(browser, site, demo, language):
    """Nothing scrolls sideways on a phone: not the page, not the score tables."""
    from boundaries.models import Take

    demo.ana.language = language
    demo.ana.save(update_fields=["language"])
    take = Take.objects.filter(user=demo.ana, completed_at__isnull=False).latest("completed_at")
    context = browser.new_context(locale="en-GB", viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.set_default_timeout(10_000)
    signed_in(page, site, "ana@harbour.example")
    page.goto(f"{site}/inventory/results/{take.uuid}/")
    page.locator("details", has=page.locator("table.scores")).locator("summary").click()
    overflowing = page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.table-scroll')]
            .filter(e => e.scrollWidth > e.clientWidth)
            .map(e => `${e.className || e.tagName}: ${e.scrollWidth} > ${e.clientWidth}`)"""
    )
    assert overflowing == []
    # The change still shows, under the new score.
    assert page.locator("table.scores .delta-inline").first.is_visible()
    context.close()
