"""A practitioner's crossing travels through the journal to supervision and back."""

import pytest
from playwright.sync_api import expect

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
    assert "giving money" in item.locator("summary").inner_text().lower()
    assert not item.get_by_role("button", name="Save review").is_visible()  # one line per row
    item.locator("summary").click()
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
    page.locator(".entry-row", has_text="K-42").get_by_role("link").first.click()
    review = page.locator(".flag-card .review")
    assert "Crossing to watch" in review.inner_text()
    assert "travel fund" in review.inner_text()
    assert "Sara Jansen" in page.locator(".flag-card").first.inner_text()
    screenshot("journal-practitioner-sees-review", page)
    practitioner.close()


def _open_editor(page, site, code):
    page.goto(f"{site}/journal/entries/new/")
    page.get_by_label("Client").select_option(label=code)
    page.get_by_role("button", name="Start writing").click()
    page.wait_for_selector("#live-findings")


def test_text_typed_after_the_session_expired_is_saved_after_signing_in_again(
    browser, site, screenshot
):
    from accounts.models import User
    from journal.models import SessionEntry

    ana = User.objects.get(email="ana@harbour.example")
    services.client_create(owner=ana, code="K-43")
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, site, "ana@harbour.example")
    _open_editor(page, site, "K-43")
    notes = page.get_by_label("What happened", exact=True)
    notes.press_sequentially("We made a budget plan.", delay=5)
    page.locator("#save-status.saved").wait_for()

    context.clear_cookies(name="sessionid")  # the session expires while she types
    notes.press_sequentially(" He did the sums himself.", delay=5)
    page.locator("#session-expired").wait_for(state="visible")
    screenshot("journal-session-expired", page)

    other = context.new_page()  # she signs in again in another tab
    sign_in(other, site, "ana@harbour.example")
    other.close()
    page.get_by_role("button", name="Continue").click()
    page.locator("#session-expired").wait_for(state="hidden")
    page.locator("#save-status.saved").wait_for()
    entry = SessionEntry.objects.get(client__code="K-43")
    assert entry.notes == "We made a budget plan. He did the sums himself."
    context.close()


def test_two_tabs_editing_one_entry_never_overwrite_each_other(browser, site, screenshot):
    from accounts.models import User
    from journal.models import SessionEntry

    ana = User.objects.get(email="ana@harbour.example")
    services.client_create(owner=ana, code="K-44")
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    first = context.new_page()
    first.set_default_timeout(10_000)
    sign_in(first, site, "ana@harbour.example")
    _open_editor(first, site, "K-44")
    second = context.new_page()
    second.set_default_timeout(10_000)
    second.goto(first.url)
    second.wait_for_selector("#live-findings")

    first.get_by_label("What happened", exact=True).press_sequentially("Text from tab one.")
    first.locator("#save-status.saved").wait_for()
    second.get_by_label("What happened", exact=True).press_sequentially("Text from tab two.")
    second.locator("#save-status.conflict").wait_for()
    assert SessionEntry.objects.get(client__code="K-44").notes == "Text from tab one."
    assert second.get_by_label("What happened", exact=True).input_value() == "Text from tab two."
    screenshot("journal-edit-conflict", second)

    second.get_by_role("button", name="Keep the text in this tab").click()
    second.locator("#save-status.saved").wait_for()
    assert SessionEntry.objects.get(client__code="K-44").notes == "Text from tab two."
    context.close()


def test_flags_are_confirmed_and_dismissed_with_the_keyboard(browser, site, screenshot):
    from accounts.models import User

    ana = User.objects.get(email="ana@harbour.example")
    client = services.client_create(owner=ana, code="K-45")
    entry = services.entry_create(owner=ana, client=client)
    services.entry_save(
        entry=entry,
        data={"notes": "I gave him ten euros from my own wallet. I told her about my divorce."},
        base_version=entry.version,
        by=ana,
    )
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, site, "ana@harbour.example")
    page.goto(f"{site}/journal/entries/{entry.uuid}/")
    cards = page.locator(".flag-card.status-suggested")
    assert cards.count() == 2
    # Beside this short entry the crossings panel is as tall as its two cards: the page
    # scrolls, the panel hides nothing in a scroll box of its own.
    panel = page.locator("#flags")
    assert panel.evaluate("p => p.scrollHeight <= p.clientHeight + 1")
    assert panel.bounding_box()["height"] > 900

    confirm = cards.first.get_by_role("button", name="Yes, bring it to supervision")
    confirm.focus()
    page.keyboard.press("Enter")
    page.locator(".flag-card.status-confirmed").wait_for()
    focused = page.evaluate("document.activeElement.closest('.flag-card') !== null")
    assert focused  # focus stays with the card that changed, not lost to the page

    reason = page.locator(".flag-card.status-suggested").get_by_label("Not a crossing, because…")
    reason.focus()
    page.keyboard.type("It helped him open up about the relapse.")
    page.keyboard.press("Enter")
    page.locator(".flag-card.status-dismissed").wait_for()
    assert "It helped him open up" in page.locator(".flag-card.status-dismissed").inner_text()
    screenshot("journal-keyboard-decisions", page)
    context.close()


def test_on_a_phone_the_header_is_one_row_and_the_count_stays_by_the_text(browser, site):
    from accounts.models import User

    ana = User.objects.get(email="ana@harbour.example")
    own = services.client_create(owner=ana, code="P-375")
    entry = services.entry_create(owner=ana, client=own)
    phone = browser.new_context(locale="en-GB", viewport={"width": 375, "height": 740})
    page = phone.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, site, "ana@harbour.example")
    page.goto(f"{site}/journal/entries/{entry.uuid}/edit/")

    header = page.locator(".site-header .bar").bounding_box()
    assert header["height"] < 60, header  # one row: brand, menu, language, reminders, account
    menu = page.locator(".nav-menu > summary")
    menu.click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Journal").wait_for()
    page.keyboard.press("Escape")  # folds the menu again
    assert (
        not page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Journal")
        .is_visible()
    )
    menu.click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Journal").wait_for()

    # Writing folds it too: it no longer lies over the page.
    page.get_by_label("What happened", exact=True).press_sequentially(
        "He had no money for the bus, so I gave him ten euros from my own wallet. " * 3, delay=2
    )
    chip = page.locator("#live-count.has-findings")
    chip.wait_for()
    assert "to look at" in chip.inner_text()
    box = chip.bounding_box()
    assert 0 <= box["y"] < 740  # in view while typing, though the panel is far below
    panel_y = page.locator("#live-heading").bounding_box()["y"]
    assert panel_y > 740
    chip.click()
    page.wait_for_function("() => location.hash === '#live-heading'")
    assert 0 <= page.locator("#live-heading").bounding_box()["y"] < 740
    phone.close()


def test_new_entry_opens_with_focus_in_what_happened(page, site):
    from accounts.models import User
    from journal import services

    ana = User.objects.get(email="ana@harbour.example")
    services.client_create(owner=ana, code="K-78")
    sign_in(page, site, "ana@harbour.example")
    _open_editor(page, site, "K-78")
    focused = page.evaluate("document.activeElement.labels?.[0]?.textContent ?? ''")
    assert "What happened" in focused
    # Saved empty, the page comes back with its error, and focus starts at the error.
    page.get_by_role("button", name="Save and check for crossings").click()
    # The page's script runs once the page is parsed (defer): wait for it, then look.
    expect(page.locator(".form-errors")).to_be_focused()
    assert "Write something" in page.evaluate("document.activeElement.textContent")


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_filter_bar_stays_aligned_with_long_labels(browser, site, screenshot, language):
    from accounts.models import User

    ana = User.objects.get(email="ana@harbour.example")
    services.client_create(owner=ana, code="K-80")
    User.objects.filter(pk=ana.pk).update(language=language)
    for width in (1280, 820):
        context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 860})
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, site, "ana@harbour.example")
        page.goto(f"{site}/journal/")
        fields = page.evaluate(
            """() => [...document.querySelectorAll('.filter-bar .field')].map(field => {
                const control = field.querySelector('select, input, button');
                const box = field.getBoundingClientRect(), c = control.getBoundingClientRect();
                return {left: Math.round(box.left), controlTop: Math.round(c.top),
                        overflow: c.right - box.right};
            })"""
        )
        # The bar's rows, in reading order: a field left of the one before starts a new row.
        rows: list[set[int]] = []
        previous_left = None
        for field in fields:
            if previous_left is None or field["left"] <= previous_left:
                rows.append(set())
            rows[-1].add(field["controlTop"])
            previous_left = field["left"]
            assert field["overflow"] <= 1, (width, field)
        # Every control of a row of the bar on one line, whatever its label or help.
        assert len(rows) < len(fields), (width, fields)
        assert all(len(tops) == 1 for tops in rows), (width, rows)
        first = page.locator("#id_client option").first.inner_text()
        assert first == {"nl": "Alle cliënten", "fr": "Toutes les personnes accompagnées"}[language]
        screenshot(f"journal-filters-{language}-{width}", page)
        context.close()


def test_a_review_queue_row_is_read_when_it_opens(browser, site, demo, screenshot):
    """The queue lists crossings closed; opening one loads its quote and form in place, and
    only then is the entry recorded as read by the supervisor (once, however often it opens)."""
    from accounts.models import AuditEvent
    from journal import services
    from tests.factories import EntryFactory, FlagFactory

    flags = []
    for code, quote in (("K-51", "ten euros from my own pocket"), ("K-52", "my own phone")):
        entry = EntryFactory(owner=demo.ana, client__code=code, notes=f"I offered {quote}.")
        flag = FlagFactory(entry=entry, category="giving_money", quote=quote)
        services.flag_confirm(flag=flag, by=demo.ana)
        flags.append(flag)
    reads = AuditEvent.objects.filter(action="journal.entry.read")
    for width in (1280, 375):
        context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, site, "supervisor@harbour.example")
        page.goto(f"{site}/journal/review/")
        row = page.locator(".queue li", has_text="K-51")
        row.locator("summary").wait_for()
        assert not page.get_by_text("ten euros from my own pocket").count()
        assert reads.count() == (0 if width == 1280 else 1)
        row.locator("summary").click()
        row.get_by_role("button", name="Save review").wait_for()
        assert "ten euros from my own pocket" in row.inner_text()
        screenshot(f"journal-review-row-open-{width}", page)
        row.locator("summary").click()  # closed again
        row.locator("summary").click()  # and opened: not loaded (nor recorded) twice
        row.get_by_role("button", name="Save review").wait_for()
        assert row.locator(".review-body").count() == 1
        context.close()
    assert [(read.actor_id, read.target_id) for read in reads.order_by("id")] == [
        (demo.supervisor.pk, str(flags[0].entry.uuid))
    ] * 2


def test_a_review_sent_back_with_an_error_keeps_focus_on_the_error(browser, site, demo):
    """A review the server refuses comes back into its row with the message focused, so a
    keyboard or screen-reader user hears what to correct instead of starting again at the top."""
    from journal import services
    from tests.factories import EntryFactory, FlagFactory

    entry = EntryFactory(owner=demo.ana, client__code="K-53", notes="I lent him ten euros.")
    flag = FlagFactory(entry=entry, category="giving_money", quote="lent him ten euros")
    services.flag_confirm(flag=flag, by=demo.ana)
    page = browser.new_page(locale="en-GB")
    page.set_default_timeout(10_000)
    sign_in(page, site, "supervisor@harbour.example")
    page.goto(f"{site}/journal/review/")
    row = page.locator(".queue li", has_text="K-53")
    row.locator("summary").click()
    row.get_by_label("Crossing to watch").check()
    comment = row.get_by_label("Comment for the practitioner")
    comment.evaluate("box => box.removeAttribute('maxlength')")  # as an old browser would send
    comment.fill("x" * 5_001)
    row.get_by_role("button", name="Save review").click()
    error = f"#review-{flag.uuid} .error"
    page.locator(error).wait_for()
    # Focus moves when htmx settles the swap, a moment after the message appears.
    page.wait_for_function(
        "selector => document.activeElement === document.querySelector(selector)", arg=error
    )
    assert page.locator(f"#review-{flag.uuid} textarea").input_value() == "x" * 5_001
    page.close()


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_the_client_menu_of_the_filter_bar_shows_its_choice_whole(browser, site, demo, language):
    """At 1280 px the client menu is wide enough for "Toutes les personnes accompagnées"."""
    services.client_create(owner=demo.ana, code="F-1280")
    demo.ana.language = language
    demo.ana.save(update_fields=["language"])
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, site, "ana@harbour.example")
    page.goto(f"{site}/journal/")
    fits = page.evaluate(
        """() => {
          const select = document.querySelector('#id_client');
          const style = getComputedStyle(select);
          const context = document.createElement('canvas').getContext('2d');
          context.font = style.font;
          const text = select.options[select.selectedIndex].text;
          const needs = context.measureText(text).width + parseFloat(style.paddingLeft) + 24;
          return [text, select.clientWidth >= needs];
        }"""
    )
    assert fits[1], fits
    context.close()
