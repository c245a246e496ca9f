"""Who may open a page: the roles a member holds in their agency, and the one decorator every
view that needs a signed-in person or a role is wrapped in.

Objects outside a person's scope are answered by the owning app's selectors (404); this module
only decides whether someone is signed in and holds a role (otherwise 403).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from accounts.models import User
from accounts.selectors import membership_of


class Role(models.TextChoices):
    """The roles a membership can hold, any combination of them; each value names the
    membership's ``is_<value>`` field."""

    PRACTITIONER = "practitioner", _("practitioner")
    SUPERVISOR = "supervisor", _("supervisor")
    ADMIN = "admin", _("agency admin")


def has_role(user: User, role: Role) -> bool:
    """True when the user holds ``role`` in their agency."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    membership = membership_of(user)
    return bool(membership and membership.holds(role))


# Sent with the 401 of a view that keeps its page (see ``keep_page``); the page says so itself.
SESSION_EXPIRED_EVENT = "limen:session-expired"


def access_required(*roles: Role, keep_page: bool = False) -> Callable:
    """Signed in and, when ``roles`` are given, holding at least one of them; otherwise 403.

    Signed out, a page goes to the sign-in page and back; an htmx request gets 401 with an
    ``HX-Redirect`` there instead of a redirect whose sign-in page would be swapped into a
    fragment. With ``keep_page`` it gets 401 and the ``limen:session-expired`` event instead:
    the entry editor keeps what was typed and saves it after signing in again in another tab.
    """
    for role in roles:
        Role(role)  # an unknown role is a mistake in the code, found at import time

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return _signed_out(request, keep_page=keep_page)
            if roles and not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_roles = tuple(Role(role) for role in roles)
        return wrapped

    return decorator


def _signed_out(request: HttpRequest, *, keep_page: bool) -> HttpResponse:
    if not request.htmx:
        return redirect_to_login(request.get_full_path())
    if keep_page:
        return trigger_client_event(HttpResponse(status=401), SESSION_EXPIRED_EVENT)
    # Back to the page the fragment belongs to, not to the fragment's own URL.
    back_to = request.htmx.current_url_abs_path or request.get_full_path()
    return HttpResponseClientRedirect(redirect_to_login(back_to).url, status=401)
