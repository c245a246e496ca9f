"""The pages where an agency's admins subscribe to another agency's directory, review what a
pull would change, approve or reject it, and send corrections of pulled services back as notes;
only they, and only for their own agency."""

import pytest
from django.urls import reverse

from directory import secretbox, selectors
from directory.hsds import objects
from directory.models import PullChangeSet, Service, SourceNote, Subscription
from directory.services import pulls
from directory.services.imports import import_package
from tests.directory.conftest import package_zip
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


# The change set is built from a second agency's directory in the same database (what its API
# would answer), so these need no server.


@pytest.fixture
def source_records(db):
    other = OrganisationFactory()
    assert import_package(organisation=other, data=package_zip(), filename="p.zip").ok
    return [objects.service(s, full=True) for s in selectors.api_services(other, full=True)]


@pytest.fixture
def pending(org, alice, source_records):
    subscription = pulls.subscription_create(
        organisation=org,
        name="Partner agency",
        base_url="https://partner.example.org/api/hsds",
        token="limen_partner-secret-token",
        is_scheduled=True,
        auto_apply=False,
        by=alice,
    )
    change_set = PullChangeSet.objects.create(
        subscription=subscription,
        status=PullChangeSet.Status.PENDING,
        payload=source_records,
        changes={
            "created": [{"id": r["id"], "name": r["name"]} for r in source_records],
            "updated": [],
            "withdrawn": [],
        },
        cursor_after="2030-01-01T00:00:00+00:00",
    )
    return change_set


def test_admin_subscribes_and_the_token_is_never_shown_back(
    client, org, alice, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    secret = "limen_a-very-secret-token"
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            reverse("directory:subscriptions"),
            {
                "name": "Partner",
                "base_url": "https://partner.example.org/api/hsds/",
                "token": secret,
                "is_scheduled": "on",
            },
        )
    subscription = Subscription.objects.get()
    assert response.status_code == 302
    assert len(queued) == 1, "the first pull is sent after the commit"
    assert subscription.base_url == "https://partner.example.org/api/hsds"
    assert secret not in subscription.token_encrypted
    for url in (
        reverse("directory:subscriptions"),
        reverse("directory:subscription", args=[subscription.uuid]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert secret not in page.content.decode()
        assert "no-store" in page["Cache-Control"]


def test_a_refused_form_does_not_echo_the_token(client, org, alice):
    client.force_login(alice)
    secret = "limen_a-very-secret-token"
    response = client.post(
        reverse("directory:subscriptions"),
        {"name": "Partner", "base_url": "file:///etc/passwd", "token": secret},
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert secret not in response.content.decode()


def test_admin_reviews_and_approves_a_change_set(client, org, alice, pending):
    client.force_login(alice)
    url = reverse("directory:change_set", args=[pending.uuid])
    page = client.get(url).content.decode()
    assert "New services: 2" in page
    assert "Blijfhuis Voorbeeld" in page

    response = client.post(url, {"decision": "approve"})

    assert response.status_code == 302
    pulled = Service.objects.filter(owner=org, source=pending.subscription)
    assert sorted(pulled.values_list("name", flat=True)) == [
        "Blijfhuis Voorbeeld",
        "Schuldhulp Domstad",
    ]
    pending.subscription.refresh_from_db()
    assert pending.subscription.cursor == "2030-01-01T00:00:00+00:00"


def test_admin_rejects_a_change_set(client, org, alice, pending):
    client.force_login(alice)
    client.post(reverse("directory:change_set", args=[pending.uuid]), {"decision": "reject"})
    pending.refresh_from_db()
    assert pending.status == PullChangeSet.Status.REJECTED
    assert not Service.objects.filter(owner=org).exists()


def test_records_with_errors_are_listed_on_the_change_set_page(client, org, alice, pending):
    pending.status = PullChangeSet.Status.INVALID
    pending.errors = [
        {"id": "a2", "name": "Bad", "message": "not one of", "file": "services.json", "row": 1}
    ]
    pending.save()
    client.force_login(alice)
    page = client.get(reverse("directory:change_set", args=[pending.uuid])).content.decode()
    assert "Records with errors" in page
    assert "Bad" in page
    assert "Approve" not in page


def test_a_pulled_service_is_not_edited_here_but_a_note_goes_to_the_source(
    client, org, alice, pending
):
    pulls.change_set_approve(change_set=pending, by=alice)
    service = Service.objects.get(owner=org, name="Schuldhulp Domstad")
    client.force_login(alice)
    edit = reverse("directory:service_edit", args=[service.uuid])

    refused = client.post(edit, {"name": "Renamed here", "status": "active"}, follow=True)

    assert "is not edited here" in refused.content.decode()
    assert refused.redirect_chain[-1][0] == reverse(
        "directory:service_source_note", args=[service.uuid]
    )
    service.refresh_from_db()
    assert service.name == "Schuldhulp Domstad"
    detail = client.get(reverse("directory:service", args=[service.uuid])).content.decode()
    assert "Pulled from Partner agency" in detail
    assert edit not in detail

    client.post(
        reverse("directory:service_source_note", args=[service.uuid]),
        {"text": "The phone number changed to +31 30 555 0199."},
    )

    note = SourceNote.objects.get()
    assert note.subscription == pending.subscription
    assert note.service_hsds_id == service.hsds_id
    page = client.get(reverse("directory:subscription", args=[pending.subscription.uuid]))
    assert "+31 30 555 0199" in page.content.decode()


def test_unsubscribing_keeps_the_pulled_services_as_the_agencys_own(client, org, alice, pending):
    pulls.change_set_approve(change_set=pending, by=alice)
    client.force_login(alice)
    client.post(reverse("directory:subscription_delete", args=[pending.subscription.uuid]))
    assert not Subscription.objects.exists()
    assert Service.objects.filter(owner=org, source=None).count() == 2


def test_settings_keep_the_token_unless_a_new_one_is_given(client, alice, pending):
    subscription = pending.subscription
    before = subscription.token_encrypted
    client.force_login(alice)
    url = reverse("directory:subscription", args=[subscription.uuid])
    client.post(url, {"auto_apply": "on"})
    subscription.refresh_from_db()
    assert subscription.auto_apply and not subscription.is_scheduled
    assert subscription.token_encrypted == before
    client.post(url, {"token": "limen_new"})
    subscription.refresh_from_db()
    assert secretbox.unseal(subscription.token_encrypted) == "limen_new"


def test_another_agencys_admin_gets_404(client, org, alice, charlie, pending):
    pulls.change_set_approve(change_set=pending, by=alice)
    service = Service.objects.filter(owner=org).first()
    subscription = pending.subscription
    client.force_login(charlie)
    for method, url in [
        ("get", reverse("directory:subscription", args=[subscription.uuid])),
        ("post", reverse("directory:subscription", args=[subscription.uuid])),
        ("post", reverse("directory:subscription_pull", args=[subscription.uuid])),
        ("post", reverse("directory:subscription_delete", args=[subscription.uuid])),
        ("get", reverse("directory:change_set", args=[pending.uuid])),
        ("post", reverse("directory:change_set", args=[pending.uuid])),
        ("get", reverse("directory:service_source_note", args=[service.uuid])),
        ("post", reverse("directory:service_source_note", args=[service.uuid])),
    ]:
        assert getattr(client, method)(url, {"decision": "reject", "text": "x"}).status_code == 404
    assert "Partner agency" not in client.get(reverse("directory:subscriptions")).content.decode()
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    assert not SourceNote.objects.exists()


def test_practitioners_cannot_manage_subscriptions(client, bob, pending):
    client.force_login(bob)
    assert client.get(reverse("directory:subscriptions")).status_code == 403
    url = reverse("directory:change_set", args=[pending.uuid])
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert not Service.objects.exists() or not Service.objects.filter(source__isnull=False)


def test_a_check_that_breaks_ends_in_a_recorded_failure(org, alice, source_records, monkeypatch):
    from directory.hsds import importer, remote

    subscription = pulls.subscription_create(
        organisation=org,
        name="Partner agency",
        base_url="https://partner.example.org/api/hsds",
        token="",
        is_scheduled=True,
        auto_apply=True,
        by=alice,
    )
    monkeypatch.setattr(remote, "fetch_services", lambda *args, **kwargs: source_records)

    def broken(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(importer, "check", broken)

    change_set = pulls.subscription_pull(subscription=subscription)

    assert change_set.status == PullChangeSet.Status.FAILED
    assert "could not check" in change_set.message
    assert not Service.objects.filter(owner=org).exists()
