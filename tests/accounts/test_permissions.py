"""Every accounts URL × every demo role: who gets the page, who gets 403, who gets 404."""

import copy

import pytest
from django.urls import reverse

from accounts.models import SupervisionLink
from tests.factories import personas

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "ana", "supervisor", "admin", "lindenhof_admin"]


@pytest.fixture(scope="module")
def people(module_db, django_db_blocker):
    """The persona set, made once for the module (each test's own writes are rolled back)."""
    with django_db_blocker.unblock():
        return personas()


@pytest.fixture
def demo(db, people):
    return copy.deepcopy(people)


def _urls(demo):
    harbour_link = SupervisionLink.objects.get(supervisee=demo.ana)
    return {
        "home": reverse("home"),
        "profile": reverse("profile"),
        "supervisees": reverse("supervisees"),
        "organisation": reverse("organisation"),
        "member_add": reverse("member_add"),
        "member_edit": reverse("member_edit", args=[demo.ben.membership.uuid]),
        "supervision_add": reverse("supervision_add"),
        "supervision_edit": reverse("supervision_edit", args=[harbour_link.uuid]),
        "password_change": reverse("password_change"),
        "password_reset": reverse("password_reset"),
        "two_factor_enrol": reverse("two_factor_enrol"),
        "two_factor_verify": reverse("two_factor_verify"),
    }


# Expected GET status per URL and role. 302 = sent to sign in.
EXPECTED = {
    "home": [302, 200, 200, 200, 200],
    "profile": [302, 200, 200, 200, 200],
    "supervisees": [302, 403, 200, 403, 403],
    "organisation": [302, 403, 403, 200, 200],
    "member_add": [302, 403, 403, 200, 200],
    "member_edit": [302, 403, 403, 200, 404],
    "supervision_add": [302, 403, 403, 200, 200],
    "supervision_edit": [302, 403, 403, 200, 404],
    "password_change": [302, 200, 200, 200, 200],
    "password_reset": [200, 200, 200, 200, 200],
    "two_factor_enrol": [302, 200, 200, 200, 200],
    # Only after a password was accepted: otherwise back to sign in.
    "two_factor_verify": [302, 302, 302, 302, 302],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_access(client, demo, name, role_index, role):
    if role != "anonymous":
        client.force_login(getattr(demo, role))
    response = client.get(_urls(demo)[name])
    assert response.status_code == EXPECTED[name][role_index], (name, role)


def test_every_accounts_url_is_in_the_matrix():
    from accounts.urls import urlpatterns

    named = {p.name for p in urlpatterns if getattr(p, "name", None)}
    post_only = {
        "member_set_active",
        "member_resend_invite",
        "supervision_delete",
        "supervision_acknowledge",
        "set_language",
        "two_factor_require",
        "two_factor_reset",
    }
    assert named - post_only - {"login"} <= set(EXPECTED)


@pytest.mark.parametrize(
    "name", ["member_set_active", "member_resend_invite", "supervision_delete", "two_factor_reset"]
)
def test_post_only_actions_refuse_get_and_outsiders(client, demo, name):
    if name == "supervision_delete":
        target = SupervisionLink.objects.get(supervisee=demo.ana).uuid
    else:
        target = demo.ben.membership.uuid
    url = reverse(name, args=[target])
    client.force_login(demo.admin)
    assert client.get(url).status_code == 405
    client.force_login(demo.lindenhof_admin)
    assert client.post(url).status_code == 404
    client.force_login(demo.ana)
    assert client.post(url).status_code == 403
