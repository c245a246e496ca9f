"""Who can read a practitioner's flagged entries is never granted silently, and never to oneself."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import SupervisionLink
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_supervisor(demo):
    """The Harbour admin, who also holds the supervisor role."""
    membership = demo.admin.membership
    membership.is_supervisor = True
    membership.save()
    return demo.admin


def test_an_admin_cannot_make_themselves_someones_supervisor(client, demo, admin_supervisor):
    client.force_login(admin_supervisor)
    response = client.post(
        reverse("supervision_add"),
        {"supervisor": admin_supervisor.pk, "supervisee": demo.ana.pk, "cadence_weeks": 4},
    )
    assert response.status_code == 200
    assert "Another admin must pair you" in response.content.decode()
    assert not SupervisionLink.objects.filter(supervisor=admin_supervisor).exists()
    assert mail.outbox == []


def test_another_admin_can_make_the_pair(
    client, demo, admin_supervisor, django_capture_on_commit_callbacks
):
    other_admin = MembershipFactory(
        organisation=demo.harbour, is_practitioner=False, is_admin=True
    ).user
    client.force_login(other_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("supervision_add"),
            {"supervisor": admin_supervisor.pk, "supervisee": demo.ana.pk, "cadence_weeks": 4},
        )
    assert response.status_code == 302
    assert SupervisionLink.objects.filter(supervisor=admin_supervisor, supervisee=demo.ana)


def test_the_practitioner_is_emailed_in_their_language(
    client, demo, django_capture_on_commit_callbacks
):
    client.force_login(demo.lindenhof_admin)
    other = MembershipFactory(organisation=demo.lindenhof, is_supervisor=True).user
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("supervision_add"),
            {"supervisor": other.pk, "supervisee": demo.chloe.pk, "cadence_weeks": 4},
        )
    [message] = mail.outbox
    assert message.to == ["chloe@lindenhof.example"]
    assert other.get_full_name() in message.subject
    assert "superviseur" in message.subject.lower()  # Chloé reads French
    assert "Lena Hoffmann" in message.body  # who made the pair
    assert "/accounts/profile/#supervision" in message.body


def test_the_practitioner_sees_a_notice_until_they_dismiss_it(
    client, demo, django_capture_on_commit_callbacks
):
    client.force_login(demo.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("supervision_add"),
            {"supervisor": demo.supervisor2.pk, "supervisee": demo.ana.pk, "cadence_weeks": 4},
        )
    link = SupervisionLink.objects.get(supervisor=demo.supervisor2, supervisee=demo.ana)
    client.force_login(demo.ana)
    body = client.get(reverse("home")).content.decode()
    assert f'id="new-supervisor-{link.uuid}"' in body and "Tom Bakker is your supervisor" in body
    # Only the supervisee dismisses it.
    client.force_login(demo.ben)
    url = reverse("supervision_acknowledge", args=[link.uuid])
    assert client.post(url).status_code == 404
    client.force_login(demo.ana)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert f'id="new-supervisor-{link.uuid}"' not in client.get(reverse("home")).content.decode()


def test_the_profile_lists_who_can_read_flagged_entries_and_since_when(client, demo):
    link = SupervisionLink.objects.get(supervisee=demo.ana)
    client.force_login(demo.ana)
    response = client.get(reverse("profile"))
    body = response.content.decode()
    assert 'id="supervision"' in body
    assert "Sara Jansen, since" in body
    from django.utils.formats import date_format
    from django.utils.timezone import localtime

    assert date_format(localtime(link.created_at), "DATE_FORMAT") in body
    client.force_login(demo.admin)  # no supervisor
    assert "Nobody: you have no supervisor" in client.get(reverse("profile")).content.decode()
