"""The overview page: everyone's start page after signing in.

It lives in ``config`` because it composes every app: each answers with its own ``glance(user)``
selector, and ``config.overview`` words the counts into cards.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import selectors as accounts_selectors
from accounts.access import access_required
from config import overview


@access_required()
def home(request: HttpRequest) -> HttpResponse:
    membership = accounts_selectors.membership_of(request.user)
    context = {
        "membership": membership,
        "account": accounts_selectors.glance(request.user),
        "glances": overview.glances(request.user, membership),
    }
    return render(request, "home.html", context)
