"""Query counts of the journal's list pages do not grow with the number of rows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal import services
from journal.models import Client

pytestmark = pytest.mark.django_db


def _fill(demo, n, start=0):
    """``n`` entries for Ana, each with a confirmed crossing and shared with her supervisor; half
    of them with one client (returned), the others each with a client of their own; and a
    meeting per five entries."""
    main = Client.objects.filter(owner=demo.ana, code="Q-main").first()
    main = main or services.client_create(owner=demo.ana, code="Q-main", tags="debt, housing")
    for i in range(start, start + n):
        own = main if i % 2 else services.client_create(owner=demo.ana, code=f"Q-{i:03d}")
        entry = services.entry_create(owner=demo.ana, client=own)
        services.entry_save(
            entry=entry,
            data={"notes": f"Session {i}: I lent him money from my own wallet."},
            base_version=entry.version,
            by=demo.ana,
        )
        for flag in entry.flags.all():
            services.flag_confirm(flag=flag, by=demo.ana)
        services.entry_share(entry=entry, by=demo.ana, shared=True)
        if i % 5 == 0:
            services.meeting_record(
                supervisor=demo.supervisor,
                supervisee=demo.ana,
                held_on=date(2026, 1, 1) + timedelta(days=i),
                notes=f"Meeting {i}",
                agreed_actions="",
                flags=list(entry.flags.all()),
            )
    return main


def _pages(demo, own):
    return [
        (demo.ana, reverse("journal:entries")),
        (demo.ana, reverse("journal:entries") + "?flagged=yes&category=giving_money&q=Session"),
        (demo.ana, reverse("journal:clients")),
        (demo.ana, reverse("journal:client", args=[own.uuid])),
        (demo.ana, reverse("journal:meetings")),
        (demo.ana, reverse("journal:trends")),
        (demo.supervisor, reverse("journal:review")),
        (demo.supervisor, reverse("journal:meetings")),
        (demo.supervisor, reverse("journal:team")),
    ]


def _count(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The queries each of ``_pages`` makes, in its order, whatever the number of rows (the session
# is read from its cache, no query of its own).
QUERIES = [
    6,  # Ana's entries (the filter offers her recent clients)
    6,  # filtered
    2,  # her clients
    6,  # one client
    3,  # her meetings
    2,  # her trends
    5,  # the supervisor's review queue (rows open, and are recorded as read, one at a time)
    4,  # the supervisor's meetings
    4,  # the supervisor's team
]


@pytest.mark.parametrize("rows", [5, 100])
def test_list_pages_make_a_fixed_number_of_queries(client, demo, rows):
    own = _fill(demo, rows)
    assert [_count(client, user, url) for user, url in _pages(demo, own)] == QUERIES


def test_query_counts_are_the_same_for_5_and_100_rows(client, demo):
    own = _fill(demo, 5)
    few = [_count(client, user, url) for user, url in _pages(demo, own)]
    own = _fill(demo, 95, start=5)
    many = [_count(client, user, url) for user, url in _pages(demo, own)]
    assert many == few
