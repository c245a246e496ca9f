"""Show each signed-in person Limen in their own language and time zone, and end sessions that
were left alone or have lasted a working day."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.backends import BACKEND, PREVIOUS_BACKEND
from accounts.two_factor import PENDING


class SessionBackendMiddleware:
    """Before authentication: a session signed in through Django's own ``ModelBackend`` (before
    Limen had ``accounts.backends.MemberBackend``) is carried over to it, so that nobody is
    signed out by the change; so is a sign-in waiting for its second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None:
            if session.get(BACKEND_SESSION_KEY) == PREVIOUS_BACKEND:
                session[BACKEND_SESSION_KEY] = BACKEND
            pending = session.get(PENDING)
            if isinstance(pending, dict) and pending.get("backend") == PREVIOUS_BACKEND:
                session[PENDING] = {**pending, "backend": BACKEND}
        return self.get_response(request)


class UserPreferencesMiddleware:
    """After authentication: the user's saved language wins over the browser's, and times are
    shown in the user's time zone. Anonymous visitors keep LocaleMiddleware's choice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            timezone.activate(user.tzinfo)
        else:
            timezone.deactivate()
        response = self.get_response(request)
        if user is not None and user.is_authenticated and user.language:
            response.headers.setdefault("Content-Language", user.language)
        return response


# Session keys: when the person signed in, and when they last did something (epoch seconds).
SIGNED_IN_AT = "limen_signed_in_at"
LAST_SEEN_AT = "limen_last_seen_at"
# Activity is written to the session at most this often, so a busy page is not a write per click.
SEEN_RESOLUTION_SECONDS = 60


def session_started(*, request, **kwargs) -> None:
    """``user_logged_in`` receiver: the idle and absolute timeouts count from here."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def not_activity(request) -> None:
    """Mark a request as something the page does by itself (an autosave of unchanged text, a
    poll), which does not keep the session alive."""
    request.limen_not_activity = True


class SessionTimeoutMiddleware:
    """Sign out after ``SESSION_IDLE_SECONDS`` without activity, and ``SESSION_ABSOLUTE_SECONDS``
    after signing in however active. The request then goes on signed out: a page sends the person
    to sign in, and an htmx autosave gets its 401 (the editor keeps the text and saves it after
    signing in again, as it always did when a session ended)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = int(time.time())
        if request.user.is_authenticated:
            signed_in = request.session.setdefault(SIGNED_IN_AT, now)
            last_seen = request.session.setdefault(LAST_SEEN_AT, now)
            idle = now - last_seen > settings.SESSION_IDLE_SECONDS
            if idle or now - signed_in > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                if not request.htmx:
                    messages.info(request, _("Your session ended. Sign in again to continue."))
        response = self.get_response(request)
        if (
            request.user.is_authenticated
            and not getattr(request, "limen_not_activity", False)
            and not self._polls(request)
            and now - request.session.get(LAST_SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS
        ):
            request.session[LAST_SEEN_AT] = now
        return response

    @staticmethod
    def _polls(request) -> bool:
        match = request.resolver_match
        return bool(match and match.view_name in settings.SESSION_POLL_URL_NAMES)
