"""Pages of two-factor sign-in: the second step, setting up an authenticator, and the admin's
requirement and reset."""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import selectors, two_factor
from accounts.access import Role, access_required


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        help_text=gettext_lazy(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in. Wrong codes count towards the same lock-out as wrong
    passwords."""
    waiting = two_factor.pending(request)
    if waiting is None:
        messages.info(request, _("Sign in again to continue."))
        return redirect("login")
    user, backend, next_url = waiting
    credentials = {"username": user.email}
    form = TokenForm(request.POST or None)
    if not AxesProxyHandler.is_allowed(request, credentials):
        two_factor.clear_pending(request)
        request.axes_locked_out = True
        request.axes_credentials = credentials
        return render(request, "registration/two_factor_verify.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        device = two_factor.match_token(user, form.cleaned_data["token"])
        if device is not None:
            two_factor.clear_pending(request)
            request.limen_second_factor_passed = True
            login(request, user, backend=backend)
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(count)s are left. Set up your "
                        "authenticator again from your profile to get new ones."
                    )
                    % {"count": two_factor.recovery_codes_left(user)},
                )
            return redirect(next_url)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error("token", _("That code is not right. Try the newest one from your app."))
        if getattr(request, "axes_locked_out", False):
            two_factor.clear_pending(request)
    return render(request, "registration/two_factor_verify.html", {"form": form})


@access_required()
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator: scan the QR code, type its code, keep the
    recovery codes that are shown once."""
    user = request.user
    device = two_factor.enrolment_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = two_factor.normalised_token(form.cleaned_data["token"])
        if token.isdigit() and device.verify_token(token):
            codes = two_factor.enrol_confirm(user=user, device=device)
            otp_login(request, device)
            request.session.pop(two_factor.OWED, None)
            return render(request, "accounts/two_factor_codes.html", {"codes": codes})
        form.add_error("token", _("That code is not right. Try the newest one from your app."))
    context = {
        "form": form,
        "enabled": two_factor.has_device(user),
        "required": two_factor.required_for(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_for_typing(device),
    }
    return render(request, "accounts/two_factor.html", context)


@access_required(Role.ADMIN)
@require_POST
def organisation_require(request: HttpRequest) -> HttpResponse:
    organisation = selectors.organisation_of(request.user)
    required = request.POST.get("required") == "1"
    two_factor.set_required(organisation=organisation, required=required, by=request.user)
    if required:
        messages.success(
            request,
            _("Every member now signs in with a second factor; who has none sets it up next."),
        )
        two_factor.owe_enrolment_now(request)
    else:
        messages.success(request, _("Two-factor sign-in is now each member's own choice."))
    return redirect("organisation")


@access_required(Role.ADMIN)
@require_POST
def member_reset(request: HttpRequest, member_uuid) -> HttpResponse:
    membership = selectors.member_for_admin(request.user, member_uuid)
    try:
        two_factor.reset(membership=membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "%(name)s's two-factor sign-in was reset: they sign in with their password and "
                "set up a new authenticator."
            )
            % {"name": membership.user},
        )
    return redirect("member_edit", member_uuid=membership.uuid)
