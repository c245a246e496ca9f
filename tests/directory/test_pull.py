"""Pulling another agency's directory: end to end against Limen's own HSDS API served on
loopback for the other demo agency, and against sources that are down, slow, answer garbage,
too much, or refuse a revoked token. Whatever happens, the local directory is never half-changed.
"""

import http.server
import os
import socket
import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from directory import demo as directory_demo
from directory import secretbox
from directory.hsds import remote
from directory.models import PullChangeSet, Service, Subscription
from directory.services import pulls
from directory.services.api_access import (
    api_token_create,
    api_token_revoke,
    directory_publish,
)
from directory.services.upkeep import service_set_status

pytestmark = pytest.mark.django_db(transaction=True)

FAST = remote.Limits(connect_timeout=2, read_timeout=0.5, deadline=5)


def snapshot(organisation) -> list[tuple]:
    """Everything that tells whether the directory changed."""
    return list(
        Service.objects.filter(owner=organisation)
        .order_by("hsds_id")
        .values_list("hsds_id", "name", "status", "source_id", "last_modified", "updated_at")
    )


@pytest.fixture
def loopback(settings):
    # The operator's explicit allowance: without it, Limen refuses loopback (tested below).
    settings.DIRECTORY_PULL_PRIVATE_HOSTS = ["127.0.0.1"]


@pytest.fixture
def agencies(demo, live_server, loopback):
    """Both demo agencies with their demo directories; Lindenhof's HSDS API is served on
    loopback with a read token made for Harbour."""
    directory_demo.seed(open(os.devnull, "w"))  # noqa: SIM115
    token_row, token = api_token_create(
        organisation=demo.lindenhof, name="Harbour", by=demo.lindenhof_admin
    )
    demo.token = token
    demo.token_row = token_row
    demo.api_url = live_server.url.replace("localhost", "127.0.0.1") + "/api/hsds"
    return demo


def subscribe(agencies, *, url: str | None = None, token: str | None = None, **options):
    return pulls.subscription_create(
        organisation=agencies.harbour,
        name="Lindenhof",
        base_url=url or agencies.api_url,
        token=agencies.token if token is None else token,
        is_scheduled=options.get("is_scheduled", True),
        auto_apply=options.get("auto_apply", False),
        by=agencies.admin,
    )


# --- A source that misbehaves ---------------------------------------------------------------


class FakeSource:
    """A tiny HTTP server on loopback answering every request with ``answer(handler)``."""

    def __init__(self, answer: Callable):
        self.release = threading.Event()
        self.requests: list[str] = []
        source = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the standard library's name
                source.requests.append(self.path)
                answer(self, source)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/hsds"
        # shutdown() waits for the serving loop to look up: every 50 ms, not the default 500.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_source():
    made = []

    def make(answer: Callable) -> FakeSource:
        source = FakeSource(answer)
        made.append(source)
        return source

    yield make
    for source in made:
        source.close()


def reply(handler, status: int, body: bytes, **headers):
    handler.send_response(status)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


# --- End to end -------------------------------------------------------------------------------


def test_harbour_pulls_lindenhofs_directory_after_approval(agencies):
    own = snapshot(agencies.harbour)
    remote_ids = set(
        Service.objects.filter(owner=agencies.lindenhof).values_list("hsds_id", flat=True)
    )
    subscription = subscribe(agencies)

    change_set = pulls.subscription_pull(subscription=subscription)

    assert change_set.status == PullChangeSet.Status.PENDING
    assert {c["id"] for c in change_set.changes["created"]} == remote_ids
    assert change_set.changes["updated"] == change_set.changes["withdrawn"] == []
    assert snapshot(agencies.harbour) == own, "nothing is written before approval"
    subscription.refresh_from_db()
    assert subscription.last_outcome == Subscription.Outcome.PENDING

    pulls.change_set_approve(change_set=change_set, by=agencies.admin)

    change_set.refresh_from_db()
    assert change_set.status == PullChangeSet.Status.APPLIED
    assert change_set.payload is None
    pulled = Service.objects.filter(owner=agencies.harbour, source=subscription)
    assert set(pulled.values_list("hsds_id", flat=True)) == remote_ids
    assert pulled.count() + len(own) == Service.objects.filter(owner=agencies.harbour).count()
    original = Service.objects.get(owner=agencies.lindenhof, hsds_id=pulled.first().hsds_id)
    assert pulled.first().name == original.name
    subscription.refresh_from_db()
    assert subscription.last_outcome == Subscription.Outcome.APPLIED
    assert subscription.cursor
    assert AuditEvent.objects.filter(action="directory.pull.applied").count() == 1


def test_a_second_pull_takes_only_what_changed_and_notices_withdrawals(agencies):
    subscription = subscribe(agencies, auto_apply=True)
    assert pulls.subscription_pull(subscription=subscription).status == "applied"

    assert pulls.subscription_pull(subscription=subscription) is None
    subscription.refresh_from_db()
    assert subscription.last_outcome == Subscription.Outcome.NO_CHANGES

    closing = Service.objects.filter(owner=agencies.lindenhof, status="active").first()
    service_set_status(service=closing, status="inactive", by=agencies.lindenhof_admin)
    subscription.auto_apply = False
    subscription.save()
    change_set = pulls.subscription_pull(subscription=subscription)

    assert [c["id"] for c in change_set.changes["withdrawn"]] == [closing.hsds_id]
    assert change_set.changes["created"] == change_set.changes["updated"] == []
    pulls.change_set_approve(change_set=change_set, by=agencies.admin)
    local = Service.objects.get(owner=agencies.harbour, hsds_id=closing.hsds_id)
    assert local.status == "inactive"


def test_a_rejected_change_set_changes_nothing(agencies):
    own = snapshot(agencies.harbour)
    subscription = subscribe(agencies)
    change_set = pulls.subscription_pull(subscription=subscription)

    pulls.change_set_reject(change_set=change_set, by=agencies.admin)

    assert snapshot(agencies.harbour) == own
    change_set.refresh_from_db()
    assert change_set.status == PullChangeSet.Status.REJECTED
    with pytest.raises(ValidationError):
        pulls.change_set_approve(change_set=change_set, by=agencies.admin)
    assert snapshot(agencies.harbour) == own


def test_a_failure_while_writing_leaves_the_directory_whole(agencies, monkeypatch):
    own = snapshot(agencies.harbour)
    subscription = subscribe(agencies)
    change_set = pulls.subscription_pull(subscription=subscription)

    def broken(ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pulls, "service_reindex", broken)
    with pytest.raises(RuntimeError):
        pulls.change_set_approve(change_set=change_set, by=agencies.admin)

    assert snapshot(agencies.harbour) == own
    change_set.refresh_from_db()
    assert change_set.status == PullChangeSet.Status.PENDING, "it can still be approved"


def test_a_local_service_with_the_same_id_is_never_overwritten(agencies):
    remote_service = Service.objects.filter(owner=agencies.lindenhof).first()
    local = Service.objects.filter(owner=agencies.harbour).first()
    Service.objects.filter(pk=local.pk).update(hsds_id=remote_service.hsds_id)
    own = snapshot(agencies.harbour)
    subscription = subscribe(agencies)

    change_set = pulls.subscription_pull(subscription=subscription)

    assert change_set.status == PullChangeSet.Status.INVALID
    assert [e["id"] for e in change_set.errors] == [remote_service.hsds_id]
    assert snapshot(agencies.harbour) == own


def test_a_revoked_token_is_a_recorded_failure(agencies, caplog):
    subscription = subscribe(agencies)
    api_token_revoke(token=agencies.token_row, by=agencies.lindenhof_admin)
    own = snapshot(agencies.harbour)

    change_set = pulls.subscription_pull(subscription=subscription)

    assert change_set.status == PullChangeSet.Status.FAILED
    assert "HTTP 401" in change_set.message
    subscription.refresh_from_db()
    assert subscription.last_outcome == Subscription.Outcome.FAILED
    assert snapshot(agencies.harbour) == own
    assert agencies.token not in caplog.text


def test_without_a_token_the_failure_says_to_ask_for_one_or_for_the_open_address(agencies):
    subscription = subscribe(agencies, token="")

    change_set = pulls.subscription_pull(subscription=subscription)

    assert change_set.status == PullChangeSet.Status.FAILED
    assert "asks for a read token" in change_set.message
    assert "revoked" not in change_set.message


def test_an_openly_published_directory_is_pulled_without_a_token(agencies):
    directory_publish(organisation=agencies.lindenhof, is_open=True, by=agencies.lindenhof_admin)
    subscription = subscribe(agencies, url=f"{agencies.api_url}/lindenhof", token="")

    change_set = pulls.subscription_pull(subscription=subscription)

    assert change_set.status == PullChangeSet.Status.PENDING
    remote_ids = set(
        Service.objects.filter(owner=agencies.lindenhof).values_list("hsds_id", flat=True)
    )
    assert {c["id"] for c in change_set.changes["created"]} == remote_ids


def test_the_token_is_stored_encrypted(agencies):
    subscription = subscribe(agencies)
    stored = Subscription.objects.values_list("token_encrypted", flat=True).get()
    assert agencies.token not in stored
    assert secretbox.unseal(stored) == agencies.token
    assert subscription.has_token


def test_a_token_sealed_under_another_key_is_a_clear_failure(agencies, settings):
    subscription = subscribe(agencies)
    settings.LIMEN_SECRET_BOX_KEY = "x" * 43 + "="
    change_set = pulls.subscription_pull(subscription=subscription)
    assert change_set.status == PullChangeSet.Status.FAILED
    assert "token" in change_set.message


# --- Sources that misbehave --------------------------------------------------------------------


def test_a_source_that_is_down(agencies):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subscription = subscribe(agencies, url=f"http://127.0.0.1:{port}/api/hsds")
    own = snapshot(agencies.harbour)

    change_set = pulls.subscription_pull(subscription=subscription, limits=FAST)

    assert change_set.status == PullChangeSet.Status.FAILED
    assert "could not be reached" in change_set.message
    assert snapshot(agencies.harbour) == own


def test_a_slow_source_times_out(agencies, fake_source):
    source = fake_source(lambda handler, src: src.release.wait(10))
    subscription = subscribe(agencies, url=source.url)

    change_set = pulls.subscription_pull(subscription=subscription, limits=FAST)

    assert change_set.status == PullChangeSet.Status.FAILED
    assert "did not answer in time" in change_set.message


def test_a_trickling_source_meets_the_deadline(agencies, fake_source):
    def trickle(handler, src):
        handler.send_response(200)
        handler.end_headers()
        while not src.release.wait(0.05):
            handler.wfile.write(b" ")
            handler.wfile.flush()

    source = fake_source(trickle)
    subscription = subscribe(agencies, url=source.url)
    limits = remote.Limits(connect_timeout=2, read_timeout=1, deadline=0.5)

    change_set = pulls.subscription_pull(subscription=subscription, limits=limits)

    assert change_set.status == PullChangeSet.Status.FAILED
    assert "did not answer in time" in change_set.message


@pytest.mark.parametrize(
    "body",
    [b"<html>Service unavailable</html>", b'{"contents": "nope"}', b"[1, 2]", b"\xff\xfe{"],
)
def test_garbage_is_a_recorded_failure(agencies, fake_source, body):
    source = fake_source(lambda handler, src: reply(handler, 200, body))
    subscription = subscribe(agencies, url=source.url)
    own = snapshot(agencies.harbour)

    change_set = pulls.subscription_pull(subscription=subscription, limits=FAST)

    assert change_set.status == PullChangeSet.Status.FAILED
    assert snapshot(agencies.harbour) == own


def test_garbage_on_a_later_page_leaves_the_directory_untouched(agencies, fake_source):
    good = (
        b'{"total_pages": 2, "page_number": 1, "last_page": false, "contents": [{"id": "a1", '
        b'"name": "Good service", "status": "active", "organization": {"id": "o1", '
        b'"name": "Org"}}]}'
    )

    def pages(handler, src):
        reply(handler, 200, good if "page=1&" in handler.path + "&" else b"garbage")

    source = fake_source(pages)
    subscription = subscribe(agencies, url=source.url, auto_apply=True)
    own = snapshot(agencies.harbour)

    change_set = pulls.subscription_pull(subscription=subscription, limits=FAST)

    assert len(source.requests) == 2
    assert change_set.status == PullChangeSet.Status.FAILED
    assert snapshot(agencies.harbour) == own


def test_records_with_errors_are_listed_one_by_one_and_nothing_is_written(agencies, fake_source):
    body = (
        b'{"last_page": true, "contents": ['
        b'{"id": "a1", "name": "Fine", "status": "active", "organization": {"id": "o1", '
        b'"name": "Org"}},'
        b'{"id": "a2", "name": "Bad", "status": "sleeping", "organization": {"id": "o1", '
        b'"name": "Org"}}]}'
    )
    source = fake_source(lambda handler, src: reply(handler, 200, body))
    subscription = subscribe(agencies, url=source.url, auto_apply=True)
    own = snapshot(agencies.harbour)

    change_set = pulls.subscription_pull(subscription=subscription, limits=FAST)

    assert change_set.status == PullChangeSet.Status.INVALID
    assert [(e["id"], e["column"]) for e in change_set.errors] == [("a2", "status")]
    assert snapshot(agencies.harbour) == own


def test_an_oversized_answer_is_cut_off(agencies, fake_source):
    def endless(handler, src):
        handler.send_response(200)
        handler.end_headers()
        chunk = b"[" + b"0," * 50_000
        while not src.release.is_set():
            try:
                handler.wfile.write(chunk)
            except OSError:
                return

    source = fake_source(endless)
    subscription = subscribe(agencies, url=source.url)
    limits = remote.Limits(connect_timeout=2, read_timeout=2, deadline=10, max_bytes=1_000_000)

    change_set = pulls.subscription_pull(subscription=subscription, limits=limits)

    assert change_set.status == PullChangeSet.Status.FAILED
    assert "stopped reading" in change_set.message


def test_a_declared_oversized_answer_is_not_read(agencies):
    subscription = subscribe(agencies)
    limits = remote.Limits(max_bytes=2000)
    change_set = pulls.subscription_pull(subscription=subscription, limits=limits)
    assert change_set.status == PullChangeSet.Status.FAILED
    assert "stopped reading" in change_set.message


# --- Network safety -----------------------------------------------------------------------------


def test_loopback_is_refused_unless_the_operator_allows_it(agencies, settings):
    settings.DIRECTORY_PULL_PRIVATE_HOSTS = []
    subscription = subscribe(agencies)
    change_set = pulls.subscription_pull(subscription=subscription, limits=FAST)
    assert change_set.status == PullChangeSet.Status.FAILED
    assert "private or local address" in change_set.message


@pytest.mark.parametrize(
    "address", ["10.1.2.3", "192.168.0.1", "169.254.169.254", "[::1]", "0.0.0.0", "[fe80::1]"]
)
def test_private_and_link_local_addresses_are_refused(address, settings):
    settings.DIRECTORY_PULL_PRIVATE_HOSTS = ["127.0.0.1"]
    with pytest.raises(remote.FetchError) as refused:
        remote.get_json(f"http://{address}/api/hsds/services", limits=FAST)
    assert refused.value.kind == "refused_address"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/hsds",
        "file:///etc/passwd",
        "gopher://example.org/",
        "https://user:secret@example.org/api",
        "https://example.org/api?x=1",
        "example.org/api",
    ],
)
def test_only_plain_http_and_https_addresses(url):
    with pytest.raises(ValueError):
        remote.check_base_url(url)


@pytest.mark.parametrize(
    "location",
    ["http://169.254.169.254/latest/meta-data/", "http://example.org/api/hsds/services"],
)
def test_redirects_to_another_host_are_not_followed(agencies, fake_source, location):
    source = fake_source(lambda handler, src: reply(handler, 302, b"", Location=location))
    subscription = subscribe(agencies, url=source.url)

    change_set = pulls.subscription_pull(subscription=subscription, limits=FAST)

    assert change_set.status == PullChangeSet.Status.FAILED
    assert "redirected" in change_set.message
    assert len(source.requests) == 1


def test_a_redirect_on_the_same_host_is_followed(agencies, fake_source):
    def answer(handler, src):
        if handler.path.startswith("/old/"):
            reply(handler, 301, b"", Location=handler.path.replace("/old/", "/api/hsds/", 1))
        else:
            reply(handler, 200, b'{"last_page": true, "contents": []}')

    source = fake_source(answer)
    subscription = subscribe(agencies, url=source.url.replace("/api/hsds", "/old"))

    assert pulls.subscription_pull(subscription=subscription, limits=FAST) is None
    assert len(source.requests) == 2


# --- Schedule ---------------------------------------------------------------------------------


def test_due_subscriptions_are_claimed_once(agencies):
    due = subscribe(agencies)
    subscribe(agencies, is_scheduled=False)
    assert pulls.subscriptions_claim_due() == [due.pk]
    assert pulls.subscriptions_claim_due() == []


def test_the_beat_task_pulls_due_subscriptions(agencies, settings):
    from config.celery import app as celery_app
    from directory.tasks import pull_due_subscriptions

    subscription = subscribe(agencies, auto_apply=True)
    celery_app.conf.task_always_eager = True
    try:
        assert pull_due_subscriptions() == 1
    finally:
        celery_app.conf.task_always_eager = False
    assert Service.objects.filter(source=subscription).exists()
