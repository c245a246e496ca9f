"""Every journal URL × every demo role: owner, same-organisation practitioner, the owner's
supervisor, another supervisor, another organisation (practitioner and supervisor), an agency
admin, anonymous."""

import copy

import pytest
from django.urls import URLPattern, get_resolver, reverse

from accounts.models import AuditEvent, SupervisionLink
from journal import services
from journal.models import Flag
from tests.factories import EntryFactory, FlagFactory, personas

pytestmark = pytest.mark.django_db

ROLES = ["ana", "ben", "supervisor", "supervisor2", "chloe", "lindenhof_supervisor", "admin"]
ALL_ROLES = [*ROLES, "anonymous"]


@pytest.fixture(scope="module")
def scenario(module_db, django_db_blocker):
    """The people; Ana's entry with a confirmed crossing (her supervisor: demo.supervisor), an
    unflagged entry of the same client, an open suggestion and a meeting: made once for the
    module, since its tests only read them (each test's own writes are rolled back)."""
    with django_db_blocker.unblock():
        demo = personas()
        entry = EntryFactory(
            owner=demo.ana, notes="I gave him ten euros from my own pocket for the bus."
        )
        flag = FlagFactory(
            entry=entry, category="giving_money", quote="ten euros from my own pocket"
        )
        services.flag_confirm(flag=flag, by=demo.ana)
        flag.refresh_from_db()
        private = EntryFactory(owner=demo.ana, client=entry.client, notes="A quiet session.")
        suggested = FlagFactory(
            entry=EntryFactory(owner=demo.ana, notes="I lent him money from my own wallet."),
            quote="lent him money",
        )
        meeting = services.meeting_record(
            supervisor=demo.supervisor,
            supervisee=demo.ana,
            held_on="2026-11-01",
            notes="We talked.",
            agreed_actions="",
            flags=[flag],
        )
        draft = services.entry_create(owner=demo.ana, client=entry.client, notes="Half")
        return demo, flag, _urls(demo, flag, private, suggested, meeting, draft)


@pytest.fixture
def demo(db, scenario):
    return copy.deepcopy(scenario[0])


@pytest.fixture
def confirmed_flag(db, scenario):
    return copy.deepcopy(scenario[1])


@pytest.fixture
def urls(scenario):
    """One URL per journal route, all about Ana's data."""
    return scenario[2]


def _urls(demo, confirmed_flag, private, suggested, meeting, draft):
    entry = confirmed_flag.entry
    unwritten = "5f0c8a2e-1d3b-4c6a-9e7f-0a1b2c3d4e5f"
    return {
        "entries": ("get", reverse("journal:entries")),
        "entry_new": ("get", reverse("journal:entry_new")),
        "entry_new for a client": (
            "get",
            reverse("journal:entry_new") + f"?client={entry.client.uuid}",
        ),
        "entry (flagged)": ("get", reverse("journal:entry", args=[entry.uuid])),
        "entry (unflagged)": ("get", reverse("journal:entry", args=[private.uuid])),
        "entry_edit": ("get", reverse("journal:entry_edit", args=[entry.uuid])),
        "entry_autosave": ("post", reverse("journal:entry_autosave", args=[entry.uuid])),
        "entry_edit (not written yet)": (
            "get",
            reverse("journal:entry_edit", args=[unwritten]) + f"?client={entry.client.uuid}",
        ),
        "entry_resume": ("get", reverse("journal:entry_resume", args=[entry.uuid])),
        "entry_discard": ("get", reverse("journal:entry_discard", args=[draft.uuid])),
        "entry_share": ("post", reverse("journal:entry_share", args=[private.uuid])),
        "flag_report": ("post", reverse("journal:flag_report", args=[entry.uuid])),
        "detect": ("post", reverse("journal:detect")),
        "flag_confirm": ("post", reverse("journal:flag_confirm", args=[suggested.uuid])),
        "flag_dismiss": ("post", reverse("journal:flag_dismiss", args=[suggested.uuid])),
        "clients": ("get", reverse("journal:clients")),
        "client_new": ("get", reverse("journal:client_new")),
        "client": ("get", reverse("journal:client", args=[entry.client.uuid])),
        "client_edit": ("get", reverse("journal:client_edit", args=[entry.client.uuid])),
        "client_delete": ("get", reverse("journal:client_delete", args=[entry.client.uuid])),
        "review": ("get", reverse("journal:review")),
        "review_flag": ("get", reverse("journal:review_flag", args=[confirmed_flag.uuid])),
        "review_item": ("get", reverse("journal:review_item", args=[confirmed_flag.uuid])),
        "review_save": ("post", reverse("journal:review_save", args=[confirmed_flag.uuid])),
        "meetings": ("get", reverse("journal:meetings")),
        "meeting_new": ("get", reverse("journal:meeting_new") + f"?supervisee={demo.ana.pk}"),
        "meeting": ("get", reverse("journal:meeting", args=[meeting.uuid])),
        "trends": ("get", reverse("journal:trends")),
        "team": ("get", reverse("journal:team")),
        "export": ("get", reverse("journal:export")),
        "detector_precision": ("get", reverse("journal:detector_precision")),
        "crossing_help": ("get", reverse("journal:crossing_help", args=["giving_money"])),
    }


# Expected status per URL, for ALL_ROLES in order. 302 = sent to sign in (or, for the
# supervisor's review link, on to the entry); 403 = lacks the role; 404 = outside scope.
# Chloe (another organisation) is a practitioner, so her own pages work; Ana's data is a 404.
EXPECTED = {
    #                        ana  ben  sup  sup2 chloe lsup admin anon
    "entries": [200, 200, 403, 403, 200, 403, 403, 302],
    "entry_new": [200, 200, 403, 403, 200, 403, 403, 302],
    "entry_new for a client": [200, 404, 403, 403, 404, 403, 403, 302],
    "entry (flagged)": [200, 404, 200, 404, 404, 404, 404, 302],
    "entry (unflagged)": [200, 404, 404, 404, 404, 404, 404, 302],
    "entry_edit": [200, 404, 403, 403, 404, 403, 403, 302],
    "entry_autosave": [422, 404, 403, 403, 404, 403, 403, 302],
    "entry_edit (not written yet)": [200, 404, 403, 403, 404, 403, 403, 302],
    "entry_resume": [200, 404, 403, 403, 404, 403, 403, 302],
    "entry_discard": [200, 404, 403, 403, 404, 403, 403, 302],
    "entry_share": [302, 404, 403, 403, 404, 403, 403, 302],
    "flag_report": [422, 404, 403, 403, 404, 403, 403, 302],
    "detect": [200, 200, 403, 403, 200, 403, 403, 302],
    "flag_confirm": [302, 404, 403, 403, 404, 403, 403, 302],
    "flag_dismiss": [302, 404, 403, 403, 404, 403, 403, 302],
    "clients": [200, 200, 403, 403, 200, 403, 403, 302],
    "client_new": [200, 200, 403, 403, 200, 403, 403, 302],
    "client": [200, 404, 403, 403, 404, 403, 403, 302],
    "client_edit": [200, 404, 403, 403, 404, 403, 403, 302],
    "client_delete": [200, 404, 403, 403, 404, 403, 403, 302],
    "review": [403, 403, 200, 200, 403, 200, 403, 302],
    "review_flag": [403, 403, 302, 404, 403, 404, 403, 302],
    "review_item": [403, 403, 200, 404, 403, 404, 403, 302],
    "review_save": [403, 403, 422, 404, 403, 404, 403, 302],
    "meetings": [200, 200, 200, 200, 200, 200, 403, 302],
    "meeting_new": [403, 403, 200, 404, 403, 404, 403, 302],
    "meeting": [200, 404, 200, 404, 404, 404, 404, 302],
    "trends": [200, 200, 403, 403, 200, 403, 403, 302],
    "team": [403, 403, 200, 200, 403, 200, 403, 302],
    "export": [200, 200, 403, 403, 200, 403, 403, 302],
    "detector_precision": [403, 403, 403, 403, 403, 403, 200, 302],
    # Help on a kind of crossing names no one's data: every member may read it.
    "crossing_help": [200, 200, 200, 200, 200, 200, 200, 302],
}


def _as(client, demo, role):
    client.logout()
    if role != "anonymous":
        client.force_login(getattr(demo, role))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_access_matrix(client, demo, urls, name):
    method, url = urls[name]
    for index, role in enumerate(ALL_ROLES):
        _as(client, demo, role)
        response = getattr(client, method)(url)
        assert response.status_code == EXPECTED[name][index], (name, role)


def test_every_journal_url_is_in_the_matrix():
    """A new journal URL fails this test until its access is specified above."""
    journal = get_resolver().url_patterns
    names = set()
    for pattern in journal:
        namespace = getattr(pattern, "namespace", None)
        if namespace == "journal":
            names |= {p.name for p in pattern.url_patterns if isinstance(p, URLPattern)}
    covered = {key.split(" ")[0] for key in EXPECTED}
    assert names and names <= covered, names - covered


def test_outsiders_change_nothing(client, demo, urls, confirmed_flag):
    """The 403s and 404s above are refusals, not half-applied writes."""
    entry = confirmed_flag.entry
    for role in ["ben", "supervisor2", "chloe", "lindenhof_supervisor", "admin"]:
        _as(client, demo, role)
        client.post(urls["entry_autosave"][1], {"notes": "overwritten", "version": entry.version})
        client.post(urls["flag_report"][1], {"category": "rescuing"})
        client.post(urls["review_save"][1], {"outcome": "violation"})
        client.post(urls["flag_dismiss"][1], {"reason": "not mine"})
        client.post(
            reverse("journal:client_delete", args=[entry.client.uuid]),
            {"confirm_code": entry.client.code},
        )
    entry.refresh_from_db()
    confirmed_flag.refresh_from_db()
    assert entry.notes != "overwritten"
    assert not entry.flags.filter(source=Flag.Source.SELF).exists()
    assert confirmed_flag.outcome == ""
    assert not Flag.objects.filter(status=Flag.Status.DISMISSED).exists()


def test_supervisor_sees_a_shared_entry_only_while_shared(client, demo):
    entry = EntryFactory(owner=demo.ana, notes="A quiet session.")
    url = reverse("journal:entry", args=[entry.uuid])
    client.force_login(demo.supervisor)
    assert client.get(url).status_code == 404
    services.entry_share(entry=entry, by=demo.ana, shared=True)
    assert client.get(url).status_code == 200
    client.force_login(demo.supervisor2)
    assert client.get(url).status_code == 404  # shared with Ana's supervisor, not every one
    services.entry_share(entry=entry, by=demo.ana, shared=False)
    client.force_login(demo.supervisor)
    assert client.get(url).status_code == 404


def test_supervisor_view_is_read_only_and_recorded(client, demo, confirmed_flag):
    client.force_login(demo.supervisor)
    response = client.get(reverse("journal:entry", args=[confirmed_flag.entry.uuid]))
    body = response.content.decode()
    assert "read-only" in body
    assert 'mark class="evidence"' in body
    assert reverse("journal:entry_edit", args=[confirmed_flag.entry.uuid]) not in body
    assert reverse("journal:flag_report", args=[confirmed_flag.entry.uuid]) not in body
    event = AuditEvent.objects.get(action="journal.entry.read")
    assert event.actor == demo.supervisor and event.target_id == str(confirmed_flag.entry.uuid)
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entry", args=[confirmed_flag.entry.uuid])).content.decode()
    assert "Read by" in body and "Sara Jansen" in body
    assert AuditEvent.objects.filter(action="journal.entry.read").count() == 1  # own reads: none


def test_read_by_names_each_reader_once_with_their_latest_read(client, demo, confirmed_flag):
    from datetime import datetime, timedelta

    from tests.factories import SupervisionLinkFactory

    entry = confirmed_flag.entry
    SupervisionLinkFactory(supervisor=demo.supervisor2, supervisee=demo.ana)
    first = datetime(2026, 10, 20, 9, 0, tzinfo=demo.ana.tzinfo)
    for reader, hours in ((demo.supervisor, 0), (demo.supervisor, 2), (demo.supervisor2, 3)):
        services.entry_read_record(entry=entry, reader=reader)
        AuditEvent.objects.filter(pk=AuditEvent.objects.latest("id").pk).update(
            at=first + timedelta(hours=hours)
        )
    services.entry_read_record(entry=entry, reader=demo.supervisor)
    latest = AuditEvent.objects.latest("id")
    AuditEvent.objects.filter(pk=latest.pk).update(at=first + timedelta(hours=5))
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entry", args=[entry.uuid])).content.decode()
    log = body[body.index("Read by") :]
    log = log[: log.index("</ul>")]
    assert log.count("Sara Jansen read") == 1 and log.count("Tom Bakker read") == 1
    assert "20 October 2026, 14:00" in log and "20 October 2026, 12:00" in log
    assert "20 October 2026, 09:00" not in log and "20 October 2026, 11:00" not in log
    assert log.index("Sara Jansen") < log.index("Tom Bakker")  # newest first
    assert AuditEvent.objects.filter(action="journal.entry.read").count() == 4  # all kept


def test_a_review_queue_row_is_recorded_as_a_read_when_it_opens(client, demo, confirmed_flag):
    entry = confirmed_flag.entry
    reported = services.flag_report(
        entry=entry, category="out_of_hours", note="Texted him at 23:00.", by=demo.ana
    )
    client.force_login(demo.supervisor)
    body = client.get(reverse("journal:review")).content.decode()
    # The rows start closed: nothing of the entry is shown, so nothing is recorded.
    assert confirmed_flag.quote not in body and "Texted him at 23:00." not in body
    assert not AuditEvent.objects.filter(action="journal.entry.read").exists()
    opened = client.get(
        reverse("journal:review_item", args=[reported.uuid]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "Texted him at 23:00." in opened
    event = AuditEvent.objects.get(action="journal.entry.read")  # the row opened
    assert event.actor == demo.supervisor and event.target_id == str(entry.uuid)
    assert event.data["via"] == "review_queue"
    assert event.data["flags"] == [str(reported.uuid)]
    client.post(
        reverse("journal:review_save", args=[reported.uuid]),
        {"outcome": "watch"},
        headers={"HX-Request": "true"},
    )
    assert AuditEvent.objects.filter(action="journal.entry.read").count() == 2
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entry", args=[entry.uuid])).content.decode()
    assert "Read by" in body and "Sara Jansen" in body


def test_a_former_supervisor_no_longer_sees_the_quotes_of_meetings(client, demo, confirmed_flag):
    meeting = services.meeting_record(
        supervisor=demo.supervisor,
        supervisee=demo.ana,
        held_on="2026-11-01",
        notes="We talked about money.",
        agreed_actions="",
        flags=[confirmed_flag],
    )
    url = reverse("journal:meeting", args=[meeting.uuid])
    client.force_login(demo.supervisor)
    assert confirmed_flag.quote in client.get(url).content.decode()
    client.force_login(demo.admin)
    link = SupervisionLink.objects.get(supervisor=demo.supervisor, supervisee=demo.ana)
    client.post(reverse("supervision_delete", args=[link.uuid]))
    client.force_login(demo.supervisor)
    body = client.get(url).content.decode()
    assert "We talked about money." in body  # their own record stays
    assert confirmed_flag.quote not in body
    assert "You no longer supervise Ana Martins" in body
    client.force_login(demo.ana)
    assert confirmed_flag.quote in client.get(url).content.decode()


def test_supervisor_sees_only_what_was_brought_to_supervision(client, demo):
    """On a flagged entry, open suggestions and dismissed ones stay the practitioner's own."""
    entry = EntryFactory(
        owner=demo.ana,
        notes="I gave him ten euros from my own wallet. I told her about my own divorce.",
    )
    money = FlagFactory(entry=entry, category="giving_money", quote="ten euros")
    disclosure = FlagFactory(entry=entry, category="self_disclosure", quote="my own divorce")
    services.flag_confirm(flag=money, by=demo.ana)
    client.force_login(demo.supervisor)
    body = client.get(reverse("journal:entry", args=[entry.uuid])).content.decode()
    assert f'id="flag-{money.uuid}"' in body
    assert f'id="flag-{disclosure.uuid}"' not in body
    assert 'data-category="self_disclosure"' not in body
    services.flag_dismiss(flag=disclosure, by=demo.ana, reason="It helped him open up.")
    body = client.get(reverse("journal:entry", args=[entry.uuid])).content.decode()
    assert "It helped him open up." not in body


def test_htmx_request_from_an_expired_session_gets_401(client, demo, confirmed_flag):
    for url in [
        reverse("journal:entry_autosave", args=[confirmed_flag.entry.uuid]),
        reverse("journal:detect"),
    ]:
        response = client.post(url, {"notes": "typed"}, headers={"HX-Request": "true"})
        assert response.status_code == 401
        assert "limen:session-expired" in response["HX-Trigger"]
    response = client.get(
        reverse("journal:entry_resume", args=[confirmed_flag.entry.uuid]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 401
