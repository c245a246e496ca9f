"""Pages of the directory: search and service pages for everyone in the agency; maintenance,
import, export and verification for its admins; the public page a service's contact uses to
confirm or correct a listing; and the referrals practitioners make."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.selectors import has_role, organisation_of
from accounts.views import role_required
from referrals import selectors, services
from referrals.forms import (
    CorrectionForm,
    DoNotReferForm,
    ExportForm,
    ImportForm,
    OutcomeForm,
    ReferralForm,
    SearchForm,
    ServiceForm,
    TermForm,
    VerificationRequestForm,
)
from referrals.hsds import exporter, spec
from referrals.models import DirectoryImport, PendingCorrection, Service
from referrals.selectors import SearchFilters


def member_required(view):
    """Signed in and a member of an agency (any role); otherwise 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if organisation_of(request.user) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _form_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _local_now(request: HttpRequest):
    return timezone.now().astimezone(request.user.tzinfo)


def _cards(request: HttpRequest, services_page) -> list[dict]:
    now = _local_now(request)
    return [{"service": s, "open_now": selectors.open_now(s, now)} for s in services_page]


# --- Search ---------------------------------------------------------------------------------


@member_required
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    choices = selectors.filter_choices(request.user)
    form = SearchForm(request.GET or None, choices=choices)
    filters = SearchFilters()
    if form.is_valid():
        filters = SearchFilters(**form.cleaned_data)
    results = selectors.service_search(request.user, filters)
    page = selectors.SearchPaginator(results, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "cards": _cards(request, page),
        "querystring": query.urlencode(),
        "refer_query": "",
        "is_admin": has_role(request.user, "admin"),
        "is_practitioner": has_role(request.user, "practitioner"),
    }
    if request.htmx:
        return render(request, "referrals/search.html#results", context)
    return render(request, "referrals/search.html", context)


@member_required
def service_detail(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_member(request.user, service_uuid)
    is_admin = has_role(request.user, "admin")
    context = {
        "service": service,
        "is_admin": is_admin,
        "open_now": selectors.open_now(service, _local_now(request)),
        "hours": services.hours_text(service),
        "can_refer": has_role(request.user, "practitioner"),
        "do_not_refer_form": DoNotReferForm(initial={"reason": service.do_not_refer_reason}),
    }
    return render(request, "referrals/service_detail.html", context)


# --- Maintenance ----------------------------------------------------------------------------


@role_required("admin")
@vary_on_headers("HX-Request")
def manage(request: HttpRequest) -> HttpResponse:
    rows = selectors.services_for_admin(request.user).select_related("organization")
    q = request.GET.get("q", "").strip()[:200]
    state = request.GET.get("state", "")
    if q:
        rows = rows.filter(name__icontains=q)
    if state == "stale":
        rows = rows.filter(pk__in=selectors.stale_services(request.user).values("pk"))
    elif state == "do_not_refer":
        rows = rows.filter(do_not_refer=True)
    elif state in Service.Status.values:
        rows = rows.filter(status=state)
    page = Paginator(rows.order_by("name", "pk"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "state": state,
        "states": [
            ("", _("All")),
            ("stale", _("Not verified for 180 days")),
            ("do_not_refer", _("Do not refer")),
            *Service.Status.choices,
        ],
        "stale_count": selectors.stale_services(request.user).count(),
        "correction_count": selectors.corrections_for_admin(request.user)
        .filter(status=PendingCorrection.Status.PENDING)
        .count(),
    }
    if request.htmx:
        return render(request, "referrals/manage.html#rows", context)
    return render(request, "referrals/manage.html", context)


@role_required("admin")
@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest) -> HttpResponse:
    terms = list(selectors.categories_for(request.user))
    form = ServiceForm(
        request.POST or None, terms=terms, initial={"status": "active", "country": "NL"}
    )
    if request.method == "POST" and form.is_valid():
        service = services.service_save(
            owner=organisation_of(request.user), data=form.to_data(), by=request.user
        )
        messages.success(
            request, _("“%(name)s” was added to the directory.") % {"name": service.name}
        )
        return redirect("referrals:service", service.uuid)
    return render(request, "referrals/service_form.html", {"form": form, "service": None})


@role_required("admin")
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_admin(request.user, service_uuid)
    terms = list(selectors.categories_for(request.user))
    initial = services.service_form_initial(service)
    form = ServiceForm(request.POST or None, terms=terms, initial=initial)
    if request.method == "POST" and form.is_valid():
        hours_changed = any(
            f"hours_{c}" in form.changed_data for c in ("mo", "tu", "we", "th", "fr", "sa", "su")
        )
        services.service_save(
            owner=service.owner,
            data=form.to_data(hours_changed=hours_changed),
            by=request.user,
            service=service,
        )
        messages.success(request, _("The service was saved."))
        return redirect("referrals:service", service.uuid)
    return render(request, "referrals/service_form.html", {"form": form, "service": service})


@role_required("admin")
@require_POST
def service_status(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_admin(request.user, service_uuid)
    status = request.POST.get("status", "")
    try:
        services.service_set_status(service=service, status=status, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The status is now “%(status)s”.") % {"status": service.get_status_display()}
        )
    return redirect("referrals:service", service.uuid)


@role_required("admin")
@require_POST
def service_do_not_refer(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_admin(request.user, service_uuid)
    form = DoNotReferForm(request.POST)
    form.is_valid()
    flag = request.POST.get("do_not_refer") == "1"
    services.service_set_do_not_refer(
        service=service,
        do_not_refer=flag,
        reason=form.cleaned_data.get("reason", ""),
        by=request.user,
    )
    messages.success(
        request,
        _("Practitioners are now warned not to refer here.")
        if flag
        else _("Practitioners may refer here again."),
    )
    return redirect("referrals:service", service.uuid)


@role_required("admin")
@require_POST
def service_verify(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_admin(request.user, service_uuid)
    services.service_verify(service=service, by=request.user)
    messages.success(request, _("“%(name)s” is marked as verified today.") % {"name": service.name})
    next_url = request.POST.get("next", "")
    if next_url == "verification":
        return redirect("referrals:verification")
    return redirect("referrals:service", service.uuid)


@role_required("admin")
@require_http_methods(["GET", "POST"])
def service_request_verification(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_admin(request.user, service_uuid)
    contact = next((c.email for c in service.contacts.all() if c.email), "")
    form = VerificationRequestForm(
        request.POST or None, initial={"email": service.email or contact}
    )
    if request.method == "POST" and form.is_valid():
        services.verification_request_send(
            service=service, email=form.cleaned_data["email"], by=request.user
        )
        messages.success(
            request,
            _("A link to check the listing was e-mailed to %(email)s. It works for 14 days.")
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("referrals:service", service.uuid)
    return render(
        request, "referrals/request_verification.html", {"form": form, "service": service}
    )


@role_required("admin")
def verification(request: HttpRequest) -> HttpResponse:
    stale = selectors.stale_services(request.user)
    page = Paginator(stale, 50).get_page(request.GET.get("page"))
    return render(request, "referrals/verification.html", {"page": page})


@role_required("admin")
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.term_create(
                owner=organisation_of(request.user),
                name=d["name"],
                labels={
                    "en": d["name"],
                    "nl": d["label_nl"],
                    "de": d["label_de"],
                    "fr": d["label_fr"],
                },
                by=request.user,
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The category was added."))
            return redirect("referrals:categories")
    terms = selectors.categories_for(request.user)
    return render(request, "referrals/categories.html", {"form": form, "terms": terms})


# --- Corrections ------------------------------------------------------------------------------


@role_required("admin")
def corrections(request: HttpRequest) -> HttpResponse:
    rows = selectors.corrections_for_admin(request.user).order_by("status", "-created_at")[:200]
    return render(request, "referrals/corrections.html", {"corrections": rows})


@role_required("admin")
@require_http_methods(["GET", "POST"])
def correction_detail(request: HttpRequest, correction_uuid) -> HttpResponse:
    correction = selectors.correction_for_admin(request.user, correction_uuid)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                services.correction_approve(correction=correction, by=request.user)
                messages.success(request, _("The correction is published."))
            else:
                services.correction_reject(correction=correction, by=request.user)
                messages.success(request, _("The correction was rejected."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("referrals:corrections")
    labels = {name: CorrectionForm.base_fields[name].label for name in CorrectionForm.base_fields}
    diff = [
        {"field": labels.get(name, name), "before": before, "after": after}
        for name, (before, after) in correction.changes.items()
    ]
    return render(
        request, "referrals/correction_detail.html", {"correction": correction, "diff": diff}
    )


# --- The public page for a service's own contact -------------------------------------------------


@require_http_methods(["GET", "POST"])
def public_verify(request: HttpRequest, token: str) -> HttpResponse:
    verification_request = services.verification_request_by_token(token)
    if verification_request is None:
        return render(request, "referrals/public_verify_invalid.html", status=404)
    service = verification_request.service
    current = services.correctable_values(service)
    form = CorrectionForm(request.POST or None, initial=current)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "confirm":
                services.verification_confirm(request=verification_request)
                return render(
                    request,
                    "referrals/public_verify_done.html",
                    {"service": service, "confirmed": True},
                )
            if form.is_valid():
                data = dict(form.cleaned_data)
                note = data.pop("note")
                services.correction_submit(request=verification_request, proposed=data, note=note)
                return render(
                    request,
                    "referrals/public_verify_done.html",
                    {"service": service, "confirmed": False},
                )
        except ValidationError:
            return render(request, "referrals/public_verify_invalid.html", status=404)
    response = render(request, "referrals/public_verify.html", {"service": service, "form": form})
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


# --- Import and export ----------------------------------------------------------------------


def _enqueue(directory_import: DirectoryImport) -> None:
    from referrals.tasks import import_directory_task

    pk = directory_import.pk
    transaction.on_commit(lambda: import_directory_task.delay(pk))


@role_required("admin")
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        directory_import = services.directory_import_create(
            organisation=organisation_of(request.user),
            filename=upload.name,
            payload=upload.read(),
            by=request.user,
        )
        if services.directory_import_should_run_async(directory_import):
            _enqueue(directory_import)
        else:
            services.directory_import_check(directory_import=directory_import)
        return redirect("referrals:import_detail", directory_import.uuid)
    recent = selectors.imports_for_admin(request.user)[:10]
    return render(request, "referrals/import_upload.html", {"form": form, "imports": recent})


@role_required("admin")
@vary_on_headers("HX-Request")
def import_detail(request: HttpRequest, import_uuid) -> HttpResponse:
    directory_import = selectors.import_for_admin(request.user, import_uuid)
    counts = directory_import.summary.get("counts", {})
    context = {
        "imp": directory_import,
        "progress": services.import_progress(directory_import),
        # In HSDS order: a jsonb column does not keep the order keys were written in.
        "counts": {t.name: counts[t.name] for t in spec.TABLES if t.name in counts},
        "errors": directory_import.errors[:200],
        "warnings": directory_import.warnings[:100],
    }
    if request.htmx:
        return render(request, "referrals/import_detail.html#status", context)
    return render(request, "referrals/import_detail.html", context)


@role_required("admin")
@require_POST
def import_confirm(request: HttpRequest, import_uuid) -> HttpResponse:
    directory_import = selectors.import_for_admin(request.user, import_uuid)
    try:
        directory_import = services.directory_import_confirm(
            directory_import=directory_import, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("referrals:import_detail", directory_import.uuid)
    if services.directory_import_should_run_async(directory_import):
        _enqueue(directory_import)
    else:
        directory_import = services.directory_import_apply(directory_import=directory_import)
        if directory_import.status == DirectoryImport.Status.DONE:
            messages.success(request, _("The directory was imported."))
    return redirect("referrals:import_detail", directory_import.uuid)


@role_required("admin")
def export(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.GET or None)
    if request.GET and form.is_valid():
        organisation = organisation_of(request.user)
        include = form.cleaned_data["include_confidential"]
        tables = exporter.collect(organisation, include_confidential=include)
        from accounts.services import audit_log

        audit_log(
            organisation=organisation,
            actor=request.user,
            action="referrals.directory.exported",
            data={"format": form.cleaned_data["format"], "include_confidential": include},
        )
        stamp = timezone.localdate().isoformat()
        if form.cleaned_data["format"] == "hsds-json":
            response = HttpResponse(exporter.to_json(tables), content_type="application/json")
            name = f"{organisation.slug}-directory-{stamp}.json"
        else:
            response = HttpResponse(exporter.to_zip(tables), content_type="application/zip")
            name = f"{organisation.slug}-directory-{stamp}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "referrals/export.html", {"form": form})


# --- Referrals ------------------------------------------------------------------------------


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
                "Nobody has verified this entry for more than 180 days: "
                "check the phone number and hours before you refer."
            )
        )
    return warnings


@role_required("practitioner")
def referral_list(request: HttpRequest) -> HttpResponse:
    referrals = selectors.referrals_of(request.user)
    return render(
        request,
        "referrals/referral_list.html",
        {"referrals": referrals[:200], "today": timezone.localdate()},
    )


@role_required("practitioner")
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
        choices = selectors.filter_choices(request.user)
        form = SearchForm(request.GET or None, choices=choices)
        filters = SearchFilters(**form.cleaned_data) if form.is_valid() else SearchFilters()
        page = selectors.SearchPaginator(
            selectors.service_search(request.user, filters), selectors.PAGE_SIZE
        ).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "page": page,
            "cards": _cards(request, page),
            "querystring": query.urlencode(),
            "refer_query": refer_query,
            "client": client,
            "entry": entry,
            "keep": keep,
        }
        if request.htmx:
            return render(request, "referrals/referral_pick.html#results", context)
        return render(request, "referrals/referral_pick.html", context)
    service = selectors.service_for_member(request.user, request.GET["service"])
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
            )
        except ValidationError as exc:
            _form_error(form, exc)
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


@role_required("practitioner")
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
