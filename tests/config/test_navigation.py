"""The main navigation: each role's entries, in the reader's language, the current one marked."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def labels_of(client, person, url: str, language: str = "en") -> tuple[list[str], list[str]]:
    client.force_login(person)
    with translation.override(language):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    items = response.context["nav_items"]
    current = [str(item.label) for item in items if item.name == response.context["nav_current"]]
    with translation.override(language):
        return [str(item.label) for item in items], current


def test_supervisors_and_practitioners_have_a_meetings_entry(client, demo):
    for person in (demo.supervisor, demo.ana):
        labels, _ = labels_of(client, person, reverse("home"))
        assert "Meetings" in labels
    labels, _ = labels_of(client, demo.admin, reverse("home"))
    assert "Meetings" not in labels


def test_meetings_is_the_current_entry_on_its_pages(client, demo):
    from journal import services

    meeting = services.meeting_record(
        supervisor=demo.supervisor,
        supervisee=demo.ana,
        held_on=date(2026, 11, 2),
        notes="",
        agreed_actions="",
        flags=[],
    )
    for person in (demo.supervisor, demo.ana):
        for url in (reverse("journal:meetings"), reverse("journal:meeting", args=[meeting.uuid])):
            assert labels_of(client, person, url)[1] == ["Meetings"], (person, url)
    new = reverse("journal:meeting_new") + f"?supervisee={demo.ana.pk}"
    assert labels_of(client, demo.supervisor, new)[1] == ["Meetings"]
    # The review queue keeps its own entry.
    assert labels_of(client, demo.supervisor, reverse("journal:review"))[1] == ["Review queue"]


@pytest.mark.parametrize(
    ("language", "label"), [("nl", "Gesprekken"), ("de", "Treffen"), ("fr", "Rencontres")]
)
def test_the_meetings_entry_is_translated(client, demo, language, label):
    demo.supervisor.language = language
    demo.supervisor.save(update_fields=["language"])
    client.force_login(demo.supervisor)
    body = client.get(reverse("journal:review"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'href="{reverse("journal:meetings")}">{label}</a>' in body
