"""The "stop these e-mails" link: signed, expiring after UNSUBSCRIBE_LINK_MAX_AGE, one-click per
RFC 8058, and a clear page (never a 500) for a link that is too old or was changed."""

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail, signing
from django.test import Client

from reminders.selectors import preference_of
from reminders.unsubscribe import UNSUBSCRIBE_SALT, unsubscribe_token
from tests.reminders.test_delivery import dispatch_and_deliver

pytestmark = pytest.mark.django_db


def link_path(user, kind="flag_followup") -> str:
    return f"/reminders/unsubscribe/{unsubscribe_token(user, kind)}/"


@pytest.fixture
def days_later(monkeypatch):
    """Move the signing clock (only) ``days`` into the future."""

    def move(days: float) -> None:
        later = time.time() + timedelta(days=days).total_seconds()
        monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))

    return move


def test_link_still_works_just_before_it_expires(client, practitioner, days_later):
    path = link_path(practitioner)
    days_later(59)
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200
    assert preference_of(practitioner).email_off == ["flag_followup"]


def test_expired_link_explains_how_to_change_settings_and_changes_nothing(
    client, practitioner, days_later
):
    path = link_path(practitioner)
    days_later(61)
    page = client.get(path)
    assert page.status_code == 410
    text = page.content.decode()
    assert "works for 60 days" in text
    assert "/accounts/login/?next=/reminders/settings/" in text
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 410
    assert preference_of(practitioner).email_off == []


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "eyJ1IjoxfQ:1tX:abc",
        # Signed with another salt: a password-reset or other Limen signature is not a link.
        signing.TimestampSigner(salt="another.purpose").sign_object({"u": 1, "k": "x"}),
        # Signed, but not a payload this app ever writes.
        signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object(["u", "k"]),
        signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object({"u": "ben", "k": "x"}),
        signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object({"u": 1, "k": "no_such"}),
        "A" * 3000,
    ],
    # Fixed ids: the signed tokens carry the time they were made, and every test worker must
    # collect the same names.
    ids=[
        "nonsense",
        "unsigned",
        "another-salt",
        "a-list",
        "a-name-not-an-id",
        "unknown-kind",
        "too-long",
    ],
)
def test_a_link_that_is_not_limens_gets_a_page_not_an_error(client, practitioner, token):
    for response in (
        client.get(f"/reminders/unsubscribe/{token}/"),
        client.post(f"/reminders/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}),
    ):
        assert response.status_code == 404
        assert "Sign in to change your reminder settings" in response.content.decode()
    assert preference_of(practitioner).email_off == []


def test_tampered_link_gets_the_page(client, practitioner):
    path = link_path(practitioner)
    tampered = f"{path[:-4]}xyz/"
    response = client.get(tampered)
    assert response.status_code == 404
    assert "was changed" in response.content.decode()


def test_one_click_post_from_a_mail_provider_unsubscribes(practitioner, due):
    """RFC 8058: the provider posts "List-Unsubscribe=One-Click" to the header's HTTPS URI, with
    no cookies and no CSRF token, and gets an answer, not a redirect."""
    due(practitioner)
    dispatch_and_deliver()
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert preference_of(practitioner).email_off == ["flag_followup"]


def test_a_get_only_asks(client, practitioner):
    """Link scanners that open every URL in an e-mail must not unsubscribe anyone."""
    response = client.get(link_path(practitioner))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert preference_of(practitioner).email_off == []


def test_the_page_speaks_the_readers_language(client, practitioner, days_later):
    path = link_path(practitioner)
    days_later(61)
    text = client.get(path, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Deze link werkt niet meer" in text
    assert "60 dagen nadat" in text
