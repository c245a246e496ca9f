"""Reminder pages: the inbox and its badge, settings, the calendar feed, unsubscribing, and the
admins' list of reminders that could not be delivered."""

from django.conf import settings as django_settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from accounts.access import Role, access_required
from reminders import selectors, services
from reminders.calendar import calendar_feed
from reminders.forms import PreferenceForm
from reminders.registry import find_kind
from reminders.texts import waiting_text
from reminders.unsubscribe import UNSUBSCRIBE_LINK_MAX_AGE, UnsubscribeLinkExpired

# The secret of a feed address just made, kept in the session only until the settings page
# has shown it once.
NEW_CALENDAR_TOKEN_SESSION_KEY = "reminders.new_calendar_token"

# How many reminders an admin's list of the ones that could not be delivered shows.
FAILED_SHOWN = 200


def _badge_poll_seconds() -> int:
    return getattr(django_settings, "REMINDERS_BADGE_POLL_SECONDS", 60)


@access_required()
@require_GET
@vary_on_headers("HX-Request")
def inbox(request: HttpRequest) -> HttpResponse:
    return _inbox_page(request)


def _inbox_page(request: HttpRequest) -> HttpResponse:
    page = selectors.inbox_page(request.user, request.GET.get("page"))
    context = {"page": page, "reminders": page.object_list, "failed_count": 0}
    if not request.htmx:
        waiting = selectors.waiting_for_hours_of(request.user)
        context["waiting"] = waiting_text(
            count=waiting.count, goes_out_at=waiting.goes_out_at, tz=request.user.tzinfo
        )
        # Admins see here that some reminders of their organisation could not be delivered, or
        # not yet.
        context["failed_count"] = (
            selectors.failed_for_admin(request.user).count()
            + selectors.retrying_for_admin(request.user).count()
        )
    template = "reminders/inbox.html#inbox-list" if request.htmx else "reminders/inbox.html"
    return render(request, template, context)


@require_GET
@never_cache
def badge(request: HttpRequest) -> HttpResponse:
    """The unread count, polled by htmx. Signed out: 204, so nothing is swapped in."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    context = {
        "unread": selectors.unread_count_of(request.user),
        "poll_seconds": _badge_poll_seconds(),
    }
    return render(request, "reminders/_badge.html", context)


@access_required()
@require_GET
def open_reminder(request: HttpRequest, reminder_uuid) -> HttpResponse:
    """Mark the reminder read and follow its link (only ever to a path inside Limen)."""
    reminder = selectors.reminder_for_user(request.user, reminder_uuid)
    services.reminder_mark_read(reminder=reminder)
    target = reminder.link
    if not (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    ):
        target = "reminders:inbox"
    return redirect(target)


@access_required()
@require_POST
def done(request: HttpRequest, reminder_uuid) -> HttpResponse:
    reminder = selectors.reminder_for_user(request.user, reminder_uuid)
    services.reminder_mark_done(reminder=reminder)
    return _after_action(request, _("Marked as done."))


@access_required()
@require_POST
def snooze(request: HttpRequest, reminder_uuid) -> HttpResponse:
    reminder = selectors.reminder_for_user(request.user, reminder_uuid)
    choice = request.POST.get("until", "")
    if choice not in ("tomorrow", "next_week"):
        return HttpResponse(status=400)
    until = services.snooze_until(user=request.user, choice=choice)
    if not services.reminder_snooze(reminder=reminder, until=until):
        return _after_action(request, _("This reminder is being delivered; try again."))
    local = until.astimezone(request.user.tzinfo)
    return _after_action(
        request,
        _("Snoozed until %(when)s.") % {"when": date_format(local, "DATETIME_FORMAT")},
    )


def _after_action(request: HttpRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return trigger_client_event(_inbox_page(request), "reminders-changed")
    return redirect("reminders:inbox")


@access_required()
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest) -> HttpResponse:
    preference = selectors.preference_of(request.user)
    offered = selectors.kinds_offered_to(request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST, kinds=offered)
        if form.is_valid():
            services.preference_update(
                user=request.user,
                email_kinds=form.cleaned_data["email_kinds"],
                in_app_kinds=form.cleaned_data["in_app_kinds"],
                window=form.cleaned_data["window"],
                offered=[kind.code for kind in offered],
            )
            messages.success(request, _("Your reminder settings were saved."))
            return redirect("reminders:settings")
    else:
        form = PreferenceForm(
            initial=PreferenceForm.initial_for(preference, offered), kinds=offered
        )
    # Only the hash of the feed's secret is stored, so its address can be shown once: on the
    # page that follows making it.
    calendar_url = ""
    new_token = request.session.pop(NEW_CALENDAR_TOKEN_SESSION_KEY, "")
    if new_token and preference.calendar_token_hash == preference.calendar_token_hash_of(new_token):
        calendar_url = request.build_absolute_uri(reverse("reminders:calendar", args=[new_token]))
    kinds = [
        {
            "value": value,
            "label": label,
            "email": value in (form["email_kinds"].value() or []),
            "in_app": value in (form["in_app_kinds"].value() or []),
        }
        for value, label in form.fields["email_kinds"].choices
    ]
    return render(
        request,
        "reminders/settings.html",
        {
            "form": form,
            "kinds": kinds,
            "calendar_on": bool(preference.calendar_token_hash),
            "calendar_url": calendar_url,
        },
    )


@access_required()
@require_POST
def calendar_regenerate(request: HttpRequest) -> HttpResponse:
    had_address = bool(selectors.preference_of(request.user).calendar_token_hash)
    token = services.calendar_token_regenerate(user=request.user)
    request.session[NEW_CALENDAR_TOKEN_SESSION_KEY] = token
    if had_address:
        messages.success(
            request, _("Your calendar has a new address. The previous address no longer works.")
        )
    else:
        messages.success(
            request,
            _("The calendar feed is on. Copy its address below into your calendar app."),
        )
    return redirect("reminders:settings")


@access_required()
@require_POST
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    services.calendar_token_revoke(user=request.user)
    messages.success(request, _("The calendar feed is switched off."))
    return redirect("reminders:settings")


@require_GET
@never_cache
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed: the secret in the URL is the only key (calendar apps cannot sign in)."""
    user = selectors.calendar_owner(token)
    if user is None:
        raise Http404
    response = HttpResponse(calendar_feed(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="limen.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


# The signed token is the credential: one-click unsubscribe (RFC 8058) posts
# "List-Unsubscribe=One-Click" from the mail provider's servers, without cookies or a CSRF token,
# and must not be redirected. A GET only asks, so link scanners unsubscribe no one.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        target = selectors.unsubscribe_target(token)
    except UnsubscribeLinkExpired:
        return _unsubscribe_link_unusable(request, expired=True)
    if target is None:
        return _unsubscribe_link_unusable(request, expired=False)
    user, kind = target
    kind_label = find_kind(kind).label  # known: the selector refuses unknown kinds
    if request.method == "POST":
        services.preference_unsubscribe(user=user, kind=kind)
        return render(request, "reminders/unsubscribe.html", {"kind": kind_label, "done": True})
    return render(request, "reminders/unsubscribe.html", {"kind": kind_label, "done": False})


def _unsubscribe_link_unusable(request: HttpRequest, *, expired: bool) -> HttpResponse:
    """Say why the link does nothing and how to change e-mails after signing in: 410 for a
    genuine link that is too old, 404 for one that is not Limen's."""
    return render(
        request,
        "reminders/unsubscribe_unusable.html",
        {"expired": expired, "max_age_days": UNSUBSCRIBE_LINK_MAX_AGE.days},
        status=410 if expired else 404,
    )


@access_required(Role.ADMIN)
@require_GET
def failed(request: HttpRequest) -> HttpResponse:
    reminders = list(selectors.failed_for_admin(request.user)[:FAILED_SHOWN])
    retrying = list(selectors.retrying_for_admin(request.user)[:FAILED_SHOWN])
    for reminder in reminders + retrying:
        reminder.text = reminder.get_kind_display()
    return render(request, "reminders/failed.html", {"reminders": reminders, "retrying": retrying})


@access_required(Role.ADMIN)
@require_POST
def retry(request: HttpRequest, reminder_uuid) -> HttpResponse:
    reminder = selectors.failed_reminder_for_admin(request.user, reminder_uuid)
    services.reminder_retry(reminder=reminder, by=request.user)
    messages.success(request, _("The reminder will be sent again."))
    return redirect("reminders:failed")
