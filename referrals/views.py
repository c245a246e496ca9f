"""Pages of referrals: a practitioner's list, making one from a session entry or a client page
(find the service with the directory's search, then note the referral and when to follow up), and
recording its outcome."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.access import Role, access_required
from config.forms import form_error
from directory import selectors as directory_selectors
from directory.models import STALE_AFTER_DAYS, Service
from directory.views import search_results
from referrals import selectors, services
from referrals.forms import OutcomeForm, ReferralForm

# A practitioner's list shows their latest referrals, up to this many.
REFERRALS_SHOWN = 200


def _service_warnings(service: Service) -> list[str]:
    warnings = []
    if service.do_not_refer:
        warnings.append(
            _("Your agency asks not to refer here for now.")
            + (f" {service.do_not_refer_reason}" if service.do_not_refer_reason else "")
        )
    if not service.is_listed:
        warnings.append(_("This service is no longer active."))
    if service.is_stale:
        warnings.append(
            _(
                "Nobody has verified this entry for more than %(days)s days: "
                "check the phone number and hours before you refer."
            )
            % {"days": STALE_AFTER_DAYS}
        )
    return warnings


@access_required(Role.PRACTITIONER)
def referral_list(request: HttpRequest) -> HttpResponse:
    referrals = selectors.referrals_of(request.user)
    return render(
        request,
        "referrals/referral_list.html",
        {"referrals": referrals[:REFERRALS_SHOWN], "today": timezone.localdate()},
    )


@access_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def referral_create(request: HttpRequest) -> HttpResponse:
    from journal import selectors as journal_selectors

    client = entry = None
    if request.GET.get("entry"):
        entry = journal_selectors.entry_for_owner(request.user, request.GET["entry"])
        client = entry.client
    elif request.GET.get("client"):
        client = journal_selectors.client_for_owner(request.user, request.GET["client"])
    keep = {
        k: v for k, v in (("client", client and client.uuid), ("entry", entry and entry.uuid)) if v
    }
    refer_query = "&".join(f"{k}={v}" for k, v in keep.items())
    if not request.GET.get("service"):
        # Step one: find the resource, with the same search practitioners use everywhere.
        context = {
            **search_results(request),
            "refer_query": refer_query,
            "client": client,
            "entry": entry,
            "keep": keep,
        }
        if request.htmx:
            return render(request, "referrals/referral_pick.html#results", context)
        return render(request, "referrals/referral_pick.html", context)
    service = directory_selectors.service_for_referral(request.user, request.GET["service"])
    warnings = _service_warnings(service)
    clients = None if client else journal_selectors.clients_of(request.user).order_by("code")
    form = ReferralForm(request.POST or None, clients=clients, warnings=warnings)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                by=request.user,
                client=client or form.cleaned_data["client"],
                entry=entry,
                service=service,
                reason=form.cleaned_data["reason"],
                client_consented=form.cleaned_data["client_consented"],
                follow_up_on=form.cleaned_data["follow_up_on"],
                form_token=form.cleaned_data.get("form_token"),
            )
        except ValidationError as exc:
            form_error(form, exc)
        except services.ReferralAlreadyMade as already:
            made = already.referral
            messages.info(
                request,
                _("This referral was already recorded at %(time)s; nothing was recorded twice.")
                % {"time": time_format(timezone.localtime(made.created_at), "TIME_FORMAT")},
            )
            return redirect("referrals:referral_detail", made.uuid)
        else:
            messages.success(
                request, _("The referral was recorded. You will be reminded to follow up.")
            )
            return redirect("referrals:referral_detail", referral.uuid)
    context = {
        "service": service,
        "warnings": warnings,
        "form": form,
        "client": client,
        "entry": entry,
        "refer_query": refer_query,
    }
    return render(request, "referrals/referral_form.html", context)


@access_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def referral_detail(request: HttpRequest, referral_uuid) -> HttpResponse:
    referral = selectors.referral_for_owner(request.user, referral_uuid)
    form = OutcomeForm(
        request.POST or None, initial={"outcome": referral.outcome, "note": referral.outcome_note}
    )
    if request.method == "POST" and form.is_valid():
        services.referral_record_outcome(
            referral=referral,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, _("The outcome was recorded."))
        return redirect("referrals:referral_detail", referral.uuid)
    return render(request, "referrals/referral_detail.html", {"referral": referral, "form": form})
