"""The navigation each person sees, from the roles they hold.

It lives in ``config`` because it links every app's pages; the apps do not import each other.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.selectors import membership_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    name: str


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "membership": None}
    membership = membership_of(user)
    items = [NavItem(_("Overview"), reverse("home"), "home")]
    if membership and membership.is_supervisor:
        items.append(NavItem(_("Supervisees"), reverse("supervisees"), "supervisees"))
    if membership and membership.is_admin:
        items.append(NavItem(_("Organisation"), reverse("organisation"), "organisation"))
    current = request.resolver_match.url_name if request.resolver_match else ""
    return {"nav_items": items, "membership": membership, "nav_current": current}
