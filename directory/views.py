"""Pages of the directory: search and service pages for everyone in the agency; maintenance,
import, export and verification for its admins; and the public page a service's contact uses to
confirm or correct a listing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.access import Role, access_required, has_role
from accounts.selectors import organisation_of
from accounts.services import audit_log
from config.forms import form_error
from directory import selectors
from directory.forms import (
    QUERY_MAX_LENGTH,
    ApiTokenForm,
    CorrectionForm,
    DoNotReferForm,
    ExportForm,
    ImportForm,
    PublicationForm,
    SearchForm,
    ServiceForm,
    SourceNoteForm,
    SubscriptionForm,
    SubscriptionSettingsForm,
    TermForm,
    VerificationRequestForm,
)
from directory.hsds import exporter, spec
from directory.models import (
    STALE_AFTER_DAYS,
    DirectoryImport,
    PendingCorrection,
    PullChangeSet,
    Service,
    Subscription,
)
from directory.search import query
from directory.search.cards import result_cards
from directory.services import api_access, imports, pulls, upkeep
from directory.services import verification as verifying
from directory.services.verification import VERIFICATION_LINK_DAYS

# Rows per page of the admin's lists, and how much of a long list one page shows at most.
MANAGE_PAGE_SIZE = 50
CORRECTIONS_SHOWN = 200
RECENT_IMPORTS_SHOWN = 10
IMPORT_ERRORS_SHOWN = 200
IMPORT_WARNINGS_SHOWN = 100


def _local_now(request: HttpRequest):
    return timezone.now().astimezone(request.user.tzinfo)


def search_results(request: HttpRequest) -> dict:
    """The search form and one page of results, as the directory's search and a referral's
    first step show them."""
    choices = query.filter_choices(request.user)
    form = SearchForm(request.GET or None, choices=choices)
    filters = query.SearchFilters(**form.cleaned_data) if form.is_valid() else query.SearchFilters()
    results = query.service_search(request.user, filters)
    page = query.SearchPaginator(results, query.PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "form": form,
        "page": page,
        "cards": result_cards(organisation_of(request.user), list(page), _local_now(request)),
        "querystring": params.urlencode(),
        "stale_after_days": STALE_AFTER_DAYS,
    }


# --- Search ---------------------------------------------------------------------------------


@access_required(*Role)
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    context = {
        **search_results(request),
        "refer_query": "",
        "is_admin": has_role(request.user, Role.ADMIN),
        "is_practitioner": has_role(request.user, Role.PRACTITIONER),
    }
    if request.htmx:
        return render(request, "directory/search.html#results", context)
    return render(request, "directory/search.html", context)


@access_required(*Role)
def service_detail(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_member(request.user, service_uuid)
    is_admin = has_role(request.user, Role.ADMIN)
    context = {
        "service": service,
        "is_admin": is_admin,
        "open_now": query.open_now(service, _local_now(request)),
        "hours": upkeep.hours_text(service),
        "can_refer": has_role(request.user, Role.PRACTITIONER),
        "do_not_refer_form": DoNotReferForm(initial={"reason": service.do_not_refer_reason}),
        "stale_after_days": STALE_AFTER_DAYS,
    }
    return render(request, "directory/service_detail.html", context)


# --- Maintenance ----------------------------------------------------------------------------


@access_required(Role.ADMIN)
@vary_on_headers("HX-Request")
def manage(request: HttpRequest) -> HttpResponse:
    rows = selectors.services_for_admin(request.user).select_related("organization")
    q = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    state = request.GET.get("state", "")
    if q:
        rows = rows.filter(name__icontains=q)
    if state == "stale":
        rows = rows.filter(pk__in=selectors.stale_services(request.user).values("pk"))
    elif state == "do_not_refer":
        rows = rows.filter(do_not_refer=True)
    elif state in Service.Status.values:
        rows = rows.filter(status=state)
    page = Paginator(rows.order_by("name", "pk"), MANAGE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "q": q,
        "state": state,
        "states": [
            ("", _("All")),
            ("stale", _("Not verified for %(days)s days") % {"days": STALE_AFTER_DAYS}),
            ("do_not_refer", _("Do not refer")),
            *Service.Status.choices,
        ],
        "stale_count": selectors.stale_services(request.user).count(),
        "correction_count": selectors.corrections_for_admin(request.user)
        .filter(status=PendingCorrection.Status.PENDING)
        .count(),
        "stale_after_days": STALE_AFTER_DAYS,
    }
    if request.htmx:
        return render(request, "directory/manage.html#rows", context)
    return render(request, "directory/manage.html", context)


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest) -> HttpResponse:
    terms = list(selectors.categories_for(request.user))
    form = ServiceForm(
        request.POST or None, terms=terms, initial={"status": "active", "country": "NL"}
    )
    if request.method == "POST" and form.is_valid():
        service = upkeep.service_save(
            owner=organisation_of(request.user), data=form.to_data(), by=request.user
        )
        messages.success(
            request, _("“%(name)s” was added to the directory.") % {"name": service.name}
        )
        return redirect("directory:service", service.uuid)
    return render(request, "directory/service_form.html", {"form": form, "service": None})


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_admin(request.user, service_uuid)
    if service.source_id is not None:
        messages.error(
            request,
            _(
                "“%(name)s” is kept by %(source)s and pulled from there: it is not edited here. "
                "Write them a note with the correction."
            )
            % {"name": service.name, "source": service.source.name},
        )
        return redirect("directory:service_source_note", service.uuid)
    terms = list(selectors.categories_for(request.user))
    initial = upkeep.service_form_initial(service)
    form = ServiceForm(request.POST or None, terms=terms, initial=initial)
    if request.method == "POST" and form.is_valid():
        hours_changed = any(
            f"hours_{c}" in form.changed_data for c in ("mo", "tu", "we", "th", "fr", "sa", "su")
        )
        upkeep.service_save(
            owner=service.owner,
            data=form.to_data(hours_changed=hours_changed),
            by=request.user,
            service=service,
        )
        messages.success(request, _("The service was saved."))
        return redirect("directory:service", service.uuid)
    return render(request, "directory/service_form.html", {"form": form, "service": service})


@access_required(Role.ADMIN)
@require_POST
def service_status(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_admin(request.user, service_uuid)
    status = request.POST.get("status", "")
    try:
        upkeep.service_set_status(service=service, status=status, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The status is now “%(status)s”.") % {"status": service.get_status_display()}
        )
    return redirect("directory:service", service.uuid)


@access_required(Role.ADMIN)
@require_POST
def service_do_not_refer(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_admin(request.user, service_uuid)
    form = DoNotReferForm(request.POST)
    form.is_valid()
    flag = request.POST.get("do_not_refer") == "1"
    upkeep.service_set_do_not_refer(
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
    return redirect("directory:service", service.uuid)


@access_required(Role.ADMIN)
@require_POST
def service_verify(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_admin(request.user, service_uuid)
    upkeep.service_verify(service=service, by=request.user)
    messages.success(request, _("“%(name)s” is marked as verified today.") % {"name": service.name})
    next_url = request.POST.get("next", "")
    if next_url == "verification":
        return redirect("directory:verification")
    return redirect("directory:service", service.uuid)


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def service_request_verification(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_admin(request.user, service_uuid)
    contact = next((c.email for c in service.contacts.all() if c.email), "")
    form = VerificationRequestForm(
        request.POST or None, initial={"email": service.email or contact}
    )
    if request.method == "POST" and form.is_valid():
        verifying.verification_request_send(
            service=service, email=form.cleaned_data["email"], by=request.user
        )
        messages.success(
            request,
            _("A link to check the listing was e-mailed to %(email)s. It works for %(days)s days.")
            % {"email": form.cleaned_data["email"], "days": VERIFICATION_LINK_DAYS},
        )
        return redirect("directory:service", service.uuid)
    context = {"form": form, "service": service, "link_days": VERIFICATION_LINK_DAYS}
    return render(request, "directory/request_verification.html", context)


@access_required(Role.ADMIN)
def verification(request: HttpRequest) -> HttpResponse:
    stale = selectors.stale_services(request.user)
    page = Paginator(stale, MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "stale_after_days": STALE_AFTER_DAYS}
    return render(request, "directory/verification.html", context)


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            upkeep.term_create(
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
            form_error(form, exc)
        else:
            messages.success(request, _("The category was added."))
            return redirect("directory:categories")
    terms = selectors.categories_for(request.user)
    return render(request, "directory/categories.html", {"form": form, "terms": terms})


# --- Corrections ------------------------------------------------------------------------------


@access_required(Role.ADMIN)
def corrections(request: HttpRequest) -> HttpResponse:
    rows = selectors.corrections_for_admin(request.user).order_by("status", "-created_at")[
        :CORRECTIONS_SHOWN
    ]
    return render(request, "directory/corrections.html", {"corrections": rows})


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def correction_detail(request: HttpRequest, correction_uuid) -> HttpResponse:
    correction = selectors.correction_for_admin(request.user, correction_uuid)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                verifying.correction_approve(correction=correction, by=request.user)
                messages.success(request, _("The correction is published."))
            else:
                verifying.correction_reject(correction=correction, by=request.user)
                messages.success(request, _("The correction was rejected."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("directory:corrections")
    labels = {name: CorrectionForm.base_fields[name].label for name in CorrectionForm.base_fields}
    diff = [
        {"field": labels.get(name, name), "before": before, "after": after}
        for name, (before, after) in correction.changes.items()
    ]
    return render(
        request, "directory/correction_detail.html", {"correction": correction, "diff": diff}
    )


# --- The public page for a service's own contact -------------------------------------------------


def _link_invalid(request: HttpRequest) -> HttpResponse:
    context = {"link_days": VERIFICATION_LINK_DAYS}
    return render(request, "directory/public_verify_invalid.html", context, status=404)


@require_http_methods(["GET", "POST"])
def public_verify(request: HttpRequest, token: str) -> HttpResponse:
    verification_request = verifying.verification_request_by_token(token)
    if verification_request is None:
        return _link_invalid(request)
    service = verification_request.service
    current = verifying.correctable_values(service)
    form = CorrectionForm(request.POST or None, initial=current)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "confirm":
                verifying.verification_confirm(request=verification_request)
                return render(
                    request,
                    "directory/public_verify_done.html",
                    {"service": service, "confirmed": True},
                )
            if form.is_valid():
                data = dict(form.cleaned_data)
                note = data.pop("note")
                verifying.correction_submit(request=verification_request, proposed=data, note=note)
                return render(
                    request,
                    "directory/public_verify_done.html",
                    {"service": service, "confirmed": False},
                )
        except ValidationError:
            return _link_invalid(request)
    response = render(request, "directory/public_verify.html", {"service": service, "form": form})
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


# --- Import and export ----------------------------------------------------------------------


def _enqueue(directory_import: DirectoryImport) -> None:
    from directory.tasks import import_directory_task

    pk = directory_import.pk
    transaction.on_commit(lambda: import_directory_task.delay(pk))


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    failed = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        directory_import = imports.directory_import_create(
            organisation=organisation_of(request.user),
            filename=upload.name,
            payload=upload.read(),
            by=request.user,
        )
        if imports.directory_import_should_run_async(directory_import):
            _enqueue(directory_import)
            return redirect("directory:import_detail", directory_import.uuid)
        directory_import = imports.directory_import_check(directory_import=directory_import)
        if directory_import.status != DirectoryImport.Status.INVALID:
            return redirect("directory:import_detail", directory_import.uuid)
        # A file with problems: the upload form stays, with what to fix right above it.
        failed = directory_import
    recent = selectors.imports_for_admin(request.user)[:RECENT_IMPORTS_SHOWN]
    context = {"form": form, "imports": recent, "failed": failed}
    if failed is not None:
        context["errors"] = failed.errors[:IMPORT_ERRORS_SHOWN]
        context["warnings"] = failed.warnings[:IMPORT_WARNINGS_SHOWN]
    return render(request, "directory/import_upload.html", context)


@access_required(Role.ADMIN)
@vary_on_headers("HX-Request")
def import_detail(request: HttpRequest, import_uuid) -> HttpResponse:
    directory_import = selectors.import_for_admin(request.user, import_uuid)
    counts = directory_import.summary.get("counts", {})
    context = {
        "imp": directory_import,
        "progress": imports.import_progress(directory_import),
        # In HSDS order (a jsonb column does not keep the order keys were written in), named by
        # the file each table comes in, as the problems are.
        "counts": {t.filename: counts[t.name] for t in spec.TABLES if t.name in counts},
        "errors": directory_import.errors[:IMPORT_ERRORS_SHOWN],
        "warnings": directory_import.warnings[:IMPORT_WARNINGS_SHOWN],
    }
    if request.htmx:
        return render(request, "directory/import_detail.html#status", context)
    return render(request, "directory/import_detail.html", context)


@access_required(Role.ADMIN)
@require_POST
def import_confirm(request: HttpRequest, import_uuid) -> HttpResponse:
    directory_import = selectors.import_for_admin(request.user, import_uuid)
    try:
        directory_import = imports.directory_import_confirm(
            directory_import=directory_import, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("directory:import_detail", directory_import.uuid)
    if imports.directory_import_should_run_async(directory_import):
        _enqueue(directory_import)
    else:
        directory_import = imports.directory_import_apply(directory_import=directory_import)
        if directory_import.status == DirectoryImport.Status.DONE:
            messages.success(request, _("The directory was imported."))
    return redirect("directory:import_detail", directory_import.uuid)


@access_required(Role.ADMIN)
def export(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.GET or None)
    if request.GET and form.is_valid():
        organisation = organisation_of(request.user)
        include = form.cleaned_data["include_confidential"]
        tables = exporter.collect(organisation, include_confidential=include)
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
        elif form.cleaned_data["format"] == "xlsx":
            response = HttpResponse(exporter.to_xlsx(tables), content_type=exporter.XLSX_TYPE)
            name = f"{organisation.slug}-directory-{stamp}.xlsx"
        else:
            response = HttpResponse(exporter.to_zip(tables), content_type="application/zip")
            name = f"{organisation.slug}-directory-{stamp}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "directory/export.html", {"form": form})


# --- The HSDS API: read tokens and open publication --------------------------------------------


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def api_access_manage(request: HttpRequest) -> HttpResponse:
    organisation = organisation_of(request.user)
    token_form = ApiTokenForm(request.POST if "name" in request.POST else None)
    publication_form = PublicationForm(
        request.POST if "publication" in request.POST else None,
        initial={"is_open": selectors.directory_is_published(request.user)},
    )
    new_token = None
    if request.method == "POST" and token_form.is_valid():
        new_token = api_access.api_token_create(
            organisation=organisation, name=token_form.cleaned_data["name"], by=request.user
        )[1]
        token_form = ApiTokenForm()
    elif request.method == "POST" and publication_form.is_valid():
        is_open = publication_form.cleaned_data["is_open"]
        api_access.directory_publish(organisation=organisation, is_open=is_open, by=request.user)
        messages.success(
            request,
            _("The directory is published openly.")
            if is_open
            else _("The directory is readable with a token only."),
        )
        return redirect("directory:api_access")
    response = render(
        request,
        "directory/api_access.html",
        {
            "token_form": token_form,
            "publication_form": publication_form,
            "new_token": new_token,
            "tokens": selectors.api_tokens_for_admin(request.user),
            "api_url": request.build_absolute_uri(reverse("hsds_api:token:root")),
            "open_url": request.build_absolute_uri(
                reverse("hsds_api:open:root", kwargs={"slug": organisation.slug})
            ),
            "is_open": selectors.directory_is_published(request.user),
        },
    )
    # The token is shown this once: never from a cache or the browser's back button.
    response["Cache-Control"] = "no-store"
    return response


@access_required(Role.ADMIN)
@require_POST
def api_token_revoke(request: HttpRequest, token_uuid) -> HttpResponse:
    token = selectors.api_token_for_admin(request.user, token_uuid)
    api_access.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("directory:api_access")


# --- Pulling another agency's directory ----------------------------------------------------------

CHANGE_SETS_SHOWN = 20
SOURCE_NOTES_SHOWN = 50


def _enqueue_pull(subscription: Subscription) -> None:
    from directory.tasks import pull_subscription_task

    pk = subscription.pk
    transaction.on_commit(lambda: pull_subscription_task.delay(pk))


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        subscription = pulls.subscription_create(
            organisation=organisation_of(request.user),
            name=d["name"],
            base_url=d["base_url"],
            token=d["token"],
            is_scheduled=d["is_scheduled"],
            auto_apply=d["auto_apply"],
            by=request.user,
        )
        _enqueue_pull(subscription)
        messages.success(
            request, _("Subscribed. The first pull has started; its outcome appears here.")
        )
        return redirect("directory:subscription", subscription.uuid)
    rows = selectors.subscriptions_for_admin(request.user)
    response = render(request, "directory/subscriptions.html", {"form": form, "rows": rows})
    response["Cache-Control"] = "no-store"
    return response


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def subscription_detail(request: HttpRequest, subscription_uuid) -> HttpResponse:
    subscription = selectors.subscription_for_admin(request.user, subscription_uuid)
    form = SubscriptionSettingsForm(
        request.POST or None,
        initial={"is_scheduled": subscription.is_scheduled, "auto_apply": subscription.auto_apply},
    )
    if request.method == "POST" and form.is_valid():
        pulls.subscription_update(subscription=subscription, **form.cleaned_data, by=request.user)
        messages.success(request, _("The subscription was saved."))
        return redirect("directory:subscription", subscription.uuid)
    context = {
        "subscription": subscription,
        "form": form,
        "change_sets": subscription.change_sets.defer("payload")[:CHANGE_SETS_SHOWN],
        "notes": subscription.notes.select_related("service", "created_by")[:SOURCE_NOTES_SHOWN],
        "pulled_count": subscription.services.count(),
    }
    response = render(request, "directory/subscription_detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@access_required(Role.ADMIN)
@require_POST
def subscription_pull_now(request: HttpRequest, subscription_uuid) -> HttpResponse:
    subscription = selectors.subscription_for_admin(request.user, subscription_uuid)
    _enqueue_pull(subscription)
    messages.success(request, _("A pull has started; its outcome appears here."))
    return redirect("directory:subscription", subscription.uuid)


@access_required(Role.ADMIN)
@require_POST
def subscription_delete(request: HttpRequest, subscription_uuid) -> HttpResponse:
    subscription = selectors.subscription_for_admin(request.user, subscription_uuid)
    pulls.subscription_delete(subscription=subscription, by=request.user)
    messages.success(
        request,
        _("Unsubscribed. The services pulled so far stay, and can now be edited here."),
    )
    return redirect("directory:subscriptions")


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def change_set_detail(request: HttpRequest, change_set_uuid) -> HttpResponse:
    change_set = selectors.change_set_for_admin(request.user, change_set_uuid)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                change_set = pulls.change_set_approve(change_set=change_set, by=request.user)
                if change_set.status == PullChangeSet.Status.APPLIED:
                    messages.success(request, _("The changes were applied."))
                else:
                    messages.error(request, _("The changes no longer fit; nothing was changed."))
            else:
                pulls.change_set_reject(change_set=change_set, by=request.user)
                messages.success(request, _("The changes were rejected."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("directory:change_set", change_set.uuid)
    context = {
        "change_set": change_set,
        "subscription": change_set.subscription,
        "groups": [
            (_("New services"), change_set.changes.get("created", [])),
            (_("Updated services"), change_set.changes.get("updated", [])),
            (_("Withdrawn services"), change_set.changes.get("withdrawn", [])),
        ],
        "errors": change_set.errors[:IMPORT_ERRORS_SHOWN],
    }
    return render(request, "directory/change_set.html", context)


@access_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def service_source_note(request: HttpRequest, service_uuid) -> HttpResponse:
    service = selectors.service_for_admin(request.user, service_uuid)
    if service.source_id is None:
        return redirect("directory:service_edit", service.uuid)
    form = SourceNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pulls.source_note_create(service=service, text=form.cleaned_data["text"], by=request.user)
        messages.success(
            request,
            _("Your note is kept for %(source)s with the subscription.")
            % {"source": service.source.name},
        )
        return redirect("directory:service", service.uuid)
    return render(request, "directory/source_note.html", {"form": form, "service": service})
