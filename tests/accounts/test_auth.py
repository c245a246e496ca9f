import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_at_the_conventional_url(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'type="email"' in response.content


def test_demo_user_signs_in_and_lands_on_the_overview(client, demo):
    response = client.post(
        "/accounts/login/", {"username": "ana@harbour.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == demo.ana


def test_sign_in_is_case_insensitive(client, demo):
    response = client.post(
        "/accounts/login/", {"username": "Ana@Harbour.Example", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_wrong_password_shows_a_clear_message_and_keeps_the_address(client, demo):
    response = client.post(
        "/accounts/login/", {"username": "ana@harbour.example", "password": "wrong"}
    )
    assert response.status_code == 200
    message = response.context["form"].non_field_errors()[0]
    assert message.startswith("The e-mail address or the password is not right.")
    # Only the password is case-sensitive (test_sign_in_is_case_insensitive).
    assert "e-mail addresses are not" in message
    assert b'value="ana@harbour.example"' in response.content


def test_the_wrong_password_message_is_translated(client, demo):
    client.cookies["django_language"] = "nl"
    response = client.post(
        "/accounts/login/", {"username": "ana@harbour.example", "password": "wrong"}
    )
    assert (
        "Het e-mailadres of het wachtwoord klopt niet."
        in response.context["form"].non_field_errors()[0]
    )


def test_repeated_failures_lock_the_address_out(client, demo):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "ben@harbour.example", "password": "nope"})
    response = client.post(
        "/accounts/login/", {"username": "ben@harbour.example", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content


@pytest.mark.parametrize(
    "variant", ["BEN@harbour.example", " ben@harbour.example", "Ben@Harbour.Example "]
)
def test_lock_out_counts_every_spelling_of_an_address_as_one(client, demo, variant):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "ben@harbour.example", "password": "nope"})
    response = client.post("/accounts/login/", {"username": variant, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content


def test_failures_under_different_spellings_add_up(client, demo):
    for variant in ["BEN@harbour.example", " ben@harbour.example", "Ben@harbour.example"] * 2:
        client.post("/accounts/login/", {"username": variant, "password": "nope"})
    response = client.post(
        "/accounts/login/", {"username": "ben@harbour.example", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_inactive_user_cannot_sign_in(client, demo):
    demo.ben.is_active = False
    demo.ben.save()
    response = client.post(
        "/accounts/login/", {"username": "ben@harbour.example", "password": PASSWORD}
    )
    assert response.status_code == 200


def test_pages_need_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_logout_is_a_post(client, demo):
    client.force_login(demo.ana)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_mail_arrives_in_the_users_language(client, demo):
    demo.chloe.language = "fr"
    demo.chloe.save()
    response = client.post(reverse("password_reset"), {"email": "chloe@lindenhof.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chloe@lindenhof.example"]
    with translation.override("fr"):
        french_subject = gettext("Your Limen sign-in link")
    assert french_subject != "Your Limen sign-in link"
    assert message.subject == french_subject
    assert message.alternatives and "<a href=" in message.alternatives[0][0]
    assert "<html" not in message.body
    link = re.search(r"https?://[^\s]+/accounts/reset/[^\s]+/", message.body).group(0)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.context["validlink"]


def test_password_reset_for_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change(client, demo):
    client.force_login(demo.ana)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )
    assert response.status_code == 302
    demo.ana.refresh_from_db()
    assert demo.ana.check_password("a-much-longer-passphrase")
