"""The review queue and the journal list at size: the queries each page makes are pinned and the
same for a few rows as for many, and the journal's client filter lists recent clients only."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journal.forms import RECENT_CLIENTS_IN_FILTER
from journal.models import Client, Flag, SessionEntry
from journal.selectors import review_queue_counts
from journal.views import SHARED_SHOWN
from tests.factories import EntryFactory, FlagFactory

pytestmark = pytest.mark.django_db

# User with membership (the session is read from its cache), the queue's count, its page of
# flags, the supervisees for the filter, the shared entries. (Rows open one at a time: nothing is
# recorded as read here.)
QUERIES_REVIEW_QUEUE = 5
# User with membership (navigation), the latest entries' clients, those clients, the
# page's count, its entries, their open flags.
QUERIES_JOURNAL_LIST = 6


def _entries(owner, n: int, *, confirmed: bool = False, shared: bool = False) -> list[SessionEntry]:
    """``n`` saved entries for ``owner``, one client per two entries, each with a flag
    (confirmed for supervision when asked), set directly without running the detector."""
    organisation = owner.membership.organisation
    now = timezone.now()
    clients = Client.objects.bulk_create(
        Client(owner=owner, organisation=organisation, code=f"S-{owner.pk}-{i:04d}")
        for i in range((n + 1) // 2)
    )
    entries = SessionEntry.objects.bulk_create(
        SessionEntry(
            owner=owner,
            organisation=organisation,
            client=clients[i // 2],
            occurred_at=now - timedelta(hours=i),
            notes=f"Session {i}: I lent him money from my own wallet.",
            status=SessionEntry.Status.SAVED,
            shared_with_supervisor_at=now if shared else None,
        )
        for i in range(n)
    )
    Flag.objects.bulk_create(
        Flag(
            entry=entry,
            category="giving_money",
            source=Flag.Source.DETECTOR,
            status=Flag.Status.CONFIRMED if confirmed else Flag.Status.SUGGESTED,
            confirmed_at=now - timedelta(minutes=i) if confirmed else None,
            quote="lent him money",
        )
        for i, entry in enumerate(entries)
    )
    return entries


@pytest.mark.parametrize("n", [3, 60])
def test_review_queue_queries_do_not_grow_with_flags(client, demo, django_assert_num_queries, n):
    entries = _entries(demo.ana, n, confirmed=True, shared=True)
    client.force_login(demo.supervisor)
    with django_assert_num_queries(QUERIES_REVIEW_QUEUE):
        response = client.get(reverse("journal:review"))
    # Each shared entry links to its own page (the URL is reversed once for the list).
    links = re.findall(r'<li class="entry-row"><a href="([^"]+)"', response.content.decode())
    assert len(set(links)) == len(links) == min(n, SHARED_SHOWN)
    assert set(links) <= {reverse("journal:entry", args=[e.uuid]) for e in entries}


def test_review_queue_reads_only_the_columns_it_shows(client, demo):
    """Neither the entries' text, nor the practitioners' or the reviewer's other details, nor
    the shared entries' text: the queue reads what its rows show."""
    _entries(demo.ana, 3, confirmed=True, shared=True)
    flag = Flag.objects.filter(entry__owner=demo.ana).first()
    Flag.objects.filter(pk=flag.pk).update(
        reviewed_at=timezone.now(), reviewed_by=demo.supervisor, review_comment="Talk on Monday."
    )
    client.force_login(demo.supervisor)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("journal:review")).content.decode()
    assert demo.ana.get_full_name() in body
    assert "S-" in body  # the clients' codes
    lists = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT")
        and ('FROM "journal_flag"' in q["sql"] or 'FROM "journal_sessionentry"' in q["sql"])
        and "COUNT(" not in q["sql"]
    ]
    assert len(lists) == 2  # the page of crossings, the shared entries
    for sql in lists:
        for column in ('"notes"', '"felt"', '"password"', '"time_zone"', '"tags"'):
            assert column not in sql, (column, sql)
    # The review so far shows in the row once it opens.
    opened = reverse("journal:review_item", args=[flag.uuid])
    assert "Talk on Monday." in client.get(opened, headers={"HX-Request": "true"}).content.decode()


def test_review_queue_links_each_flag_to_its_entry_and_review(client, demo):
    (entry,) = _entries(demo.ana, 1, confirmed=True)
    flag = entry.flags.get()
    client.force_login(demo.supervisor)
    queue = client.get(reverse("journal:review")).content.decode()
    opened = reverse("journal:review_item", args=[flag.uuid])
    assert f'hx-get="{opened}"' in queue and f'href="{opened}"' in queue
    body = client.get(opened, headers={"HX-Request": "true"}).content.decode()
    assert f'href="{reverse("journal:entry", args=[entry.uuid])}#flag-{flag.uuid}"' in body
    save = reverse("journal:review_save", args=[flag.uuid])
    assert f'action="{save}" hx-post="{save}"' in body
    assert "Read the entry" in body and "Save review" in body


def test_a_review_saved_by_htmx_answers_with_the_item_and_its_labels(client, demo):
    (entry,) = _entries(demo.ana, 1, confirmed=True)
    flag = entry.flags.get()
    client.force_login(demo.supervisor)
    response = client.post(
        reverse("journal:review_save", args=[flag.uuid]),
        {"outcome": "watch", "comment": "Let us talk."},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="review-{flag.uuid}"' in body
    assert "Review saved; the practitioner can read it." in body and "Read the entry" in body


def test_queue_counts_waiting_and_overdue_flags_together(demo, django_assert_num_queries):
    entries = _entries(demo.ana, 3, confirmed=True)
    Flag.objects.filter(entry=entries[0]).update(confirmed_at=timezone.now() - timedelta(days=30))
    # The supervisor's membership (is a supervisor?), then both counts together.
    with django_assert_num_queries(2):
        assert review_queue_counts(demo.supervisor) == (3, 1)


@pytest.mark.parametrize("n", [3, 120])
def test_journal_list_queries_do_not_grow_with_entries(client, demo, django_assert_num_queries, n):
    _entries(demo.ana, n)
    client.force_login(demo.ana)
    with django_assert_num_queries(QUERIES_JOURNAL_LIST):
        assert client.get(reverse("journal:entries")).status_code == 200


def test_client_filter_lists_only_recent_clients(client, demo):
    entries = _entries(demo.ana, 2 * (RECENT_CLIENTS_IN_FILTER + 10))
    newest, oldest = entries[0].client, entries[-1].client
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entries")).content.decode()
    select = body[
        body.index('name="client"') : body.index("</select>", body.index('name="client"'))
    ]
    assert select.count("<option") == RECENT_CLIENTS_IN_FILTER + 1  # and "All clients"
    assert f">{newest.code}<" in select and f">{oldest.code}<" not in select
    assert "type its code in Search" in body


def test_an_older_client_can_still_be_filtered_on_and_stays_chosen(client, demo):
    entries = _entries(demo.ana, 2 * (RECENT_CLIENTS_IN_FILTER + 10))
    oldest = entries[-1].client
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entries"), {"client": oldest.pk}).content.decode()
    results = body[body.index('id="results"') :]
    assert f"<strong>{oldest.code}</strong>" in results
    assert results.count('class="entry-row"') == 2
    assert f'value="{oldest.pk}" selected' in body


def test_another_practitioners_client_is_refused_by_the_filter(client, demo):
    (theirs,) = _entries(demo.ben, 1)
    _entries(demo.ana, 2)
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entries"), {"client": theirs.client.pk}).content.decode()
    assert theirs.client.code not in body


# The author's entry page: person with membership, the entry with its client, its flags
# with who reviewed them, their histories with who acted, who else read the entry, the
# hot-button topics; and the supervisors named in the next steps of a crossing that waits for
# review. A supervisor's read: person with membership, the entry, the record of the
# read, the confirmed flags and their histories.
QUERIES_ENTRY_OWNER = 6
QUERIES_ENTRY_OWNER_WAITING_FOR_REVIEW = 7
QUERIES_ENTRY_SUPERVISOR = 5


@pytest.mark.parametrize("n", [1, 6])
def test_entry_page_queries_do_not_grow_with_flags(client, demo, django_assert_num_queries, n):
    entry = EntryFactory(
        owner=demo.ana, notes="I lent him money from my own wallet and gave him my number."
    )
    for _ in range(n):
        FlagFactory(entry=entry, quote="lent him money")
        FlagFactory(entry=entry, reviewed=True, quote="my own wallet")
    url = reverse("journal:entry", args=[entry.uuid])
    client.force_login(demo.ana)
    assert client.get(url).context["new_review"]  # the reviews are seen: no more writes
    with django_assert_num_queries(QUERIES_ENTRY_OWNER):
        response = client.get(url)
    assert len(response.context["flags"]) == 2 * n and not response.context["new_review"]
    FlagFactory(entry=entry, confirmed=True, quote="gave him my number")
    with django_assert_num_queries(QUERIES_ENTRY_OWNER_WAITING_FOR_REVIEW):
        response = client.get(url)
    assert demo.supervisor.get_full_name() in response.content.decode()
    client.force_login(demo.supervisor)
    with django_assert_num_queries(QUERIES_ENTRY_SUPERVISOR):
        response = client.get(url)
    assert len(response.context["flags"]) == n + 1  # the confirmed ones, reviewed or not


def test_an_unseen_review_is_marked_seen_once(client, demo):
    entry = EntryFactory(owner=demo.ana, notes="I lent him money from my own wallet.")
    flag = FlagFactory(entry=entry, reviewed=True, quote="lent him money")
    url = reverse("journal:entry", args=[entry.uuid])
    client.force_login(demo.ana)
    assert client.get(url).context["new_review"]
    entry.refresh_from_db()
    assert entry.review_seen_at >= flag.reviewed_at
    assert not client.get(url).context["new_review"]
