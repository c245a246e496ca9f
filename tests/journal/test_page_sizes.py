"""The review queue and the journal list at size: the queries each page makes are pinned and the
same for a few rows as for many, and the journal's client filter lists recent clients only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.forms import RECENT_CLIENTS_IN_FILTER
from journal.models import Client, Flag, SessionEntry
from journal.selectors import review_queue_counts

pytestmark = pytest.mark.django_db

# Session, user, membership, the queue's count, its page of flags, the supervisees for the
# filter, the shared entries. (Rows open one at a time: nothing is recorded as read here.)
QUERIES_REVIEW_QUEUE = 7
# Session, user, membership (navigation), the latest entries' clients, those clients, the
# page's count, its entries, their open flags.
QUERIES_JOURNAL_LIST = 8


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
    _entries(demo.ana, n, confirmed=True, shared=True)
    client.force_login(demo.supervisor)
    with django_assert_num_queries(QUERIES_REVIEW_QUEUE):
        assert client.get(reverse("journal:review")).status_code == 200


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
    assert select.count("<option") == RECENT_CLIENTS_IN_FILTER + 1  # and "---------"
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
