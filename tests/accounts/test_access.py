"""The one access layer: ``accounts.access.access_required`` and the roles it checks.

The decorator is tested on a view of its own (signed out, htmx or not; wrong role; right role),
then through real URLs, and two sweeps keep it the only one: no view module grows its own login
or role check again, and every page of the project's apps is behind it or named public here.
"""

import ast
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_htmx.middleware import HtmxDetails

from accounts.access import Role, access_required, has_role
from tests.factories import MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _request(user, *, htmx=False, path="/somewhere/?page=2", current_url=None):
    headers = {}
    if htmx:
        headers["HX-Request"] = "true"
    if current_url:
        headers["HX-Current-URL"] = current_url
    request = RequestFactory().get(path, headers=headers)
    request.user = user
    request.htmx = HtmxDetails(request)
    return request


@access_required(Role.SUPERVISOR)
def _supervisors_only(request):
    return HttpResponse("for supervisors")


@access_required()
def _signed_in_only(request):
    return HttpResponse("for anyone signed in")


@access_required(Role.PRACTITIONER, keep_page=True)
def _editor_fragment(request):
    return HttpResponse("saved")


def _sign_in_url(next_path: str) -> str:
    return f"{reverse('login')}?next={quote(next_path, safe='/')}"


# --- The decorator ----------------------------------------------------------------------------


def test_signed_out_page_is_sent_to_sign_in_and_back():
    response = _supervisors_only(_request(AnonymousUser()))
    assert response.status_code == 302
    assert response.url == _sign_in_url("/somewhere/?page=2")


def test_signed_out_htmx_request_gets_401_with_a_redirect_to_sign_in():
    request = _request(AnonymousUser(), htmx=True, current_url="http://testserver/journal/?q=money")
    response = _supervisors_only(request)
    assert response.status_code == 401
    assert "Location" not in response
    # Back to the page the fragment was asked from, not to the fragment's own URL.
    assert response["HX-Redirect"] == _sign_in_url("/journal/?q=money")


def test_signed_out_htmx_request_without_a_page_of_this_site_returns_to_its_own_url():
    for current_url in (None, "https://elsewhere.example/journal/"):
        response = _signed_in_only(_request(AnonymousUser(), htmx=True, current_url=current_url))
        assert response.status_code == 401
        assert response["HX-Redirect"] == _sign_in_url("/somewhere/?page=2")


def test_a_view_that_keeps_its_page_answers_htmx_with_401_and_the_expiry_event():
    response = _editor_fragment(_request(AnonymousUser(), htmx=True))
    assert response.status_code == 401
    assert "limen:session-expired" in response["HX-Trigger"]
    assert "HX-Redirect" not in response
    # Without htmx it is an ordinary page: off to sign in.
    assert _editor_fragment(_request(AnonymousUser())).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_wrong_role_is_403_page_and_htmx_alike(htmx):
    practitioner = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        _supervisors_only(_request(practitioner, htmx=htmx))


@pytest.mark.django_db
def test_someone_outside_any_agency_holds_no_role():
    with pytest.raises(PermissionDenied):
        _supervisors_only(_request(UserFactory()))
    assert _signed_in_only(_request(UserFactory())).status_code == 200


@pytest.mark.django_db
def test_right_role_gets_the_view():
    supervisor = MembershipFactory(is_practitioner=False, is_supervisor=True).user
    response = _supervisors_only(_request(supervisor, htmx=True))
    assert response.status_code == 200
    assert response.content == b"for supervisors"


@pytest.mark.django_db
def test_any_one_of_several_roles_is_enough():
    either = access_required(Role.SUPERVISOR, Role.ADMIN)(lambda request: HttpResponse("ok"))
    admin = MembershipFactory(is_practitioner=False, is_admin=True).user
    assert either(_request(admin)).status_code == 200
    with pytest.raises(PermissionDenied):
        either(_request(MembershipFactory().user))


def test_an_unknown_role_is_refused_when_the_view_is_defined():
    with pytest.raises(ValueError):
        access_required("owner")


@pytest.mark.django_db
def test_has_role_rejects_unknown_roles():
    with pytest.raises(ValueError):
        has_role(MembershipFactory().user, "owner")


def test_role_values_are_the_names_of_the_membership_role_fields():
    from accounts.models import Membership

    for role in Role:
        assert Membership._meta.get_field(f"is_{role}").verbose_name == role.label


# --- Through the middleware and real URLs -----------------------------------------------------


@pytest.mark.django_db
def test_real_pages_answer_signed_out_htmx_with_401(client):
    url = reverse("directory:search")
    response = client.get(
        url, {"q": "food"}, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/"}
    )
    assert response.status_code == 401
    assert response["HX-Redirect"] == _sign_in_url("/")
    page = client.get(url)
    assert page.status_code == 302 and page.url == _sign_in_url(url)


@pytest.mark.django_db
def test_real_pages_keep_their_403_for_the_wrong_role(client, alice, bob):
    client.force_login(alice)  # an admin, not a practitioner
    assert client.get(reverse("journal:entries")).status_code == 403
    client.force_login(bob)  # a practitioner, not an admin
    assert client.get(reverse("organisation")).status_code == 403
    assert client.get(reverse("journal:entries")).status_code == 200
    assert client.get(reverse("journal:meetings")).status_code == 200


# --- Sweeps: one decorator, everywhere --------------------------------------------------------

PROJECT_APPS = (
    "accounts",
    "boundaries",
    "config",
    "directory",
    "journal",
    "referrals",
    "reminders",
)

# Pages anyone may open: each answers for itself who it is for.
PUBLIC_VIEWS = {
    "accounts.views.LoginView",
    "accounts.views.PasswordResetView",
    "accounts.two_factor_views.verify",  # the second step, before one is signed in
    "accounts.views.set_language",  # signed out too; a signed-in choice is also saved
    "config.health.healthz",  # for the load balancer
    "directory.views.public_verify",  # the service's contact, with a signed link
    "reminders.views.badge",  # polled; signed out it answers 204 so nothing is swapped in
    "reminders.views.calendar",  # calendar apps cannot sign in: the secret URL is the key
    "reminders.views.unsubscribe",  # from an e-mail, with a signed token
}
# The HSDS API reads a bearer token, not a session, and answers 401 itself.
PUBLIC_MODULES = {"directory.api"}

# Views modules may read ``request.user.is_authenticated`` only in these public views.
SIGNED_OUT_TOO = {("accounts/views.py", "set_language"), ("reminders/views.py", "badge")}


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback


def _name(callback) -> str:
    view = getattr(callback, "view_class", callback)
    return f"{view.__module__}.{view.__name__}"


def test_every_page_of_the_apps_is_behind_access_required_or_named_public():
    unguarded = set()
    for callback in _views(get_resolver().url_patterns):
        name = _name(callback)
        if name.split(".")[0] not in PROJECT_APPS or hasattr(callback, "access_roles"):
            continue
        if name.rsplit(".", 1)[0] not in PUBLIC_MODULES:
            unguarded.add(name)
    assert unguarded - PUBLIC_VIEWS == set(), "wrap these in access_required, or list them"
    assert PUBLIC_VIEWS - unguarded == set(), "no longer public, or gone: take off the list"


def _views_modules():
    for app in PROJECT_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if path.name == "views.py" or path.name.endswith("_views.py"):
                yield path


def _own_access_checks(source: str, relative: str) -> list[str]:
    """Places in one views module that decide by themselves who may see a page."""
    found = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        where = f"{relative}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.ImportFrom) and node.module == "django.contrib.auth.decorators":
            found.append(f"{where} imports {', '.join(a.name for a in node.names)}")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            params = [a.arg for a in node.args.args]
            if node.name.endswith("_required") or params[:1] in (["view"], ["view_func"]):
                found.append(f"{where} defines the decorator {node.name}")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.endswith("_required"):
                    found.append(f"{where} names the decorator {target.id}")
        elif isinstance(node, ast.Raise) and "PermissionDenied" in ast.unparse(node):
            found.append(f"{where} raises PermissionDenied itself")
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef) or (relative, function.name) in SIGNED_OUT_TOO:
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Attribute) and node.attr == "is_authenticated":
                found.append(f"{relative}:{node.lineno} checks is_authenticated")
    return sorted(found, key=lambda place: int(place.split(":")[1].split(" ")[0]))


def test_no_views_module_checks_sign_in_or_roles_by_itself():
    modules = list(_views_modules())
    assert len(modules) >= 6  # the sweep does find the apps' views
    found = [
        place
        for path in modules
        for place in _own_access_checks(
            path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()
        )
    ]
    assert found == [], "use accounts.access.access_required instead:\n" + "\n".join(found)


def test_the_sweep_recognises_every_spelling_it_replaced():
    spellings = """
from django.contrib.auth.decorators import login_required

def role_required(role):
    pass

def practitioner_view(view):
    return view

supervisor_required = role_required("supervisor")

def meeting_list(request):
    if not request.user.is_authenticated:
        raise PermissionDenied
"""
    found = _own_access_checks(spellings, "journal/views.py")
    assert [place.split(" ", 1)[1] for place in found] == [
        "imports login_required",
        "defines the decorator role_required",
        "defines the decorator practitioner_view",
        "names the decorator supervisor_required",
        "checks is_authenticated",
        "raises PermissionDenied itself",
    ]
    # The public views that serve signed-out visitors too may ask.
    assert (
        _own_access_checks(
            "def badge(request):\n    return request.user.is_authenticated\n", "reminders/views.py"
        )
        == []
    )


def _writes_an_htmx_header(node: ast.AST) -> bool:
    if isinstance(node, ast.Assign):  # response["HX-Trigger"] = ..., response["Vary"] = "HX-..."
        keys = [
            t.slice.value
            for t in node.targets
            if isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant)
        ]
        value = ast.unparse(node.value)
        return any(str(k).startswith("HX-") or (k == "Vary" and "HX-" in value) for k in keys)
    if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("patch_vary_headers"):
        return "HX-" in ast.unparse(node)
    return False


def test_no_app_writes_htmx_headers_by_hand():
    """``vary_on_headers("HX-Request")`` and django-htmx's response helpers instead."""
    found = []
    for app in sorted(PROJECT_APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}"
                for node in ast.walk(tree)
                if _writes_an_htmx_header(node)
            ]
    assert found == []
    assert _writes_an_htmx_header(ast.parse('response["Vary"] = "HX-Request"').body[0])
    assert not _writes_an_htmx_header(ast.parse('response["Vary"] = "Authorization"').body[0])
