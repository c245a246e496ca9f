"""Journal pages: clients, session entries with live flags, the review queue, meetings, trends."""

import json
import uuid
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.access import Role, access_required
from accounts.languages import limen_language
from accounts.middleware import not_activity
from accounts.selectors import supervisees_of
from journal import exports, selectors, services
from journal.charts import trend_chart
from journal.forms import (
    MAX_TEXT,
    PRINCIPLES,
    ClientForm,
    DismissForm,
    EntryFilterForm,
    EntryForm,
    MeetingForm,
    NewEntryForm,
    ReportFlagForm,
    ReviewForm,
    code_looks_like_a_name,
    identifier_warnings,
)
from journal.hot_buttons import hot_button_prompts
from journal.models import Category, Flag, SessionEntry
from journal.slips import explain

PAGE_SIZE = 20
# The review queue lists this many of the entries shared with the supervisor, oldest first.
SHARED_SHOWN = 50


def _ui_lang() -> str:
    return limen_language(translation.get_language())


# --- Entries ----------------------------------------------------------------------------------


@access_required(Role.PRACTITIONER)
@vary_on_headers("HX-Request")
def entry_list(request: HttpRequest) -> HttpResponse:
    form = EntryFilterForm(request.GET or None, owner=request.user)
    filters = {}
    if form.is_bound:
        form.is_valid()  # a filter that does not parse is reported; the others still apply
        filters = form.cleaned_data
    entries = selectors.entries_of(
        request.user,
        client=filters.get("client"),
        category=filters.get("category", ""),
        flagged=filters.get("flagged", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        query=filters.get("q", ""),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "journal/entry_list.html#results" if request.htmx else "journal/entry_list.html"
    return render(request, template, context)


@access_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    initial = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
    if request.GET.get("client"):
        client = selectors.client_for_owner(request.user, request.GET["client"])
        initial["client"] = client
    form = NewEntryForm(request.POST or None, owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        # Nothing is stored yet: the entry gets its id now and its row with the first character.
        query = urlencode(
            {
                "client": form.cleaned_data["client"].uuid,
                "at": form.cleaned_data["occurred_at"].isoformat(),
            }
        )
        return redirect(reverse("journal:entry_edit", args=[uuid.uuid4()]) + f"?{query}")
    has_clients = selectors.clients_of(request.user).exists()
    return render(request, "journal/entry_new.html", {"form": form, "has_clients": has_clients})


def _theirs(entry: SessionEntry) -> list[tuple[str, str]]:
    """The stored text of an entry, field by field, to compare with the text in a stale tab."""
    return [
        (SessionEntry._meta.get_field(name).verbose_name, getattr(entry, name))
        for name in services.ENTRY_TEXT_FIELDS
        if getattr(entry, name)
    ]


def _entry_context(request, entry: SessionEntry, form: EntryForm) -> dict:
    return {
        "entry": entry,
        "form": form,
        "flags": selectors.flags_of_entry(entry),
        "report_form": ReportFlagForm(),
        "text_fields": [form[name] for name in SessionEntry.DETECTED_FIELDS],
        "next_field": form["next_steps"],
    }


@access_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, entry_uuid) -> HttpResponse:
    entry = _entry_to_write(request, entry_uuid)
    if request.method == "POST":
        form = EntryForm(request.POST, instance=entry, require_text=True)
        if form.is_valid():
            try:
                entry = services.entry_save(
                    entry=entry,
                    data=form.entry_data(),
                    base_version=form.cleaned_data["version"],
                    by=request.user,
                )
            except services.EditConflict as conflict:
                # Keep every word typed here, show what the other tab saved, and base the form on
                # that newer version: saving again is then a deliberate choice, never an accident.
                theirs = _theirs(conflict.entry)
                data = request.POST.copy()
                data["version"] = conflict.entry.version
                form = EntryForm(data, instance=conflict.entry)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "This entry was changed in another tab or window since you opened it. "
                        "Your text is still below, and what was saved there is shown for "
                        "comparison. Press Save again to keep your text, or load the other "
                        "version."
                    ),
                )
                context = _entry_context(request, conflict.entry, form)
                # Autosave pauses too: keeping one text or the other is the practitioner's call.
                context.update(theirs=theirs, state="conflict")
                return render(request, "journal/entry_edit.html", context, status=409)
            suggested = entry.flags.filter(status=Flag.Status.SUGGESTED).count()
            if suggested:
                messages.info(
                    request,
                    _("Saved. Limen noticed possible crossings: confirm or dismiss each below."),
                )
            else:
                messages.success(request, _("Saved."))
            return redirect("journal:entry", entry.uuid)
        return render(
            request, "journal/entry_edit.html", _entry_context(request, entry, form), status=422
        )
    form = EntryForm(instance=entry)
    return render(request, "journal/entry_edit.html", _entry_context(request, entry, form))


def _entry_to_write(request: HttpRequest, entry_uuid) -> SessionEntry:
    """The entry being written; before its first character, the unsaved one for the client
    named in the link (or the form)."""
    try:
        at = parse_datetime(request.GET.get("at", "")[:40])
    except ValueError:
        at = None
    return selectors.entry_or_unwritten(
        request.user,
        entry_uuid,
        client_uuid=request.POST.get("client") or request.GET.get("client"),
        occurred_at=at if at and timezone.is_aware(at) else None,
    )


@access_required(Role.PRACTITIONER, keep_page=True)
@require_POST
def entry_autosave(request: HttpRequest, entry_uuid) -> HttpResponse:
    """Save the draft while typing; answers with the "saved" indicator (or a conflict). Until
    something is written nothing is stored."""
    entry = _entry_to_write(request, entry_uuid)
    form = EntryForm(request.POST, instance=entry)
    if form.is_valid() and entry.pk is None and not form.written():
        not_activity(request)
        return render(request, "journal/entry_edit.html#save-status", {"entry": entry})
    if not form.is_valid():
        return render(
            request,
            "journal/entry_edit.html#save-status",
            {"entry": entry, "state": "invalid", "errors": form.errors},
            status=422,
        )
    version = entry.version
    try:
        entry = services.entry_autosave(
            entry=entry, data=form.entry_data(), base_version=form.cleaned_data["version"]
        )
    except services.EditConflict as conflict:
        return render(
            request,
            "journal/entry_edit.html#save-status",
            {"entry": conflict.entry, "state": "conflict"},
            status=409,
        )
    if entry.version == version:
        # The editor's 15-second timer with nothing new typed: the page at rest, not the person.
        not_activity(request)
    return render(
        request, "journal/entry_edit.html#save-status", {"entry": entry, "state": "saved"}
    )


@access_required(Role.PRACTITIONER, keep_page=True)
def entry_resume(request: HttpRequest, entry_uuid) -> HttpResponse:
    """After signing in again in another tab: a fresh CSRF token for the open editor, and the
    autosave restarted, so the text typed while signed out is saved without a page load."""
    entry = selectors.entry_for_owner(request.user, entry_uuid)
    return render(
        request, "journal/entry_edit.html#save-status", {"entry": entry, "state": "resumed"}
    )


@access_required(Role.PRACTITIONER, keep_page=True)
@require_POST
def detect_live(request: HttpRequest) -> HttpResponse:
    """The detector's findings for the text being typed (debounced htmx), never stored."""
    fields = {name: request.POST.get(name, "")[:MAX_TEXT] for name in SessionEntry.DETECTED_FIELDS}
    ui_lang = _ui_lang()
    _, findings = services.detect_fields(fields)
    text = "\n\n".join(v for v in fields.values() if v.strip())
    prompts = hot_button_prompts(request.user, text)
    warnings = identifier_warnings(*fields.values())
    context = {
        "findings": [
            {
                "field": SessionEntry._meta.get_field(name).verbose_name,
                "finding": f,
                "label": Category(f.category).label,
                "explanation": explain(f.category, ui_lang),
            }
            for name, f in findings
        ],
        "prompts": prompts,
        "warnings": warnings,
        # The count by the text on a narrow screen, swapped in out of band.
        "live_count": len(findings) + len(prompts) + len(warnings),
    }
    return render(request, "journal/entry_edit.html#live-findings", context)


@access_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def entry_discard(request: HttpRequest, entry_uuid) -> HttpResponse:
    """Throw away an abandoned draft, after asking."""
    entry = selectors.draft_for_owner(request.user, entry_uuid)
    if request.method == "POST":
        services.entry_discard(entry=entry, by=request.user)
        messages.success(request, _("The draft was discarded."))
        return redirect("journal:entries")
    return render(request, "journal/entry_discard.html", {"entry": entry})


@access_required()
def entry_detail(request: HttpRequest, entry_uuid) -> HttpResponse:
    """The author's entry with its flags; a supervisor's read-only view (audit-logged)."""
    entry = selectors.entry_for_reader(request.user, entry_uuid)
    if entry.owner_id != request.user.pk:
        services.entry_read_record(entry=entry, reader=request.user)
    flags = list(selectors.flags_of_entry(entry))
    new_review = services.entry_review_seen(entry=entry, by=request.user, flags=flags)
    return _entry_page(request, entry, flags=flags, new_review=new_review)


def _entry_page(
    request: HttpRequest,
    entry: SessionEntry,
    *,
    flags: list[Flag] | None = None,
    report_form: ReportFlagForm | None = None,
    status: int = 200,
    new_review: bool = False,
) -> HttpResponse:
    is_owner = entry.owner_id == request.user.pk
    if flags is None:
        flags = list(selectors.flags_of_entry(entry))
    if not is_owner:
        # Supervision sees what the practitioner brought to it, not open or dismissed suggestions.
        flags = [f for f in flags if f.status == Flag.Status.CONFIRMED]
    ui_lang = _ui_lang()
    context = {
        "entry": entry,
        "is_owner": is_owner,
        "flags": flags,
        "explanations": {f.category: explain(f.category, ui_lang) for f in flags},
        "sections": _highlighted_sections(entry, flags),
        "self_check": [(label, entry.self_check.get(name, "")) for name, label in PRINCIPLES]
        if entry.self_check
        else [],
        "report_form": report_form or ReportFlagForm(),
        "dismiss_form": DismissForm(),
        "new_review": new_review,
        "next_steps": selectors.flags_next_steps(entry, flags) if is_owner else {},
        "reads": exports.reads_of(entry) if is_owner else [],
        "prompts": hot_button_prompts(entry.owner, entry.text_for_detection) if is_owner else [],
        "warnings": identifier_warnings(entry.notes, entry.felt, entry.client.notes)
        if is_owner
        else [],
    }
    return render(request, "journal/entry_detail.html", context, status=status)


def _highlighted_sections(entry: SessionEntry, flags: list[Flag]) -> list[dict]:
    sections = []
    for name in SessionEntry.TEXT_FIELDS:
        text = getattr(entry, name)
        if not text:
            continue
        spans = [
            (f.start, f.end, f.category)
            for f in flags
            if f.field == name
            and f.status != Flag.Status.DISMISSED
            and f.start is not None
            and text[f.start : f.end] == f.quote
        ]
        sections.append(
            {
                "label": SessionEntry._meta.get_field(name).verbose_name,
                "text": text,
                "spans": spans,
            }
        )
    return sections


@access_required(Role.PRACTITIONER)
@require_POST
def entry_share(request: HttpRequest, entry_uuid) -> HttpResponse:
    entry = selectors.entry_for_owner(request.user, entry_uuid)
    share = request.POST.get("share") == "1"
    services.entry_share(entry=entry, by=request.user, shared=share)
    if share:
        messages.success(request, _("Shared with your supervisor."))
    else:
        messages.success(request, _("No longer shared."))
    return redirect("journal:entry", entry.uuid)


@access_required(Role.PRACTITIONER)
@require_POST
def flag_report(request: HttpRequest, entry_uuid) -> HttpResponse:
    entry = selectors.entry_for_owner(request.user, entry_uuid)
    form = ReportFlagForm(request.POST)
    if form.is_valid():
        services.flag_report(
            entry=entry,
            category=form.cleaned_data["category"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, _("Added. It goes to your supervisor's review queue."))
        return redirect(reverse("journal:entry", args=[entry.uuid]) + "#flags")
    return _entry_page(request, entry, report_form=form, status=422)


def _flag_response(request: HttpRequest, flag: Flag) -> HttpResponse:
    if request.htmx:
        flag.refresh_from_db()
        context = {
            "flag": flag,
            "explanations": {flag.category: explain(flag.category, _ui_lang())},
            "dismiss_form": DismissForm(),
            "is_owner": True,
            "focus": True,
            "next_steps": selectors.flags_next_steps(flag.entry, [flag]),
        }
        return render(request, "journal/entry_detail.html#flag-card", context)
    return redirect(reverse("journal:entry", args=[flag.entry.uuid]) + f"#flag-{flag.uuid}")


@access_required(Role.PRACTITIONER)
@require_POST
def flag_confirm(request: HttpRequest, flag_uuid) -> HttpResponse:
    flag = selectors.flag_for_owner(request.user, flag_uuid)
    if flag.status == Flag.Status.SUGGESTED or flag.status == Flag.Status.DISMISSED:
        services.flag_confirm(flag=flag, by=request.user)
    return _flag_response(request, flag)


@access_required(Role.PRACTITIONER)
@require_POST
def flag_dismiss(request: HttpRequest, flag_uuid) -> HttpResponse:
    flag = selectors.flag_for_owner(request.user, flag_uuid)
    form = DismissForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            context = {
                "flag": flag,
                "explanations": {flag.category: explain(flag.category, _ui_lang())},
                "dismiss_form": form,
                "is_owner": True,
                "focus": True,
            }
            return render(request, "journal/entry_detail.html#flag-card", context, status=422)
        messages.error(request, _("Say in a few words why this is not a crossing."))
        return redirect(reverse("journal:entry", args=[flag.entry.uuid]) + f"#flag-{flag.uuid}")
    if flag.status == Flag.Status.SUGGESTED:
        services.flag_dismiss(flag=flag, by=request.user, reason=form.cleaned_data["reason"])
    return _flag_response(request, flag)


# --- Clients ----------------------------------------------------------------------------------


@access_required(Role.PRACTITIONER)
def client_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "journal/client_list.html", {"clients": selectors.clients_of(request.user)}
    )


@access_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    form = ClientForm(request.POST or None, owner=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                client = services.client_create(owner=request.user, **form.cleaned_data)
            except IntegrityError:  # the same code, created a moment ago by a parallel request
                form.add_error("code", _("You already have a client with this code."))
            else:
                _warn_about_identifiers(request, client)
                return redirect("journal:client", client.uuid)
        elif form.resubmission_of is not None:
            return redirect("journal:client", form.resubmission_of.uuid)
    return render(request, "journal/client_form.html", {"form": form, "client": None})


def _warn_about_identifiers(request: HttpRequest, client) -> None:
    if code_looks_like_a_name(client.code):
        messages.warning(request, _code_warning(client.code))
    for warning in identifier_warnings(client.notes, client.code):
        messages.warning(
            request,
            _("The notes seem to contain %(what)s. Keep clients pseudonymous.") % {"what": warning},
        )


def _code_warning(code: str) -> str:
    return _(
        "The client code “%(code)s” looks like a person's name. Keep clients pseudonymous: "
        "use a code such as K-17."
    ) % {"code": code}


@access_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, client_uuid) -> HttpResponse:
    client = selectors.client_for_owner(request.user, client_uuid)
    form = ClientForm(request.POST or None, instance=client, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(client=client, **form.cleaned_data)
        except IntegrityError:
            form.add_error("code", _("You already have a client with this code."))
        else:
            _warn_about_identifiers(request, client)
            return redirect("journal:client", client.uuid)
    return render(request, "journal/client_form.html", {"form": form, "client": client})


@access_required(Role.PRACTITIONER)
def client_detail(request: HttpRequest, client_uuid) -> HttpResponse:
    client = selectors.client_for_owner(request.user, client_uuid)
    entries = selectors.entries_of(request.user, client=client)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "client": client,
        "page": page,
        "warnings": identifier_warnings(client.notes),
        "code_warning": _code_warning(client.code) if code_looks_like_a_name(client.code) else "",
        "records": selectors.client_records(client),
    }
    return render(request, "journal/client_detail.html", context)


@access_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def client_delete(request: HttpRequest, client_uuid) -> HttpResponse:
    client = selectors.client_for_owner(request.user, client_uuid)
    if request.method == "POST":
        if request.POST.get("confirm_code", "").strip() != client.code:
            messages.error(request, _("Type the client code exactly to confirm."))
            return redirect("journal:client_delete", client.uuid)
        code = client.code
        services.client_delete(client=client, by=request.user)
        messages.success(
            request, _("%(code)s and everything about them was deleted.") % {"code": code}
        )
        return redirect("journal:clients")
    context = {"client": client, "erasure": selectors.client_erasure(client)}
    return render(request, "journal/client_delete.html", context)


# --- Help ----------------------------------------------------------------------------------------


@access_required()
@require_GET
def crossing_help(request: HttpRequest, category: str) -> HttpResponse:
    """What a kind of crossing is about: its principle from the source articles and a question
    to reflect on, in the reader's language; linked from wherever a crossing is named."""
    if category not in Category.values:
        raise Http404
    context = {
        "category": Category(category),
        "explanation": explain(category, _ui_lang()),
        "others": [choice for choice in Category if choice != category],
    }
    return render(request, "journal/crossing_help.html", context)


# --- Supervision --------------------------------------------------------------------------------


@access_required(Role.SUPERVISOR)
@vary_on_headers("HX-Request")
def review_queue(request: HttpRequest) -> HttpResponse:
    supervisees = supervisees_of(request.user)
    practitioner = None
    if request.GET.get("practitioner"):
        try:
            practitioner = supervisees.get(pk=int(request.GET["practitioner"]))
        except (ValueError, supervisees.model.DoesNotExist):
            practitioner = None
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    flags = selectors.review_queue(request.user, practitioner=practitioner, category=category)
    shared = selectors.shared_entries_for(request.user, practitioner=practitioner)
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    # Rows start closed: a crossing's words are shown, and recorded as read, when it opens
    # (``review_item``).
    selectors.with_review_links(page.object_list)
    context = {
        "page": page,
        "supervisees": supervisees,
        "practitioner": practitioner,
        "category": category,
        "categories": Category.choices,
        "shared": selectors.with_entry_links(shared[:SHARED_SHOWN]),
    }
    template = "journal/review_queue.html#queue" if request.htmx else "journal/review_queue.html"
    return render(request, template, context)


@access_required(Role.SUPERVISOR)
@require_GET
@vary_on_headers("HX-Request")
def review_item(request: HttpRequest, flag_uuid) -> HttpResponse:
    """One crossing of the queue opened: its quote, note and review form (htmx fills the row
    with them; without JavaScript, a page of its own). Showing them records the read."""
    flag = selectors.flag_for_reviewer(request.user, flag_uuid)
    services.flags_shown_record(flags=[flag], reader=request.user)
    selectors.with_review_links([flag])
    context = {
        "flag": flag,
        "review_form": ReviewForm(),
        "outcomes": Flag.Outcome.choices,
        "show_body": True,
    }
    template = "journal/review_item.html#body" if request.htmx else "journal/review_item.html"
    return render(request, template, context)


@access_required(Role.SUPERVISOR)
@require_POST
def review_flag(request: HttpRequest, flag_uuid) -> HttpResponse:
    flag = selectors.flag_for_reviewer(request.user, flag_uuid)
    form = ReviewForm(request.POST)
    if form.is_valid():
        services.flag_review(flag=flag, by=request.user, **form.cleaned_data)
        flag.refresh_from_db()
        if not request.htmx:
            messages.success(request, _("Your review was saved; the practitioner can read it."))
            return redirect("journal:review")
    services.flags_shown_record(flags=[flag], reader=request.user)
    selectors.with_review_links([flag])
    context = {
        "flag": flag,
        "review_form": form,
        "outcomes": Flag.Outcome.choices,
        "just_reviewed": form.is_valid(),
        "show_body": True,
    }
    # Without JavaScript: the one item on a page of its own, with what was typed kept.
    template = "journal/review_item.html#item" if request.htmx else "journal/review_item.html"
    return render(request, template, context, status=200 if form.is_valid() else 422)


@access_required(Role.SUPERVISOR)
def review_flag_redirect(request: HttpRequest, flag_uuid) -> HttpResponse:
    """Links in reminders point here: open the entry with the flag in view."""
    flag = selectors.flag_for_reviewer(request.user, flag_uuid)
    return redirect(reverse("journal:entry", args=[flag.entry.uuid]) + f"#flag-{flag.uuid}")


@access_required(Role.SUPERVISOR, Role.PRACTITIONER)
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meetings_of(request.user)
    return render(
        request,
        "journal/meeting_list.html",
        {"meetings": meetings, "supervisees": supervisees_of(request.user)},
    )


@access_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    supervisee = selectors.practitioner_of_supervisor(
        request.user, request.GET.get("supervisee") or request.POST.get("supervisee") or 0
    )
    flags = selectors.flags_since_last_meeting(request.user, supervisee)
    form = MeetingForm(
        request.POST or None,
        flags_queryset=flags,
        initial={"held_on": timezone.localdate(), "flags": list(flags)},
    )
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_record(
            supervisor=request.user, supervisee=supervisee, **form.cleaned_data
        )
        messages.success(
            request,
            _("The meeting was recorded; %(name)s can read it.")
            % {"name": supervisee.get_full_name()},
        )
        return redirect("journal:meeting", meeting.uuid)
    return render(request, "journal/meeting_form.html", {"form": form, "supervisee": supervisee})


@access_required()
def meeting_detail(request: HttpRequest, meeting_uuid) -> HttpResponse:
    meeting = selectors.meeting_for_participant(request.user, meeting_uuid)
    context = {
        "meeting": meeting,
        "show_quotes": selectors.meeting_quotes_visible(request.user, meeting),
    }
    return render(request, "journal/meeting_detail.html", context)


# --- Trends and export ------------------------------------------------------------------------


@access_required(Role.PRACTITIONER)
def trends(request: HttpRequest) -> HttpResponse:
    data = selectors.flag_trends([request.user])
    context = {"chart": trend_chart(data), "team": False, "months": selectors.TREND_MONTHS}
    return render(request, "journal/trends.html", context)


@access_required(Role.SUPERVISOR)
def team_trends(request: HttpRequest) -> HttpResponse:
    supervisees = supervisees_of(request.user)
    data = selectors.flag_trends(supervisees)
    totals = selectors.confirmed_totals_by_owner(supervisees)
    per_person = [(person, totals.get(person.pk, 0)) for person in supervisees]
    return render(
        request,
        "journal/trends.html",
        {
            "chart": trend_chart(data),
            "team": True,
            "per_person": per_person,
            "months": selectors.TREND_MONTHS,
        },
    )


@access_required(Role.PRACTITIONER)
def export(request: HttpRequest) -> HttpResponse:
    payload = exports.journal_export(request.user)
    response = HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"limen-journal-{date.today():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access_required(Role.ADMIN)
def detector_precision(request: HttpRequest) -> HttpResponse:
    """For admins: how often practitioners confirmed or dismissed each rule's suggestions."""
    return render(
        request,
        "journal/detector_precision.html",
        {"categories": selectors.detector_precision(request.user)},
    )
