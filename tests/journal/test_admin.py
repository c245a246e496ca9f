"""The operator's Django admin shows bookkeeping, never what practitioners wrote."""

import pytest
from django.urls import reverse

from accounts.models import User
from journal import services

pytestmark = pytest.mark.django_db


def test_admin_pages_hold_no_private_text(client, demo, confirmed_flag):
    operator = User.objects.create_superuser(email="operator@example.org", password="x" * 16)
    entry = confirmed_flag.entry
    services.entry_autosave(
        entry=entry, data={"felt": "Ashamed, honestly."}, base_version=entry.version
    )
    meeting = services.meeting_record(
        supervisor=demo.supervisor,
        supervisee=demo.ana,
        held_on="2026-11-20",
        notes="Private meeting notes.",
        agreed_actions="",
        flags=[confirmed_flag],
    )
    client.force_login(operator)
    pages = [
        reverse("admin:journal_sessionentry_change", args=[entry.pk]),
        reverse("admin:journal_flag_change", args=[confirmed_flag.pk]),
        reverse("admin:journal_supervisionmeeting_change", args=[meeting.pk]),
        reverse("admin:journal_sessionentry_changelist"),
    ]
    for url in pages:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        for private in ["ten euros", "Ashamed", "Private meeting notes", confirmed_flag.quote]:
            assert private not in body, (url, private)
