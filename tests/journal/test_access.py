"""Every journal URL × every demo role: owner, same-organisation practitioner, the owner's
supervisor, another supervisor, another organisation, anonymous."""

import pytest
from django.urls import reverse

from journal import services

pytestmark = pytest.mark.django_db

ROLES = ["ana", "ben", "supervisor", "supervisor2", "lindenhof_supervisor", "anonymous"]


@pytest.fixture
def urls(demo, confirmed_flag, make_entry):
    entry = confirmed_flag.entry
    private = make_entry(demo.ana, "A quiet session.", client=entry.client)
    return {
        "entry (flagged)": ("get", reverse("journal:entry", args=[entry.uuid])),
        "entry (unflagged)": ("get", reverse("journal:entry", args=[private.uuid])),
        "entry edit": ("get", reverse("journal:entry_edit", args=[entry.uuid])),
        "autosave": ("post", reverse("journal:entry_autosave", args=[entry.uuid])),
        "share": ("post", reverse("journal:entry_share", args=[private.uuid])),
        "report flag": ("post", reverse("journal:flag_report", args=[entry.uuid])),
        "confirm": ("post", reverse("journal:flag_confirm", args=[confirmed_flag.uuid])),
        "dismiss": ("post", reverse("journal:flag_dismiss", args=[confirmed_flag.uuid])),
        "client": ("get", reverse("journal:client", args=[entry.client.uuid])),
        "client edit": ("get", reverse("journal:client_edit", args=[entry.client.uuid])),
        "client delete": ("get", reverse("journal:client_delete", args=[entry.client.uuid])),
        "review save": ("post", reverse("journal:review_save", args=[confirmed_flag.uuid])),
        "review flag": ("get", reverse("journal:review_flag", args=[confirmed_flag.uuid])),
    }


# Expected status per URL, for ROLES in order. 302 = sent to sign in (or, for the supervisor's
# review link, on to the entry); 403 = lacks the role; 404 = outside scope.
EXPECTED = {
    "entry (flagged)": [200, 404, 200, 404, 404, 302],
    "entry (unflagged)": [200, 404, 404, 404, 404, 302],
    "entry edit": [200, 404, 403, 403, 403, 302],
    "autosave": [422, 404, 403, 403, 403, 302],
    "share": [302, 404, 403, 403, 403, 302],
    "report flag": [302, 404, 403, 403, 403, 302],
    "confirm": [302, 404, 403, 403, 403, 302],
    "dismiss": [302, 404, 403, 403, 403, 302],
    "client": [200, 404, 403, 403, 403, 302],
    "client edit": [200, 404, 403, 403, 403, 302],
    "client delete": [200, 404, 403, 403, 403, 302],
    "review save": [403, 403, 302, 404, 404, 302],
    "review flag": [403, 403, 302, 404, 404, 302],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_access_matrix(client, demo, urls, name):
    method, url = urls[name]
    for index, role in enumerate(ROLES):
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(demo, role))
        response = getattr(client, method)(url)
        assert response.status_code == EXPECTED[name][index], (name, role)


@pytest.mark.parametrize(
    "name,expected",
    [
        ("journal:entries", [200, 200, 403, 403, 403, 302]),
        ("journal:entry_new", [200, 200, 403, 403, 403, 302]),
        ("journal:clients", [200, 200, 403, 403, 403, 302]),
        ("journal:client_new", [200, 200, 403, 403, 403, 302]),
        ("journal:trends", [200, 200, 403, 403, 403, 302]),
        ("journal:export", [200, 200, 403, 403, 403, 302]),
        ("journal:review", [403, 403, 200, 200, 200, 302]),
        ("journal:team", [403, 403, 200, 200, 200, 302]),
        ("journal:meetings", [200, 200, 200, 200, 200, 302]),
    ],
)
def test_pages_by_role(client, demo, name, expected):
    for index, role in enumerate(ROLES):
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(demo, role))
        assert client.get(reverse(name)).status_code == expected[index], (name, role)


def test_supervisor_sees_a_shared_entry_only_while_shared(client, demo, make_entry):
    entry = make_entry(demo.ana, "A quiet session.")
    url = reverse("journal:entry", args=[entry.uuid])
    client.force_login(demo.supervisor)
    assert client.get(url).status_code == 404
    services.entry_share(entry=entry, by=demo.ana, shared=True)
    assert client.get(url).status_code == 200
    services.entry_share(entry=entry, by=demo.ana, shared=False)
    assert client.get(url).status_code == 404


def test_supervisor_view_is_read_only_and_recorded(client, demo, confirmed_flag):
    client.force_login(demo.supervisor)
    response = client.get(reverse("journal:entry", args=[confirmed_flag.entry.uuid]))
    body = response.content.decode()
    assert "read-only" in body
    assert 'mark class="evidence"' in body
    assert reverse("journal:entry_edit", args=[confirmed_flag.entry.uuid]) not in body
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entry", args=[confirmed_flag.entry.uuid])).content.decode()
    assert "Read by" in body and "Sara Jansen" in body


def test_htmx_request_from_an_expired_session_gets_401(client, demo, confirmed_flag):
    url = reverse("journal:entry_autosave", args=[confirmed_flag.entry.uuid])
    response = client.post(url, {"notes": "typed"}, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert "limen:session-expired" in response["HX-Trigger"]


def test_meeting_pages_belong_to_the_pair(client, demo, confirmed_flag):
    meeting = services.meeting_record(
        supervisor=demo.supervisor,
        supervisee=demo.ana,
        held_on="2026-11-01",
        notes="We talked.",
        agreed_actions="",
        flags=[confirmed_flag],
    )
    url = reverse("journal:meeting", args=[meeting.uuid])
    for user, status in [
        (demo.ana, 200),
        (demo.supervisor, 200),
        (demo.ben, 404),
        (demo.supervisor2, 404),
        (demo.lindenhof_supervisor, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status
    client.force_login(demo.supervisor2)
    response = client.get(reverse("journal:meeting_new"), {"supervisee": demo.ana.pk})
    assert response.status_code == 404
