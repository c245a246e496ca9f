"""Sharing a summary with supervision: only what was chosen, only while shared, audit-logged."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, SupervisionLink
from boundaries import services
from boundaries.models import SummaryShare
from tests.boundaries.conftest import completed_take
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(demo, v1):
    """Ana (supervised by Sara, demo.supervisor) with two finished takes and three entries."""
    old = completed_take(demo.ana, days_ago=100, score=2)
    new = completed_take(demo.ana, days_ago=5, score=4)
    topics = {
        name: services.topic_create(user=demo.ana, topic=name, keywords=[name.lower()])
        for name in ["Abortion", "Alcohol", "Secret topic"]
    }
    return old, new, topics


def share(demo, take, topics):
    return services.share_create(
        owner=demo.ana, take=take, topics=topics, supervisors=[demo.supervisor]
    )[0]


def test_sharing_through_the_form(client, demo, setup):
    _old, new, topics = setup
    client.force_login(demo.ana)
    page = client.get(reverse("boundaries:sharing"))
    assert page.status_code == 200
    response = client.post(
        reverse("boundaries:sharing"),
        {"take": new.pk, "topics": [topics["Abortion"].pk], "supervisors": [demo.supervisor.pk]},
    )
    assert response.url == reverse("boundaries:sharing")
    shared = SummaryShare.objects.get()
    assert (shared.owner, shared.supervisor, shared.take) == (demo.ana, demo.supervisor, new)
    assert list(shared.topics.all()) == [topics["Abortion"]]
    event = AuditEvent.objects.get(action="boundaries.summary.shared")
    assert event.actor == demo.ana and event.target_id == str(shared.uuid)


def test_only_own_finished_takes_entries_and_supervisors_can_be_chosen(client, demo, setup):
    _old, new, _topics = setup
    ben_take = completed_take(demo.ben)
    ben_topic = services.topic_create(user=demo.ben, topic="Ben's", keywords=[])
    client.force_login(demo.ana)
    for data in [
        {"take": ben_take.pk, "supervisors": [demo.supervisor.pk]},
        {"take": new.pk, "topics": [ben_topic.pk], "supervisors": [demo.supervisor.pk]},
        {"take": new.pk, "supervisors": [demo.supervisor2.pk]},  # not Ana's supervisor
        {"take": new.pk, "supervisors": []},
    ]:
        response = client.post(reverse("boundaries:sharing"), data)
        assert response.status_code == 422, data
    assert not SummaryShare.objects.exists()


def test_the_supervisor_sees_the_chosen_summary_and_nothing_else(client, demo, setup):
    _old, new, topics = setup
    shared = share(demo, new, [topics["Abortion"], topics["Alcohol"]])
    client.force_login(demo.supervisor)
    listing = client.get(reverse("boundaries:shared")).content.decode()
    assert demo.ana.get_full_name() in listing
    response = client.get(reverse("boundaries:shared_summary", args=[shared.uuid]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Abortion" in page and "Alcohol" in page
    assert "Secret topic" not in page
    # Section scores, never the answers themselves.
    assert "Values and hot-button topics" in page and "4.0" in page
    assert "I know which topics are hot buttons for me" not in page
    assert 'role="img"' in page


def test_a_supervisor_read_is_audit_logged(client, demo, setup):
    _old, new, topics = setup
    shared = share(demo, new, [])
    client.force_login(demo.supervisor)
    client.get(reverse("boundaries:shared_summary", args=[shared.uuid]))
    event = AuditEvent.objects.get(action="boundaries.summary.read")
    assert event.actor == demo.supervisor
    assert event.organisation == demo.harbour
    assert event.target_id == str(shared.uuid)


def test_revoking_ends_access_and_is_audit_logged(client, demo, setup):
    _old, new, _topics = setup
    shared = share(demo, new, [])
    client.force_login(demo.ana)
    response = client.post(reverse("boundaries:share_revoke", args=[shared.uuid]))
    assert response.url == reverse("boundaries:sharing")
    assert AuditEvent.objects.filter(action="boundaries.summary.revoked").count() == 1
    client.force_login(demo.supervisor)
    assert client.get(reverse("boundaries:shared_summary", args=[shared.uuid])).status_code == 404
    assert demo.ana.get_full_name() not in client.get(reverse("boundaries:shared")).content.decode()


def test_revoking_twice_says_so_instead_of_failing(client, demo, setup):
    _old, new, _topics = setup
    shared = share(demo, new, [])
    client.force_login(demo.ana)
    url = reverse("boundaries:share_revoke", args=[shared.uuid])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "already no longer sees this summary" in response.content.decode()
    assert AuditEvent.objects.filter(action="boundaries.summary.revoked").count() == 1


def test_only_the_owner_can_revoke(client, demo, setup):
    _old, new, _topics = setup
    shared = share(demo, new, [])
    for person in [demo.supervisor, demo.ben, demo.admin]:
        client.force_login(person)
        url = reverse("boundaries:share_revoke", args=[shared.uuid])
        assert client.post(url).status_code in (403, 404)
    shared.refresh_from_db()
    assert shared.revoked_at is None


def test_sharing_again_replaces_what_the_supervisor_saw(demo, setup):
    old, new, topics = setup
    first = share(demo, old, [topics["Abortion"]])
    second = share(demo, new, [])
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert SummaryShare.objects.filter(revoked_at__isnull=True).get() == second


def test_a_summary_is_gone_when_the_supervision_pair_ends(client, demo, setup):
    _old, new, _topics = setup
    shared = share(demo, new, [])
    SupervisionLink.objects.filter(supervisee=demo.ana).delete()
    client.force_login(demo.supervisor)
    assert client.get(reverse("boundaries:shared_summary", args=[shared.uuid])).status_code == 404


def test_a_supervisor_without_a_share_gets_404_everywhere(client, demo, setup):
    old, new, topics = setup
    client.force_login(demo.supervisor)
    for url in [
        reverse("boundaries:results", args=[new.uuid]),
        reverse("boundaries:take", args=[old.uuid]),
        reverse("boundaries:topic_edit", args=[topics["Abortion"].uuid]),
    ]:
        assert client.get(url).status_code == 404


def test_a_share_does_not_open_the_results_page_itself(client, demo, setup):
    _old, new, topics = setup
    shared = share(demo, new, [topics["Abortion"]])
    client.force_login(demo.supervisor)
    assert client.get(reverse("boundaries:shared_summary", args=[shared.uuid])).status_code == 200
    assert client.get(reverse("boundaries:results", args=[new.uuid])).status_code == 404
    edit = reverse("boundaries:topic_edit", args=[topics["Abortion"].uuid])
    assert client.get(edit).status_code == 404


def test_a_supervisor_from_elsewhere_cannot_be_chosen(demo, setup):
    _old, new, _topics = setup
    outsider = MembershipFactory(is_supervisor=True).user
    with pytest.raises(Exception, match="supervisors"):
        services.share_create(owner=demo.ana, take=new, topics=[], supervisors=[outsider])
