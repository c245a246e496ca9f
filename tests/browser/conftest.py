"""Real-browser journeys: Playwright driving Debian's Chromium against a live server."""

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from tests.factories import PASSWORD

RESULTS = Path(__file__).resolve().parents[2] / "test-results"
SCREENSHOTS = RESULTS / "screenshots"
# The README's pictures: written by tests/browser/test_screenshots.py with LIMEN_SCREENSHOTS=1.
README_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# What fails the accessibility check; axe's "moderate" and "minor" findings are only reported.
AXE_FAILING_IMPACTS = {"serious", "critical"}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# Chromium 15x opens a web-page omnibox popup (chrome://omnibox-popup.top-chrome/) in a renderer of
# its own for every window, which is every browser context here: two fifths of Chromium's
# processor time in the accessibility checks (61 → 36 s), for a popup no test opens.
UNUSED_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]


def _disable_features_flag() -> list[str]:
    """``--disable-features`` with the features above added to those Playwright's own launch
    disables: Chromium keeps only the last ``--disable-features`` it is given, so ours must repeat
    Playwright's (read from its bundled driver, whose list changes with its version). Without
    that list, nothing is added: the tests run as before, only slower."""
    import playwright

    lib = Path(playwright.__file__).parent / "driver" / "package" / "lib"
    for source in (lib / "coreBundle.js", lib / "server" / "chromium" / "chromiumSwitches.js"):
        if source.exists():
            block = re.search(r"disabledFeatures = \[(.*?)\]", source.read_text(), re.S)
            if block:
                theirs = re.findall(r'^\s*"(\w+)",?\s*$', block.group(1), re.M)
                if theirs:
                    return [f"--disable-features={','.join(theirs + UNUSED_FEATURES)}"]
    return []


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(chromium_path, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls our fixtures make
    # meanwhile are still synchronous and safe. Only for the browser tests' lifetime.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    thread_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        # With a loop running, Django keeps its connections per async context (asgiref's
        # Local) and would open new ones that lack the test database's serialized snapshot, so
        # the transactional tests' serialized rollback would quietly do nothing for every test
        # this worker runs after a browser journey. The thread's own connections carry on.
        for alias, connection in thread_connections.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=CHROMIUM_FLAGS + _disable_features_flag(),
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def site(live_server, transactional_db, demo):
    """The live server's URL, with the persona set (the demo's people) in place: a journey makes
    what else it shows, or seeds the part of the demo it walks through."""
    return live_server.url


@pytest.fixture(scope="module")
def _demo_snapshot():
    """A copy of the test database just after ``seed_demo``, kept for a test module's journeys
    (SQLite only; seeding the whole demo costs seconds, copying it back milliseconds)."""
    snapshot = {}
    yield snapshot
    if "copy" in snapshot:
        snapshot["copy"].close()


@pytest.fixture
def demo_site(live_server, transactional_db, _demo_snapshot):
    """The live server's URL with the whole demo seeded, for checks of every page as someone
    trying Limen sees it; its people sign in with ``DEMO_PASSWORD``.

    Each test starts from the demo as ``seed_demo`` leaves it. On SQLite the module seeds once
    and each later test gets the database back as it was right after seeding (SQLite's backup
    API copies the whole file, so nothing an earlier test wrote survives); elsewhere every test
    seeds afresh."""
    connection = connections["default"]
    if "copy" in _demo_snapshot:
        connection.ensure_connection()
        _demo_snapshot["copy"].backup(connection.connection)
        return live_server.url
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        _demo_snapshot["copy"] = copy
    return live_server.url


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, target=None) -> Path:
        """Save a full-page PNG of ``target`` (default: the ``page`` fixture)."""
        path = SCREENSHOTS / f"{name}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe_check(request):
    """Run axe-core on a page as it stands and fail on any serious or critical violation.

    Every finding, whatever its impact, is written to test-results/axe/ for reading."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    folder = RESULTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    runs = 0

    def check(page) -> None:
        nonlocal runs
        runs += 1
        # axe is put into the page once per document: a second check of the same page (narrowed
        # to a phone's width) runs the copy already there.
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(axe.axe_script)
        violations = page.evaluate("axe.run({resultTypes: ['violations']})")["violations"]
        name = "".join(c if c.isalnum() or c in "-_" else "-" for c in request.node.name)
        report = folder / f"{name}-{runs}.json"
        report.write_text(json.dumps({"url": page.url, "violations": violations}, indent=1))
        failing = [v for v in violations if v["impact"] in AXE_FAILING_IMPACTS]
        assert not failing, f"axe on {page.url} (details in {report}):\n" + "\n".join(
            f"  {v['impact']}: {v['id']}: {v['help']}: "
            + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:5])
            for v in failing
        )

    return check


def signed_in(page, site: str, email: str) -> None:
    """Start the page's browser signed in as ``email`` without walking the login form: Django's
    test client signs in (the same ``login()``, its signals and session) and the browser gets its
    session cookie. For checks of pages, not of signing in (the journeys sign in by the form)."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site}]
    )


def sign_in(page, site: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site}/")


def choose_language(page, code: str) -> None:
    """Switch Limen's language with the header's language menu, and wait for the page in it."""
    page.locator(".language-menu summary").click()
    page.locator(f".language-menu button[value={code}]").click()
    page.wait_for_selector(f"html[lang={code}]")
