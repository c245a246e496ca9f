"""Every directory URL for every role: anonymous → sign in, practitioners cannot maintain (403),
another agency's anything is a 404."""

import copy

import pytest
from django.urls import reverse

from directory.models import DirectoryImport, PendingCorrection, PullChangeSet, Service
from directory.services.api_access import api_token_create
from directory.services.imports import import_package
from directory.services.pulls import subscription_create
from tests.directory.conftest import SVC, SVC2, package_zip
from tests.factories import MembershipFactory, personas

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def scenario(module_db, django_db_blocker):
    """The people, Harbour's directory holding the small package, an import, a proposed
    correction, an API token and a subscription to a partner with a failed pull and a pulled
    service: made once for the module, since its tests only read them (each test's own writes
    are rolled back)."""
    with django_db_blocker.unblock():
        demo = personas()
        report = import_package(
            organisation=demo.harbour, data=package_zip(), filename="small.zip", by=demo.admin
        )
        assert report.ok, report.errors
        service = Service.objects.get(owner=demo.harbour, hsds_id=SVC)
        directory_import = DirectoryImport.objects.create(
            organisation=demo.harbour, created_by=demo.admin, filename="x.zip", status="valid"
        )
        correction = PendingCorrection.objects.create(
            service=service, submitted_by_email="x@example.org", changes={"name": ["a", "b"]}
        )
        token, _ = api_token_create(organisation=demo.harbour, name="Partner", by=demo.admin)
        subscription = subscription_create(
            organisation=demo.harbour,
            name="Partner",
            base_url="https://partner.example.org/api/hsds",
            token="limen_x",
            is_scheduled=False,
            auto_apply=False,
            by=demo.admin,
        )
        change_set = PullChangeSet.objects.create(
            subscription=subscription, status="failed", message="The source could not be reached."
        )
        pulled = Service.objects.get(owner=demo.harbour, hsds_id=SVC2)
        Service.objects.filter(pk=pulled.pk).update(source=subscription)
    objects = {
        "service": service.uuid,
        "import": directory_import.uuid,
        "correction": correction.uuid,
        "token": token.uuid,
        "subscription": subscription.uuid,
        "change_set": change_set.uuid,
        "pulled": pulled.uuid,
    }
    return demo, objects


@pytest.fixture
def demo(db, scenario):
    return copy.deepcopy(scenario[0])


@pytest.fixture
def objects(scenario):
    return scenario[1]


MEMBER_PAGES = [("directory:search", None), ("directory:service", "service")]
ADMIN_PAGES = [
    ("directory:manage", None),
    ("directory:service_create", None),
    ("directory:service_edit", "service"),
    ("directory:service_request_verification", "service"),
    ("directory:verification", None),
    ("directory:categories", None),
    ("directory:corrections", None),
    ("directory:correction", "correction"),
    ("directory:import_upload", None),
    ("directory:import_detail", "import"),
    ("directory:export", None),
    ("directory:api_access", None),
    ("directory:subscriptions", None),
    ("directory:subscription", "subscription"),
    ("directory:change_set", "change_set"),
    ("directory:service_source_note", "pulled"),
]
ADMIN_POSTS = [
    ("directory:service_status", "service"),
    ("directory:service_do_not_refer", "service"),
    ("directory:service_verify", "service"),
    ("directory:import_confirm", "import"),
    ("directory:api_token_revoke", "token"),
    ("directory:subscription_pull", "subscription"),
    ("directory:subscription_delete", "subscription"),
]
PRACTITIONER_PAGES = [("referrals:referral_list", None), ("referrals:referral_create", None)]


def url(name, key, objects):
    return reverse(name, args=[objects[key]] if key else [])


ALL = MEMBER_PAGES + ADMIN_PAGES + PRACTITIONER_PAGES


@pytest.mark.parametrize(("name", "key"), ALL + ADMIN_POSTS)
def test_anonymous_is_sent_to_sign_in(client, objects, name, key):
    method = client.post if (name, key) in ADMIN_POSTS else client.get
    response = method(url(name, key, objects))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "key"), MEMBER_PAGES + PRACTITIONER_PAGES)
def test_practitioner_can_search_and_refer(client, bob, objects, name, key):
    client.force_login(bob)
    assert client.get(url(name, key, objects)).status_code == 200


@pytest.mark.parametrize(("name", "key"), ADMIN_PAGES)
def test_practitioner_cannot_maintain(client, bob, objects, name, key):
    client.force_login(bob)
    assert client.get(url(name, key, objects)).status_code == 403


@pytest.mark.parametrize(("name", "key"), ADMIN_POSTS)
def test_practitioner_cannot_change_anything(client, bob, objects, name, key):
    client.force_login(bob)
    assert client.post(url(name, key, objects), {"status": "inactive"}).status_code == 403
    assert Service.objects.get(uuid=objects["service"]).status == "active"


@pytest.mark.parametrize(("name", "key"), MEMBER_PAGES + ADMIN_PAGES)
def test_admin_can_see_every_page(client, alice, objects, name, key):
    client.force_login(alice)
    assert client.get(url(name, key, objects)).status_code == 200


@pytest.mark.parametrize(("name", "key"), [p for p in MEMBER_PAGES + ADMIN_PAGES if p[1]])
def test_another_agency_gets_404_for_every_object(client, charlie, objects, name, key):
    client.force_login(charlie)
    assert client.get(url(name, key, objects)).status_code == 404


@pytest.mark.parametrize(("name", "key"), ADMIN_POSTS)
def test_another_agency_cannot_post_to_objects(client, charlie, objects, name, key):
    client.force_login(charlie)
    assert client.post(url(name, key, objects), {"status": "inactive"}).status_code == 404


def test_another_agencys_lists_show_nothing_of_ours(client, charlie, objects):
    client.force_login(charlie)
    assert "Blijfhuis" not in client.get(reverse("directory:manage")).content.decode()
    assert "Blijfhuis" not in client.get(reverse("directory:search")).content.decode()


def test_supervisor_without_practitioner_role_can_search_but_not_refer(client, org, objects):
    supervisor = MembershipFactory(organisation=org, is_practitioner=False, is_supervisor=True).user
    client.force_login(supervisor)
    assert client.get(reverse("directory:search")).status_code == 200
    assert client.get(reverse("referrals:referral_list")).status_code == 403


def test_confidential_address_is_shown_to_admins_only(client, alice, bob, objects):
    page = reverse("directory:service", args=[objects["service"]])
    client.force_login(bob)
    body = client.get(page).content.decode()
    assert "Geheimestraat" not in body and "Amersfoort" not in body
    assert "+31 30 555 0100" in body and "Confidential address" in body
    client.force_login(alice)
    assert "Geheimestraat" in client.get(page).content.decode()


def test_confidential_address_never_reaches_practitioners_search(client, bob, objects):
    client.force_login(bob)
    body = client.get(reverse("directory:search"), {"q": "blijfhuis"}).content.decode()
    assert "Geheimestraat" not in body and "Amersfoort" not in body


def test_public_verification_page_needs_no_account_but_a_valid_token(client):
    assert client.get(reverse("directory:public_verify", args=["not-a-token"])).status_code == 404


REFERRAL_URLS = ["referrals:referral_detail"]  # per referral: tested in test_referrals.py
PUBLIC_URLS = ["directory:public_verify"]  # by secret token, no account


def test_every_directory_url_is_checked_here():
    from directory.urls import urlpatterns as directory_urls
    from referrals.urls import urlpatterns as referral_urls

    covered = {name for name, _key in ALL + ADMIN_POSTS} | set(REFERRAL_URLS + PUBLIC_URLS)
    assert {f"directory:{p.name}" for p in directory_urls} | {
        f"referrals:{p.name}" for p in referral_urls
    } == covered


@pytest.mark.parametrize(("name", "key"), ADMIN_PAGES + ADMIN_POSTS)
def test_supervisor_cannot_maintain(client, org, objects, name, key):
    supervisor = MembershipFactory(organisation=org, is_practitioner=True, is_supervisor=True).user
    client.force_login(supervisor)
    method = client.post if (name, key) in ADMIN_POSTS else client.get
    assert method(url(name, key, objects)).status_code == 403


@pytest.mark.parametrize(("name", "key"), MEMBER_PAGES + PRACTITIONER_PAGES)
def test_someone_without_an_agency_gets_403(client, objects, name, key):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(url(name, key, objects)).status_code == 403


def test_practitioner_cannot_post_the_admin_forms(client, bob, objects):
    client.force_login(bob)
    edit = reverse("directory:service_edit", args=[objects["service"]])
    assert client.post(edit, {"name": "Hijacked"}).status_code == 403
    assert client.post(reverse("directory:service_create"), {"name": "X"}).status_code == 403
    assert client.post(reverse("directory:categories"), {"name": "X"}).status_code == 403
    assert Service.objects.get(uuid=objects["service"]).name == "Blijfhuis Voorbeeld"
