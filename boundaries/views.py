"""Pages of the self-inventory, the register, and summaries shared with a supervisor.

Every page works as plain HTML forms; htmx saves each answer as it is given and swaps steps.
Objects are fetched through ``selectors`` (404 for anything that is not the user's own).
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url

from accounts.access import Role, access_required
from accounts.selectors import supervisors_of
from boundaries import scoring, selectors, services
from boundaries.forms import ShareForm, TopicForm, answers_in
from config.forms import form_error

# The inventory's home lists this many register entries, and counts the rest.
TOPICS_SHOWN = 5


# --- Inventory home -------------------------------------------------------------------------


@access_required(Role.PRACTITIONER)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    open_take = selectors.open_take_of(user)
    completed = list(selectors.completed_takes_of(user))
    profiles = selectors.profiles_of(completed)
    context = {
        "open_take": open_take,
        "open_progress": selectors.progress_of(open_take) if open_take else None,
        "history": [(take, profiles[take.pk]) for take in completed],
        "latest": completed[0] if completed else None,
        "next_retake": selectors.next_retake_on(user),
        "topics": list(selectors.hot_button_topics_of(user)),
        "topics_shown": TOPICS_SHOWN,
        "shares": list(selectors.shares_given_by(user)),
        "has_supervisors": supervisors_of(user).exists(),
    }
    return render(request, "boundaries/home.html", context)


@access_required(Role.PRACTITIONER)
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    take = services.take_start(user=request.user)
    return redirect("boundaries:take", take.uuid)


# --- Taking the inventory -------------------------------------------------------------------


@access_required()
def take(request: HttpRequest, take_uuid: UUID) -> HttpResponse:
    """Resume where the practitioner left off: the step of the first unanswered item."""
    take = selectors.take_for_owner(request.user, take_uuid)
    if take.is_complete:
        return redirect("boundaries:results", take.uuid)
    return redirect("boundaries:step", take.uuid, selectors.resume_step(take))


def _render_step(
    request: HttpRequest, step: selectors.Step, *, errors=(), status: int = 200
) -> HttpResponse:
    context = {"step": step, "take": step.take, "progress": step.progress, "step_errors": errors}
    template = "boundaries/take_step.html"
    if request.htmx and not request.htmx.boosted:
        template += "#step"
        context["oob"] = True  # the progress bar outside the step is refreshed too
    return render(request, template, context, status=status)


def _leave_step(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _already_finished(request: HttpRequest, take) -> HttpResponse:
    """A change sent to a take finished meanwhile (another tab, a double submit): say so."""
    if request.htmx:
        messages.info(request, _("This inventory was already finished; nothing was changed."))
        return HttpResponseClientRedirect(reverse("boundaries:results", args=[take.uuid]))
    return render(request, "boundaries/already_finished.html", {"take": take}, status=400)


@access_required()
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def step(request: HttpRequest, take_uuid: UUID, number: int) -> HttpResponse:
    take = selectors.take_for_owner(request.user, take_uuid)
    if request.method == "GET":
        if take.is_complete:
            return redirect("boundaries:results", take.uuid)
        return _render_step(request, selectors.step_of(take, number))

    current = selectors.step_of(take, number)
    if take.is_complete:
        return _already_finished(request, take)
    posted = answers_in(request.POST)
    try:
        services.answers_save(take=take, answers=posted)
    except services.AlreadyFinished:
        return _already_finished(request, take)
    except ValidationError as exc:
        # Nothing was saved; show the page again with what was chosen, the faulty ones marked.
        step = selectors.step_with_posted(current, posted)
        return _render_step(request, step, errors=exc.messages, status=422)
    go = request.POST.get("go")
    if go == "later":
        messages.success(request, _("Your answers are saved. Resume whenever you like."))
        return _leave_step(request, reverse("boundaries:home"))
    if go == "previous":
        target = current.previous or 1
    elif current.next is None:
        return _leave_step(request, reverse("boundaries:finish", args=[take.uuid]))
    else:
        target = current.next
    url = reverse("boundaries:step", args=[take.uuid, target])
    if request.htmx:
        return push_url(_render_step(request, selectors.step_of(take, target)), url)
    return redirect(url)


@access_required()
@require_POST
def answer(request: HttpRequest, take_uuid: UUID) -> HttpResponse:
    """Save the one answer just given (htmx, on change of a radio group)."""
    take = selectors.take_for_owner(request.user, take_uuid)
    given = answers_in(request.POST)
    context = {"take": take, "saved": None, "errors": []}
    if len(given) != 1:
        context["errors"] = [_("Send exactly one answer.")]
        return render(request, "boundaries/take_step.html#answer-status", context, status=400)
    ((item_id, value),) = given.items()
    try:
        if take.is_complete:
            raise services.AlreadyFinished(take)
        saved = services.answer_save(take=take, item_id=item_id, value=value)
    except services.AlreadyFinished:
        if not request.htmx:
            return _already_finished(request, take)
        context["errors"] = [_("This inventory was already finished; nothing was changed.")]
        return render(request, "boundaries/take_step.html#answer-status", context, status=400)
    except ValidationError as exc:
        context["errors"] = exc.messages
        return render(request, "boundaries/take_step.html#answer-status", context, status=422)
    if not request.htmx:
        return redirect("boundaries:step", take.uuid, saved.item.section.position)
    context.update(
        saved=saved,
        progress=selectors.progress_of(take),
        step_link=selectors.step_link_of(take, saved.item.section),
        oob=True,
    )
    return render(request, "boundaries/take_step.html#answer-status", context)


def _missing_by_step(missing) -> list[tuple[int, str, list]]:
    steps: dict[int, tuple[int, str, list]] = {}
    for item in missing:
        section = item.section
        steps.setdefault(section.position, (section.position, section.title_text, []))[2].append(
            item
        )
    return list(steps.values())


@access_required()
@require_http_methods(["GET", "POST"])
def finish(request: HttpRequest, take_uuid: UUID) -> HttpResponse:
    take = selectors.take_for_owner(request.user, take_uuid)
    if take.is_complete:
        if request.method == "GET":
            return redirect("boundaries:results", take.uuid)
        return render(request, "boundaries/already_finished.html", {"take": take}, status=400)
    status, error = 200, None
    if request.method == "POST":
        try:
            services.take_complete(take=take)
        except services.AlreadyFinished:
            return render(request, "boundaries/already_finished.html", {"take": take}, status=400)
        except services.IncompleteTake as exc:
            status, error = 422, exc.messages[0]
        else:
            messages.success(request, _("Your inventory is finished. Here are your results."))
            return redirect("boundaries:results", take.uuid)
    missing = list(selectors.unanswered_items(take))
    context = {
        "take": take,
        "progress": selectors.progress_of(take),
        "missing_steps": _missing_by_step(missing),
        "error": error,
    }
    return render(request, "boundaries/finish.html", context, status=status)


# --- Results --------------------------------------------------------------------------------


@access_required()
def results(request: HttpRequest, take_uuid: UUID) -> HttpResponse:
    take = selectors.take_for_owner(request.user, take_uuid)
    if not take.is_complete:
        return redirect("boundaries:take", take.uuid)
    previous = selectors.previous_completed_take(take)
    profiles = selectors.profiles_of([t for t in (take, previous) if t is not None])
    current = profiles[take.pk]
    before = profiles[previous.pk] if previous else None
    context = {
        "take": take,
        "previous": previous,
        "profile": current,
        "chart": scoring.section_chart(current, before),
        "section_changes": scoring.section_changes(before, current) if before else [],
        "item_changes": scoring.item_changes(before, current) if before else [],
        "needs_attention": current.needs_attention(),
        "weakest": current.weakest_sections(),
        "has_supervisors": supervisors_of(request.user).exists(),
    }
    return render(request, "boundaries/results.html", context)


# --- The register ---------------------------------------------------------------------------


@access_required(Role.PRACTITIONER)
def register(request: HttpRequest) -> HttpResponse:
    topics = selectors.hot_button_topics_of(request.user)
    return render(request, "boundaries/register.html", {"topics": topics})


@access_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def topic_create(request: HttpRequest) -> HttpResponse:
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The entry was added to your register."))
            return redirect("boundaries:register")
    return render(request, "boundaries/topic_form.html", {"form": form, "entry": None})


@access_required()
@require_http_methods(["GET", "POST"])
def topic_edit(request: HttpRequest, topic_uuid: UUID) -> HttpResponse:
    entry = selectors.topic_for_owner(request.user, topic_uuid)
    form = TopicForm(request.POST or None, initial=TopicForm.initial_for(entry))
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            entry.refresh_from_db()  # the refused values were set on it; show the saved ones
            form_error(form, exc)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("boundaries:register")
    return render(request, "boundaries/topic_form.html", {"form": form, "entry": entry})


@access_required()
@require_http_methods(["GET", "POST"])
def topic_delete(request: HttpRequest, topic_uuid: UUID) -> HttpResponse:
    entry = selectors.topic_for_owner(request.user, topic_uuid)
    if request.method == "POST":
        services.topic_delete(entry=entry)
        messages.success(request, _("The entry was deleted."))
        return redirect("boundaries:register")
    return render(request, "boundaries/topic_delete.html", {"entry": entry})


# --- Sharing with a supervisor --------------------------------------------------------------


@access_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def sharing(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ShareForm(
        request.POST or None,
        takes=selectors.completed_takes_of(user),
        topics=selectors.hot_button_topics_of(user),
        supervisors=supervisors_of(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            shares = services.share_create(
                owner=user,
                take=form.cleaned_data["take"],
                topics=form.cleaned_data["topics"],
                supervisors=form.cleaned_data["supervisors"],
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            names = ", ".join(s.supervisor.get_full_name() for s in shares)
            messages.success(
                request, _("Your summary is shared with %(names)s.") % {"names": names}
            )
            return redirect("boundaries:sharing")
    context = {
        "form": form,
        "shares": selectors.shares_given_by(user),
        "has_takes": selectors.completed_takes_of(user).exists(),
        "has_supervisors": supervisors_of(user).exists(),
    }
    return render(request, "boundaries/sharing.html", context, status=422 if form.errors else 200)


@access_required()
@require_POST
def share_revoke(request: HttpRequest, share_uuid: UUID) -> HttpResponse:
    share = selectors.share_given_by(request.user, share_uuid, include_revoked=True)
    name = share.supervisor.get_full_name()
    if not share.is_active:  # a double click, or a second tab
        messages.info(request, _("%(name)s already no longer sees this summary.") % {"name": name})
        return redirect("boundaries:sharing")
    services.share_revoke(share=share, by=request.user)
    messages.success(request, _("%(name)s can no longer see your summary.") % {"name": name})
    return redirect("boundaries:sharing")


@access_required(Role.SUPERVISOR)
def shared(request: HttpRequest) -> HttpResponse:
    shares = selectors.shares_received_by(request.user)
    return render(request, "boundaries/shared.html", {"shares": shares})


@access_required()
def shared_summary(request: HttpRequest, share_uuid: UUID) -> HttpResponse:
    share = selectors.share_for_supervisor(request.user, share_uuid)
    services.share_record_read(share=share, by=request.user)
    profile = selectors.profiles_of([share.take])[share.take.pk]
    context = {
        "share": share,
        "profile": profile,
        "chart": scoring.section_chart(profile),
        "topics": share.topics.order_by("topic"),
    }
    return render(request, "boundaries/shared_summary.html", context)


# --- Help -----------------------------------------------------------------------------------


@access_required()
@require_GET
def section_help(request: HttpRequest, section: str) -> HttpResponse:
    """What a section of the inventory is about, from its source article, with its prompts for
    reflection; linked from wherever a section is named. Supervisors reading a shared summary
    see the sections too, so any signed-in member may read it."""
    found = selectors.section_for_help(section)
    context = {"section": found, "others": selectors.sections_for_help(besides=found)}
    return render(request, "boundaries/section_help.html", context)
