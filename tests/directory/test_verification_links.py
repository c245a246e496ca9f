"""A service's verification link stops working when a newer one is sent and when the service is
deactivated (finding 9)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from directory.models import Service
from tests.directory.conftest import SVC

pytestmark = pytest.mark.django_db


def send_link(client, service, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directory:service_request_verification", args=[service.uuid]),
            {"email": "intake@voorbeeld.example.org"},
        )
    assert response.status_code == 302
    return re.search(r"(/directory/verify/[^/\s]+/)", mail.outbox[-1].body).group(1)


@pytest.fixture
def service(imported):
    return Service.objects.get(owner=imported, hsds_id=SVC)


def test_a_new_link_revokes_the_older_ones(
    client, service, alice, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    first = send_link(client, service, django_capture_on_commit_callbacks)
    second = send_link(client, service, django_capture_on_commit_callbacks)
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_deactivating_the_service_revokes_its_links(
    client, service, alice, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    link = send_link(client, service, django_capture_on_commit_callbacks)
    client.post(reverse("directory:service_status", args=[service.uuid]), {"status": "inactive"})
    service.refresh_from_db()
    assert service.status == "inactive"
    client.logout()
    assert client.get(link).status_code == 404


def test_links_of_other_services_stay(
    client, imported, service, alice, django_capture_on_commit_callbacks
):
    other = Service.objects.filter(owner=imported).exclude(pk=service.pk).first()
    client.force_login(alice)
    kept = send_link(client, other, django_capture_on_commit_callbacks)
    send_link(client, service, django_capture_on_commit_callbacks)
    client.post(reverse("directory:service_status", args=[service.uuid]), {"status": "inactive"})
    client.logout()
    assert client.get(kept).status_code == 200
