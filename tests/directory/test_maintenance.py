"""Maintenance by agency admins: editing, deactivating, "do not refer", verifying, stale
reminders, and the self-service verification link with admin-approved corrections."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from directory import categories
from directory.models import PendingCorrection, Service, TaxonomyTerm, VerificationRequest
from directory.tasks import remind_stale_directory
from reminders.models import Reminder
from tests.directory.conftest import SVC, SVC2
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def service_form(**changes) -> dict:
    data = {
        "name": "Schuldhulp Zuid",
        "organization_name": "Gemeente Voorbeeld",
        "status": "active",
        "description": "Gratis schuldhulpverlening",
        "categories": [TaxonomyTerm.objects.get(hsds_id=categories.category_id("debt_money")).pk],
        "languages": "nl, EN",
        "phone": "+31 10 555 0199",
        "location_name": "Wijkkantoor",
        "address_1": "Marktplein 3",
        "postal_code": "3011",
        "city": "Rotterdam",
        "country": "nl",
        "service_areas": "Rotterdam, Schiedam",
        "hours_mo": "09:00-17:00",
        "hours_tu": "09:00-17:00",
        "hours_sa": "10:00-12:00",
    }
    data.update(changes)
    return data


def test_admin_adds_a_service_with_phone_place_languages_and_hours(client, org, alice):
    client.force_login(alice)
    response = client.post(reverse("directory:service_create"), service_form())
    service = Service.objects.get(owner=org, name="Schuldhulp Zuid")
    assert response.status_code == 302
    assert service.phones.get().number == "+31 10 555 0199"
    assert sorted(service.languages.values_list("code", flat=True)) == ["en", "nl"]
    assert service.at_locations.get().location.addresses.get().city == "Rotterdam"
    assert sorted(service.schedules.values_list("byday", flat=True)) == ["MO,TU", "SA"]
    assert "schiedam" in service.search_text
    assert AuditEvent.objects.filter(action="referrals.service.created", organisation=org).exists()


def test_editing_keeps_unchanged_hours_and_updates_the_rest(client, imported, alice):
    client.force_login(alice)
    service = Service.objects.get(owner=imported, hsds_id=SVC)
    page = client.get(reverse("directory:service_edit", args=[service.uuid])).content.decode()
    assert 'value="00:00-23:59"' in page
    response = client.post(
        reverse("directory:service_edit", args=[service.uuid]),
        service_form(
            name="Blijfhuis Nieuw",
            hours_mo="00:00-23:59",
            hours_tu="00:00-23:59",
            hours_we="00:00-23:59",
            hours_th="00:00-23:59",
            hours_fr="00:00-23:59",
            hours_sa="00:00-23:59",
            hours_su="00:00-23:59",
            address_1="",
            city="",
            location_name="Opvanghuis",
            is_confidential="on",
        ),
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Blijfhuis Nieuw"
    assert service.schedules.get().hsds_id == "88888888-8888-4888-8888-888888888888"  # untouched


def test_bad_hours_are_refused(client, org, alice):
    client.force_login(alice)
    response = client.post(reverse("directory:service_create"), service_form(hours_mo="9 to 5"))
    assert response.status_code == 200
    assert "Write the hours as 09:00-17:00." in response.content.decode()


def test_deactivated_services_leave_search_and_come_back(client, imported, alice, bob):
    service = Service.objects.get(owner=imported, hsds_id=SVC)
    client.force_login(alice)
    client.post(reverse("directory:service_status", args=[service.uuid]), {"status": "inactive"})
    client.force_login(bob)
    assert "Blijfhuis" not in client.get(reverse("directory:search")).content.decode()
    client.force_login(alice)
    client.post(reverse("directory:service_status", args=[service.uuid]), {"status": "active"})
    client.force_login(bob)
    assert "Blijfhuis" in client.get(reverse("directory:search")).content.decode()


def test_do_not_refer_keeps_the_service_listed_with_its_reason(client, imported, alice, bob):
    service = Service.objects.get(owner=imported, hsds_id=SVC)
    client.force_login(alice)
    client.post(
        reverse("directory:service_do_not_refer", args=[service.uuid]),
        {"do_not_refer": "1", "reason": "Full until May"},
    )
    service.refresh_from_db()
    assert service.do_not_refer and service.do_not_refer_reason == "Full until May"
    client.force_login(bob)
    body = client.get(reverse("directory:service", args=[service.uuid])).content.decode()
    assert "Do not refer here for now." in body and "Full until May" in body


def test_verify_records_who_and_when(client, imported, alice):
    service = Service.objects.get(owner=imported, hsds_id=SVC2)
    assert service.is_stale
    client.force_login(alice)
    assert "Schuldhulp Domstad" in client.get(reverse("directory:verification")).content.decode()
    client.post(reverse("directory:service_verify", args=[service.uuid]), {"next": "verification"})
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate()
    assert service.assurer_email == alice.email
    assert not service.is_stale
    assert (
        f"/directory/services/{service.uuid}/"
        not in client.get(reverse("directory:verification")).content.decode()
    )


def test_stale_reminder_goes_to_each_admin_once_a_week(imported, alice):
    second_admin = MembershipFactory(organisation=imported, is_admin=True).user
    assert remind_stale_directory() == 2
    assert remind_stale_directory() == 2  # the same keys: no new rows
    rows = Reminder.objects.filter(kind="directory_stale")
    assert rows.count() == 2
    assert {r.recipient for r in rows} == {alice, second_admin}
    assert rows.first().data == {"count": 1}
    assert rows.first().link == reverse("directory:verification")


def test_no_stale_reminder_when_everything_is_verified(imported, alice):
    Service.objects.filter(owner=imported).update(assured_date=timezone.localdate())
    assert remind_stale_directory() == 0


@pytest.fixture
def link(client, imported, alice, django_capture_on_commit_callbacks):
    """The path of the secret link the service's contact receives by e-mail."""
    service = Service.objects.get(owner=imported, hsds_id=SVC)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directory:service_request_verification", args=[service.uuid]),
            {"email": "intake@voorbeeld.example.org"},
        )
    assert response.status_code == 302
    client.logout()
    return re.search(r"(/directory/verify/[^/\s]+/)", mail.outbox[-1].body).group(1)


def test_the_link_is_emailed_and_only_its_hash_is_stored(link):
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert mail.outbox[-1].to == ["intake@voorbeeld.example.org"]
    assert not VerificationRequest.objects.filter(token_hash=token).exists()


def test_contact_confirms_the_listing(client, link, imported):
    assert "Blijfhuis Voorbeeld" in client.get(link).content.decode()
    client.post(link, {"action": "confirm"})
    service = Service.objects.get(owner=imported, hsds_id=SVC)
    assert service.assured_date == timezone.localdate()
    assert service.assurer_email == "intake@voorbeeld.example.org"
    assert client.get(link).status_code == 404  # used once


def test_corrections_wait_for_an_admin_and_show_a_diff(client, link, imported, alice):
    form = {
        "action": "correct",
        "name": "Blijfhuis Voorbeeld",
        "phone": "+31 30 555 0999",
        "description": "Opvang bij huiselijk geweld",
        "email": "intake@voorbeeld.example.org",
        "note": "New number",
    }
    client.post(link, form)
    service = Service.objects.get(owner=imported, hsds_id=SVC)
    assert service.phones.get().number == "+31 30 555 0100"  # not published yet
    correction = PendingCorrection.objects.get(service=service)
    assert correction.changes == {"phone": ["+31 30 555 0100", "+31 30 555 0999"]}
    client.force_login(alice)
    page = client.get(reverse("directory:correction", args=[correction.uuid])).content.decode()
    assert "<del>+31 30 555 0100</del>" in page and "<ins>+31 30 555 0999</ins>" in page
    client.post(reverse("directory:correction", args=[correction.uuid]), {"decision": "approve"})
    assert service.phones.get().number == "+31 30 555 0999"
    correction.refresh_from_db()
    assert correction.status == "approved" and correction.decided_by == alice


def test_rejected_corrections_change_nothing(client, link, imported, alice):
    client.post(link, {"action": "correct", "name": "Totally different", "description": ""})
    correction = PendingCorrection.objects.get()
    client.force_login(alice)
    client.post(reverse("directory:correction", args=[correction.uuid]), {"decision": "reject"})
    assert Service.objects.get(owner=imported, hsds_id=SVC).name == "Blijfhuis Voorbeeld"


def test_expired_links_do_not_work(client, link):
    VerificationRequest.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(link).status_code == 404
    assert client.post(link, {"action": "confirm"}).status_code == 404


def test_agency_adds_its_own_category(client, org, alice):
    client.force_login(alice)
    client.post(reverse("directory:categories"), {"name": "Gambling", "label_nl": "Gokken"})
    term = TaxonomyTerm.objects.get(owner=org)
    assert term.labels == {"en": "Gambling", "nl": "Gokken"}
    response = client.post(reverse("directory:categories"), {"name": "Debt and money"})
    assert "exists already" in response.content.decode()
