"""Two-factor sign-in: a code from an authenticator app (TOTP) after the password, with
single-use recovery codes, built on django-otp.

The password step no longer signs in someone who has an authenticator: it leaves a short-lived
*pending* sign-in in the session, and only the second step calls ``login``. So django-axes counts
wrong codes like wrong passwords (same address, same lock-out), and a correct password never
resets the count of wrong codes. An organisation admin can require the second factor for every
member: who signs in without one is sent to set it up before anything else. Who loses their
phone and recovery codes asks another admin, who resets it (audit-logged; never their own).
"""

import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, User
from accounts.services import audit_log

# Session keys: the sign-in waiting for its second step, and what a signed-in person still owes.
PENDING = "limen_2fa_pending"
OWED = "limen_2fa_owed"
OWED_VERIFY = "verify"
OWED_ENROL = "enrol"
# Pages someone who owes a second factor may still reach.
OPEN_URL_NAMES = {
    "two_factor_enrol",
    "two_factor_verify",
    "logout",
    "set_language",
    "healthz",
}


def has_device(user: User) -> bool:
    return any(devices_for_user(user, confirmed=True))


def required_for(user: User) -> bool:
    return Membership.objects.filter(user=user, organisation__require_two_factor=True).exists()


def normalised_token(value: str) -> str:
    """Codes as people type them: spaces and dashes dropped, recovery codes lower-case."""
    return "".join(str(value or "").split()).replace("-", "").lower()


def match_token(user: User, token: str):
    """The confirmed device that accepts ``token`` (a recovery code is used up), or None."""
    token = normalised_token(token)
    if not token or len(token) > 32:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            return device
    return None


# --- The pending second step ------------------------------------------------------------------


def start_pending(request: HttpRequest, user: User, *, backend: str, next_url: str) -> None:
    request.session[PENDING] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "at": int(time.time()),
    }


def pending(request: HttpRequest):
    """``(user, backend, next_url)`` of the sign-in waiting for its code, or None if there is
    none or it waited too long."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    if int(time.time()) - int(data.get("at", 0)) > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None or data.get("backend") not in settings.AUTHENTICATION_BACKENDS:
        request.session.pop(PENDING, None)
        return None
    return user, data["backend"], data.get("next") or reverse(settings.LOGIN_REDIRECT_URL)


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def signed_in(*, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: note what this session still owes. A sign-in that did not
    pass the second step although the person has an authenticator (the Django admin's own form,
    for one) owes the code; a member of an organisation that requires it, without one, owes the
    enrolment."""
    if request is None or not hasattr(request, "session"):
        return
    if getattr(request, "limen_second_factor_passed", False):
        request.session.pop(OWED, None)
    elif has_device(user):
        request.session[OWED] = OWED_VERIFY
    elif required_for(user):
        request.session[OWED] = OWED_ENROL
    else:
        request.session.pop(OWED, None)


class TwoFactorMiddleware:
    """A signed-in session that still owes its second factor reaches only the pages to give it.
    Reads the session only: no query for everyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        owed = request.session.get(OWED) if request.user.is_authenticated else None
        if owed and not self._open(request):
            if owed == OWED_VERIFY:
                user = request.user
                backend = request.session.get(BACKEND_SESSION_KEY, "")
                logout(request)
                start_pending(request, user, backend=backend, next_url=reverse("home"))
                target = reverse("two_factor_verify")
            else:
                target = reverse("two_factor_enrol")
            if request.htmx:
                return HttpResponseClientRedirect(target, status=401)
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        if request.path_info.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # a 404 shows nothing
        return match.url_name in OPEN_URL_NAMES


# --- Enrolment --------------------------------------------------------------------------------


def enrolment_device(user: User) -> TOTPDevice:
    """The authenticator being set up: the unconfirmed one from a page load earlier, or new."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=_("Authenticator app")[:64], confirmed=False
        )
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` address as an inline SVG QR code, drawn here: the secret never leaves
    the server for a QR service."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps that cannot scan."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def enrol_confirm(*, user: User, device: TOTPDevice) -> list[str]:
    """Confirm the authenticator (its code was right), replace any older second factor, and
    return fresh recovery codes: they are shown once and stored only as single-use tokens."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name=_("Recovery codes")[:64])
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    if membership is not None:
        audit_log(
            organisation=membership.organisation,
            actor=user,
            action="accounts.two_factor.enabled",
            target=membership,
        )
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Organisation admin -----------------------------------------------------------------------


@transaction.atomic
def reset(*, membership: Membership, by: User) -> None:
    """Remove a member's second factor, for someone who lost their phone and recovery codes.
    Another admin does it, never the person themselves: a stolen password alone must not be
    enough to take the second factor away. The member's sessions end."""
    if membership.user_id == by.pk:
        raise ValidationError(
            _(
                "You cannot reset your own two-factor sign-in. Ask another admin of your "
                "organisation."
            )
        )
    user = membership.user
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.session_generation += 1
    user.save(update_fields=["session_generation"])
    audit_log(
        organisation=membership.organisation,
        actor=by,
        action="accounts.two_factor.reset",
        target=membership,
    )


@transaction.atomic
def set_required(*, organisation: Organisation, required: bool, by: User) -> None:
    organisation.require_two_factor = required
    organisation.save(update_fields=["require_two_factor"])
    audit_log(
        organisation=organisation,
        actor=by,
        action="accounts.two_factor.required" if required else "accounts.two_factor.optional",
        target=organisation,
    )


def owe_enrolment_now(request: HttpRequest) -> None:
    """The admin who just required two-factor sign-in is the first to set it up."""
    if not has_device(request.user):
        request.session[OWED] = OWED_ENROL
        messages.info(request, _("Set up two-factor sign-in for your own account first."))
