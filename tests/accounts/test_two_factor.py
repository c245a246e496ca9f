"""Two-factor sign-in: enrolment with a local QR code, the second step, recovery codes, the
organisation's requirement, the lock-out, and the reset by another admin."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{value:06d}"


def enrol(client, user) -> tuple[TOTPDevice, list[str]]:
    client.force_login(user)
    page = client.get(reverse("two_factor_enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor_enrol"), {"token": code_for(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    client.logout()
    device.refresh_from_db()
    # The same 30-second code may not be used twice: later steps use the next one.
    return device, codes


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_enrolment_shows_a_locally_drawn_qr_code_and_the_key(client, demo):
    client.force_login(demo.ana)
    response = client.get(reverse("two_factor_enrol"))
    body = response.content.decode()
    assert "<svg" in body and "<path" in body
    assert "http" not in re.search(r"<svg.*?</svg>", body, re.S).group(0).replace(
        "http://www.w3.org", ""
    )
    device = TOTPDevice.objects.get(user=demo.ana)
    assert device.confirmed is False
    assert two_factor.secret_for_typing(device) in body


def test_a_wrong_code_does_not_turn_it_on(client, demo):
    client.force_login(demo.ana)
    client.get(reverse("two_factor_enrol"))
    response = client.post(reverse("two_factor_enrol"), {"token": "000000x"})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert not two_factor.has_device(demo.ana)


def test_enrolment_shows_recovery_codes_once_and_audits(client, demo):
    device, codes = enrol(client, demo.ana)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=demo.ana).count() == 10
    assert AuditEvent.objects.filter(action="accounts.two_factor.enabled").count() == 1
    client.force_login(demo.ana)
    again = client.get(reverse("two_factor_enrol")).content.decode()
    assert not any(code in again for code in codes)


def test_password_alone_no_longer_signs_in(client, demo):
    enrol(client, demo.ana)
    response = sign_in(client, "ana@harbour.example")
    assert response.status_code == 302
    assert response.url == reverse("two_factor_verify")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_the_code_completes_sign_in_and_keeps_next(client, demo):
    device, _codes = enrol(client, demo.ana)
    client.post(
        reverse("login"),
        {"username": "ana@harbour.example", "password": PASSWORD, "next": "/journal/"},
    )
    response = client.post(reverse("two_factor_verify"), {"token": code_for(device, 1)})
    assert response.status_code == 302
    assert response.url == "/journal/"
    assert client.get(reverse("home")).context["user"] == demo.ana


def test_a_recovery_code_signs_in_once(client, demo):
    _device, codes = enrol(client, demo.ana)
    sign_in(client, "ana@harbour.example")
    response = client.post(reverse("two_factor_verify"), {"token": codes[0].upper()})
    assert response.status_code == 302 and response.url == reverse("home")
    client.logout()
    sign_in(client, "ana@harbour.example")
    response = client.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_wrong_codes_lock_the_account_out_like_wrong_passwords(client, demo):
    device, _codes = enrol(client, demo.ana)
    for _ in range(5):
        sign_in(client, "ana@harbour.example")
        client.post(reverse("two_factor_verify"), {"token": "123456"})
    # Locked: neither the password nor the right code gets in, and a correct password does not
    # reset the count of wrong codes.
    response = sign_in(client, "ana@harbour.example")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("two_factor_verify"), {"token": code_for(device, 1)})
    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_the_fifth_wrong_code_answers_with_the_lock_out(client, demo):
    enrol(client, demo.ana)
    sign_in(client, "ana@harbour.example")
    for _ in range(4):
        assert client.post(reverse("two_factor_verify"), {"token": "123456"}).status_code == 200
    response = client.post(reverse("two_factor_verify"), {"token": "123456"})
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content


def test_the_second_step_without_a_password_step_goes_back_to_sign_in(client, demo):
    response = client.post(reverse("two_factor_verify"), {"token": "123456"})
    assert response.status_code == 302 and response.url == reverse("login")


def test_a_session_from_another_sign_in_form_still_owes_the_code(client, demo):
    """The Django admin signs in with the password alone: the session is sent to the code."""
    enrol(client, demo.ana)
    client.force_login(demo.ana)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("two_factor_verify")
    assert "_auth_user_id" not in client.session


def test_an_admin_can_require_it_and_members_without_one_are_sent_to_set_it_up(client, demo):
    client.force_login(demo.admin)
    response = client.post(reverse("two_factor_require"), {"required": "1"})
    assert response.status_code == 302
    demo.harbour.refresh_from_db()
    assert demo.harbour.require_two_factor
    assert AuditEvent.objects.filter(action="accounts.two_factor.required").exists()
    # The admin who required it sets it up first.
    assert client.get(reverse("organisation")).url == reverse("two_factor_enrol")
    client.logout()

    sign_in(client, "ben@harbour.example")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("two_factor_enrol")
    htmx = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx["HX-Redirect"] == reverse("two_factor_enrol")
    page = client.get(reverse("two_factor_enrol"))
    assert "asks every member" in page.content.decode()
    device = TOTPDevice.objects.get(user=demo.ben, confirmed=False)
    client.post(reverse("two_factor_enrol"), {"token": code_for(device)})
    assert client.get(reverse("home")).status_code == 200
    # Another organisation is not affected.
    client.logout()
    sign_in(client, "chloe@lindenhof.example")
    assert client.get(reverse("home")).status_code == 200


def test_only_an_admin_requires_it(client, demo):
    client.force_login(demo.ana)
    assert client.post(reverse("two_factor_require"), {"required": "1"}).status_code == 403
    demo.harbour.refresh_from_db()
    assert not demo.harbour.require_two_factor


def test_another_admin_resets_a_lost_second_factor(client, demo):
    enrol(client, demo.ana)
    client.force_login(demo.admin)
    member = demo.ana.membership
    page = client.get(reverse("member_edit", args=[member.uuid]))
    assert reverse("two_factor_reset", args=[member.uuid]) in page.content.decode()
    response = client.post(reverse("two_factor_reset", args=[member.uuid]))
    assert response.status_code == 302
    assert not two_factor.has_device(demo.ana)
    assert not StaticToken.objects.filter(device__user=demo.ana).exists()
    event = AuditEvent.objects.get(action="accounts.two_factor.reset")
    assert event.actor == demo.admin and event.target_id == str(member.uuid)
    client.logout()
    response = sign_in(client, "ana@harbour.example")
    assert response.url == reverse("home")


def test_an_admin_cannot_reset_their_own(client, demo):
    enrol(client, demo.admin)
    # Signed in properly, with the second factor.
    device = TOTPDevice.objects.get(user=demo.admin)
    sign_in(client, "admin@harbour.example")
    client.post(reverse("two_factor_verify"), {"token": code_for(device, 1)})
    member = demo.admin.membership
    page = client.get(reverse("member_edit", args=[member.uuid])).content.decode()
    assert reverse("two_factor_reset", args=[member.uuid]) not in page
    client.post(reverse("two_factor_reset", args=[member.uuid]))
    assert two_factor.has_device(demo.admin)
    assert not AuditEvent.objects.filter(action="accounts.two_factor.reset").exists()


def test_an_admin_of_another_organisation_cannot_reset(client, demo):
    enrol(client, demo.ana)
    client.force_login(demo.lindenhof_admin)
    response = client.post(reverse("two_factor_reset", args=[demo.ana.membership.uuid]))
    assert response.status_code == 404
    assert two_factor.has_device(demo.ana)
