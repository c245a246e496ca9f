"""Pages for signing in, one's profile, and the organisation admin."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts import selectors, services, signin, two_factor
from accounts.access import Role, access_required
from accounts.forms import (
    CadenceForm,
    LocalisedPasswordResetForm,
    LoginForm,
    MemberAddForm,
    MemberEditForm,
    ProfileForm,
    SupervisionLinkForm,
)
from config.forms import form_error

# The organisation page shows the newest entries of its audit log, up to this many.
AUDIT_EVENTS_SHOWN = 15


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.has_device(user):
            # Not signed in yet: the code from the authenticator comes first.
            two_factor.start_pending(
                self.request, user, backend=user.backend, next_url=self.get_success_url()
            )
            return redirect("two_factor_verify")
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, in the account holder's language, with a limit on e-mails per account and
    per client address (each request otherwise mails whoever the address names)."""

    form_class = LocalisedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"

    def form_valid(self, form):
        if not signin.password_reset_allowed(self.request, form.cleaned_data["email"]):
            form.add_error(
                None,
                _(
                    "Too many sign-in links were asked for. Try again in an hour, or ask your "
                    "organisation's admin to send you one."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


@access_required(Role.SUPERVISOR)
def supervisees(request: HttpRequest) -> HttpResponse:
    links = selectors.supervision_links_of(request.user).filter(supervisor=request.user)
    return render(request, "accounts/supervisees.html", {"links": links})


@access_required()
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, user=user)
        if form.is_valid():
            services.profile_update(
                user=user,
                full_name=form.cleaned_data["full_name"],
                language=form.cleaned_data["language"],
                time_zone=form.cleaned_data["time_zone"],
                working_hours=form.cleaned_data["working_hours"],
            )
            translation.activate(user.language)
            messages.success(request, _("Your profile was saved."))
            response = redirect("profile")
            response.set_cookie(
                "django_language", user.language, samesite="Lax", secure=request.is_secure()
            )
            return response
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(user), user=user)
    readers = selectors.supervisor_links_of_supervisee(user)
    return render(request, "accounts/profile.html", {"form": form, "readers": readers})


@access_required()
@require_POST
def supervision_acknowledge(request: HttpRequest, link_uuid) -> HttpResponse:
    """The supervisee dismisses the notice about a new supervisor."""
    link = selectors.supervision_link_for_supervisee(request.user, link_uuid)
    services.supervision_link_acknowledge(link=link, by=request.user)
    return redirect("home")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person's choice is saved to their profile."""
    from django.conf import settings

    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("That language is not available."))
        return response
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=False,
    )
    return response


# --- Organisation admin ---------------------------------------------------------------------


@access_required(Role.ADMIN)
@vary_on_headers("HX-Request")
def organisation(request: HttpRequest) -> HttpResponse:
    members = selectors.members_visible_to_admin(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        members = members.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
    context = {
        "organisation": selectors.organisation_of(request.user),
        "members": members,
        "links": selectors.supervision_links_visible_to_admin(request.user),
        "events": selectors.audit_events_for_admin(request.user, limit=AUDIT_EVENTS_SHOWN),
        "q": query,
    }
    if request.htmx:
        return render(request, "accounts/organisation.html#members", context)
    return render(request, "accounts/organisation.html", context)


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest) -> HttpResponse:
    organisation = selectors.organisation_of(request.user)
    form = MemberAddForm(request.POST or None, initial={"is_practitioner": True})
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.member_add(
                organisation=organisation,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                language=form.cleaned_data["language"],
                is_practitioner=form.cleaned_data["is_practitioner"],
                is_supervisor=form.cleaned_data["is_supervisor"],
                is_admin=form.cleaned_data["is_admin"],
                by=request.user,
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            services.send_password_setup_email(
                user=membership.user, request=request, invited_by=request.user
            )
            messages.success(
                request,
                _("%(name)s was added and has been e-mailed a link to set a password.")
                % {"name": membership.user},
            )
            return redirect("organisation")
    return render(request, "accounts/member_form.html", {"form": form, "member": None})


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, member_uuid) -> HttpResponse:
    membership = selectors.member_for_admin(request.user, member_uuid)
    initial = {
        "full_name": membership.user.full_name,
        "is_practitioner": membership.is_practitioner,
        "is_supervisor": membership.is_supervisor,
        "is_admin": membership.is_admin,
    }
    form = MemberEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(membership=membership, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("%(name)s was updated.") % {"name": membership.user})
            return redirect("organisation")
    return render(request, "accounts/member_form.html", {"form": form, "member": membership})


@access_required(Role.ADMIN)
@require_POST
def member_set_active(request: HttpRequest, member_uuid) -> HttpResponse:
    membership = selectors.member_for_admin(request.user, member_uuid)
    active = request.POST.get("active") == "1"
    try:
        services.member_set_active(membership=membership, active=active, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if active:
            messages.success(request, _("%(name)s can sign in again.") % {"name": membership.user})
        else:
            messages.success(
                request,
                _("%(name)s was deactivated; their records are kept.") % {"name": membership.user},
            )
    return redirect("organisation")


@access_required(Role.ADMIN)
@require_POST
def member_resend_invite(request: HttpRequest, member_uuid) -> HttpResponse:
    membership = selectors.member_for_admin(request.user, member_uuid)
    if membership.user.is_active:
        # Someone who has never signed in gets the invitation again; others a plain link.
        invited_by = request.user if not membership.user.has_usable_password() else None
        services.send_password_setup_email(
            user=membership.user, request=request, invited_by=invited_by
        )
        messages.success(
            request,
            _("A new sign-in link was e-mailed to %(email)s.") % {"email": membership.user.email},
        )
    return redirect("organisation")


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def supervision_add(request: HttpRequest) -> HttpResponse:
    organisation = selectors.organisation_of(request.user)
    form = SupervisionLinkForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_link_create(
                organisation=organisation,
                supervisor=form.cleaned_data["supervisor"],
                supervisee=form.cleaned_data["supervisee"],
                cadence_weeks=form.cleaned_data["cadence_weeks"],
                by=request.user,
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The supervision pair was added."))
            return redirect(reverse("organisation") + "#pairs")
    return render(request, "accounts/supervision_form.html", {"form": form, "link": None})


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def supervision_edit(request: HttpRequest, link_uuid) -> HttpResponse:
    link = selectors.supervision_link_for_admin(request.user, link_uuid)
    form = CadenceForm(request.POST or None, initial={"cadence_weeks": link.cadence_weeks})
    if request.method == "POST" and form.is_valid():
        services.supervision_link_update(
            link=link, cadence_weeks=form.cleaned_data["cadence_weeks"], by=request.user
        )
        messages.success(request, _("The supervision pair was updated."))
        return redirect(reverse("organisation") + "#pairs")
    return render(request, "accounts/supervision_form.html", {"form": form, "link": link})


@access_required(Role.ADMIN)
@require_POST
def supervision_delete(request: HttpRequest, link_uuid) -> HttpResponse:
    link = selectors.supervision_link_for_admin(request.user, link_uuid)
    services.supervision_link_delete(link=link, by=request.user)
    messages.success(request, _("The supervision pair was removed."))
    return redirect(reverse("organisation") + "#pairs")
