"""Sessions end after 30 minutes without activity and 12 hours after signing in; the journal's
editor keeps what was typed across it. Password-reset e-mails are rate-limited."""

import time

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from journal import services
from journal.models import SessionEntry

pytestmark = pytest.mark.django_db


def _age(client, *, signed_in=0, seen=0):
    """Make the session look as if it began ``signed_in`` and was last used ``seen`` seconds ago."""
    session = client.session
    now = int(time.time())
    session[SIGNED_IN_AT] = now - signed_in
    session[LAST_SEEN_AT] = now - seen
    session.save()


def _seen(client) -> int:
    return int(time.time()) - client.session[LAST_SEEN_AT]


def test_thirty_minutes_without_activity_sign_out(client, demo):
    client.force_login(demo.ana)
    _age(client, signed_in=3600, seen=settings.SESSION_IDLE_SECONDS + 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    body = client.get(response.url).content.decode()
    assert "Your session ended. Sign in again to continue." in body


def test_activity_keeps_the_session_and_is_recorded(client, demo):
    client.force_login(demo.ana)
    _age(client, signed_in=3600, seen=settings.SESSION_IDLE_SECONDS - 60)
    assert client.get(reverse("home")).status_code == 200
    assert _seen(client) < 5


def test_twelve_hours_after_signing_in_sign_out_however_active(client, demo):
    client.force_login(demo.ana)
    _age(client, signed_in=settings.SESSION_ABSOLUTE_SECONDS + 60, seen=10)
    assert client.get(reverse("home")).status_code == 302


def test_the_reminders_badge_poll_is_not_activity(client, demo):
    client.force_login(demo.ana)
    _age(client, signed_in=3600, seen=20 * 60)
    assert client.get(reverse("reminders:badge"), headers={"HX-Request": "true"}).status_code == 200
    assert _seen(client) >= 20 * 60
    for name in settings.SESSION_POLL_URL_NAMES:
        reverse(name)  # each still names a URL


@pytest.fixture
def entry(demo):
    client_ = services.client_create(owner=demo.ana, code="S-1")
    return services.entry_create(owner=demo.ana, client=client_)


def _autosave(client, entry, notes):
    return client.post(
        reverse("journal:entry_autosave", args=[entry.uuid]),
        {
            "occurred_at": entry.occurred_at.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "setting": "office",
            "notes": notes,
            "version": SessionEntry.objects.get(pk=entry.pk).version,
        },
        headers={"HX-Request": "true"},
    )


def test_autosave_of_unchanged_text_is_not_activity_but_typing_is(client, demo, entry):
    client.force_login(demo.ana)
    assert _autosave(client, entry, "First words.").status_code == 200
    _age(client, signed_in=3600, seen=20 * 60)
    assert _autosave(client, entry, "First words.").status_code == 200  # the timer
    assert _seen(client) >= 20 * 60
    assert _autosave(client, entry, "First words, and more.").status_code == 200  # typing
    assert _seen(client) < 5


def test_the_draft_survives_an_idle_sign_out(client, demo, entry):
    client.force_login(demo.ana)
    _autosave(client, entry, "Before the break.")
    _age(client, signed_in=3600, seen=settings.SESSION_IDLE_SECONDS + 60)
    response = _autosave(client, entry, "Before the break. Typed while signed out.")
    assert response.status_code == 401
    assert "limen:session-expired" in response["HX-Trigger"]
    assert SessionEntry.objects.get(pk=entry.pk).notes == "Before the break."
    # Signing in again (in another tab) and pressing Continue saves what the editor kept.
    demo.ana.refresh_from_db()
    client.force_login(demo.ana)
    resume = reverse("journal:entry_resume", args=[entry.uuid])
    assert client.get(resume, headers={"HX-Request": "true"}).status_code == 200
    assert _autosave(client, entry, "Before the break. Typed while signed out.").status_code == 200
    assert (
        SessionEntry.objects.get(pk=entry.pk).notes == "Before the break. Typed while signed out."
    )


def test_a_page_reads_the_session_from_the_shared_cache_and_the_database_backs_it(client, demo):
    """Sessions are read from the "sessions" cache (no query of their own), written through to
    the database, and read back from it when the cache lost them."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(demo.ana)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as read:
        assert client.get(reverse("home")).status_code == 200
    assert not [q for q in read.captured_queries if "django_session" in q["sql"]]
    # This session's entry only: on Redis ``clear()`` empties the whole database, which other
    # pytest-xdist workers (and the Celery broker) share.
    from django.contrib.sessions.backends.cached_db import SessionStore

    session = SessionStore(session_key=client.session.session_key)
    assert caches[settings.SESSION_CACHE_ALIAS].delete(session.cache_key)
    with CaptureQueriesContext(connection) as read:
        assert client.get(reverse("home")).status_code == 200
    assert [q for q in read.captured_queries if "django_session" in q["sql"]]


def test_signing_out_ends_the_session_in_the_cache_too(client, demo):
    """A copied cookie is worth nothing after signing out, in any process: the cache is shared."""
    from django.contrib.sessions.backends.cached_db import SessionStore

    client.force_login(demo.ana)
    key = client.session.session_key
    assert SessionStore(session_key=key).get("_auth_user_id") == str(demo.ana.pk)
    client.post(reverse("logout"))
    assert SessionStore(session_key=key).load() == {}
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_password_reset_emails_are_limited_per_account(client, demo):
    for _ in range(settings.PASSWORD_RESET_RATE_PER_ACCOUNT):
        response = client.post(reverse("password_reset"), {"email": "ben@harbour.example"})
        assert response.status_code == 302
    # Another spelling of the same address is the same account.
    response = client.post(reverse("password_reset"), {"email": " BEN@harbour.example"})
    assert response.status_code == 429
    assert "Too many sign-in links were asked for" in response.content.decode()
    assert len(mail.outbox) == settings.PASSWORD_RESET_RATE_PER_ACCOUNT
    # Someone else's reset still goes out.
    assert (
        client.post(reverse("password_reset"), {"email": "ana@harbour.example"}).status_code == 302
    )


def test_password_reset_emails_are_limited_per_client_address(client, demo):
    limit = settings.PASSWORD_RESET_RATE_PER_ADDRESS
    for n in range(limit):
        client.post(reverse("password_reset"), {"email": f"nobody{n}@example.org"})
    response = client.post(reverse("password_reset"), {"email": "ana@harbour.example"})
    assert response.status_code == 429
    assert mail.outbox == []
    other = client.post(
        reverse("password_reset"), {"email": "ana@harbour.example"}, REMOTE_ADDR="192.0.2.7"
    )
    assert other.status_code == 302 and len(mail.outbox) == 1
