"""What other apps keep about a client reaches the journal through one registry."""

from dataclasses import replace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from journal import client_data

pytestmark = pytest.mark.django_db


def test_registering_the_same_records_again_is_harmless():
    before = client_data.registered()
    for records in before:
        client_data.register(records)
    assert client_data.registered() == before


def test_two_apps_cannot_keep_client_records_under_one_key():
    referrals = next(r for r in client_data.registered() if r.key == "referrals")
    with pytest.raises(ImproperlyConfigured):
        client_data.register(replace(referrals))


def test_the_delete_page_counts_what_goes_with_the_client(client, demo, confirmed_flag):
    client.force_login(demo.ana)
    url = reverse("journal:client_delete", args=[confirmed_flag.entry.client.uuid])
    page = client.get(url).content.decode()
    assert "1 session entry<" in page
    assert "1 flag<" in page
    assert "0 referrals<" in page
