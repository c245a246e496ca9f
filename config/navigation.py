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
    if membership and membership.is_practitioner:
        items.append(NavItem(_("Journal"), reverse("journal:entries"), "journal"))
        items.append(NavItem(_("Self-inventory"), reverse("boundaries:home"), "inventory"))
    if membership:
        items.append(NavItem(_("Directory"), reverse("directory:search"), "directory"))
    # Supervision meetings belong to both people of a pair: the supervisor records them, the
    # supervisee reads them.
    meetings = NavItem(_("Meetings"), reverse("journal:meetings"), "meetings")
    if membership and membership.is_supervisor:
        items.append(NavItem(_("Review queue"), reverse("journal:review"), "review"))
        items.append(NavItem(_("Supervisees"), reverse("supervisees"), "supervisees"))
        items.append(meetings)
        items.append(NavItem(_("Shared with me"), reverse("boundaries:shared"), "shared"))
    elif membership and membership.is_practitioner:
        items.append(meetings)
    if membership and membership.is_admin:
        items.append(NavItem(_("Directory upkeep"), reverse("directory:manage"), "upkeep"))
        items.append(NavItem(_("Organisation"), reverse("organisation"), "organisation"))
    current = _current_section(request)
    return {"nav_items": items, "membership": membership, "nav_current": current}


# Which navigation item a page belongs to, by URL namespace or name.
SECTIONS = {
    "review": "review",
    "review_flag": "review",
    "meetings": "meetings",
    "meeting": "meetings",
    "meeting_new": "meetings",
    "team": "review",
}


def _current_section(request) -> str:
    match = request.resolver_match
    if match is None:
        return ""
    if match.namespace == "journal":
        return SECTIONS.get(match.url_name, "journal")
    if match.namespace == "boundaries":
        return "shared" if match.url_name.startswith("shared") else "inventory"
    if match.namespace in ("directory", "referrals"):
        return "upkeep" if match.route.startswith("directory/manage/") else "directory"
    return match.url_name or ""
