"""Query counts of the journal list, the client page and the review queue do not grow with rows."""

import pytest
from django.urls import reverse

from journal import services

pytestmark = pytest.mark.django_db


def _fill(owner, client, n):
    for i in range(n):
        entry = services.entry_create(owner=owner, client=client)
        services.entry_save(
            entry=entry,
            data={"notes": f"Session {i}: I lent him money from my own wallet."},
            base_version=entry.version,
            by=owner,
        )
        for flag in entry.flags.all():
            services.flag_confirm(flag=flag, by=owner)


@pytest.mark.parametrize("rows", [5, 100])
def test_journal_list_client_page_and_queue_queries(
    client, demo, rows, django_assert_max_num_queries
):
    own = services.client_create(owner=demo.ana, code="Q-1")
    _fill(demo.ana, own, rows)
    client.force_login(demo.ana)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("journal:entries")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("journal:client", args=[own.uuid])).status_code == 200
    client.force_login(demo.supervisor)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("journal:review")).status_code == 200
