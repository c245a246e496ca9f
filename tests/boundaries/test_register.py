"""The personal register of biases and hot-button topics, and noticing them in text."""

import pytest
from django.urls import reverse

from boundaries import selectors, services
from boundaries.models import HotButtonTopic
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, practitioner):
    client.force_login(practitioner)
    return client


def entry(user, topic, keywords, **fields):
    return services.topic_create(user=user, topic=topic, keywords=keywords, **fields)


def test_creating_an_entry_turns_comma_separated_keywords_into_a_list(signed_in, practitioner):
    response = signed_in.post(
        reverse("boundaries:topic_create"),
        {
            "topic": "Religion and abortion",
            "how_it_shows": "I go quiet.",
            "keywords": " abortion, abortus ,Abtreibung,, avortement, Abortion ",
            "strategy": "Refer when I cannot stay neutral.",
            "status": "working_on_it",
            "refer_when_at_stake": "on",
        },
    )
    assert response.url == reverse("boundaries:register")
    saved = HotButtonTopic.objects.get(user=practitioner)
    assert saved.keywords == ["abortion", "abortus", "Abtreibung", "avortement"]
    assert saved.status == "working_on_it"
    assert saved.refer_when_at_stake is True
    page = signed_in.get(reverse("boundaries:register")).content.decode()
    assert "Religion and abortion" in page and "Abtreibung" in page
    assert "Working on it" in page


def test_a_topic_is_required_and_the_status_must_be_known(signed_in, practitioner):
    response = signed_in.post(
        reverse("boundaries:topic_create"), {"topic": "", "status": "solved", "keywords": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"topic", "status"}
    assert not HotButtonTopic.objects.exists()


def test_an_overlong_keyword_is_refused(signed_in):
    response = signed_in.post(
        reverse("boundaries:topic_create"),
        {"topic": "x", "status": "noticed", "keywords": "a" * 81},
    )
    assert "keywords" in response.context["form"].errors


def test_editing_shows_keywords_comma_separated_and_saves_changes(signed_in, practitioner):
    mine = entry(practitioner, "Divorce", ["divorce", "scheiding"])
    url = reverse("boundaries:topic_edit", args=[mine.uuid])
    assert 'value="divorce, scheiding"' in signed_in.get(url).content.decode()
    signed_in.post(
        url,
        {"topic": "Divorce", "keywords": "divorce, Scheidung", "status": "under_control"},
    )
    mine.refresh_from_db()
    assert mine.keywords == ["divorce", "Scheidung"]
    assert mine.status == "under_control"


def test_a_double_submitted_entry_is_stored_once_with_a_message(signed_in, practitioner):
    data = {"topic": "Religion", "keywords": "religion, geloof", "status": "noticed"}
    assert signed_in.post(reverse("boundaries:topic_create"), data).status_code == 302
    response = signed_in.post(reverse("boundaries:topic_create"), dict(data, topic=" religion "))
    assert response.status_code == 200
    assert "already has an entry" in response.content.decode()
    assert 'value="religion, geloof"' in response.content.decode()  # what was typed stays
    assert HotButtonTopic.objects.filter(user=practitioner).count() == 1


def test_renaming_an_entry_to_another_ones_topic_is_refused(signed_in, practitioner):
    entry(practitioner, "Alcohol", ["alcohol"])
    mine = entry(practitioner, "Divorce", ["divorce"])
    url = reverse("boundaries:topic_edit", args=[mine.uuid])
    response = signed_in.post(url, {"topic": "ALCOHOL", "keywords": "x", "status": "noticed"})
    assert "already has an entry" in response.content.decode()
    mine.refresh_from_db()
    assert (mine.topic, mine.keywords) == ("Divorce", ["divorce"])
    # Saving an entry under its own name is of course fine.
    signed_in.post(url, {"topic": "divorce", "keywords": "divorce", "status": "noticed"})
    mine.refresh_from_db()
    assert mine.topic == "divorce"


def test_deleting_asks_first_then_deletes(signed_in, practitioner):
    mine = entry(practitioner, "Divorce", ["divorce"])
    url = reverse("boundaries:topic_delete", args=[mine.uuid])
    assert signed_in.get(url).status_code == 200
    assert HotButtonTopic.objects.filter(pk=mine.pk).exists()
    assert signed_in.post(url).url == reverse("boundaries:register")
    assert not HotButtonTopic.objects.filter(pk=mine.pk).exists()


def test_someone_elses_entry_is_404_for_edit_and_delete(signed_in, practitioner):
    theirs = entry(MembershipFactory().user, "Divorce", ["divorce"])
    for name in ["boundaries:topic_edit", "boundaries:topic_delete"]:
        url = reverse(name, args=[theirs.uuid])
        assert signed_in.get(url).status_code == 404
        assert signed_in.post(url, {"topic": "hacked", "status": "noticed"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.topic == "Divorce"


def test_hot_button_topics_of_returns_only_the_users_own(practitioner):
    mine = entry(practitioner, "Alcohol", ["alcohol"])
    entry(MembershipFactory().user, "Divorce", ["divorce"])
    assert list(selectors.hot_button_topics_of(practitioner)) == [mine]


# --- topics_touched_by: what the journal calls while the practitioner writes -----------------


@pytest.fixture
def register(practitioner):
    return {
        "abortion": entry(
            practitioner,
            "Religion and abortion",
            ["abortion", "abortus", "Abtreibung", "avortement"],
        ),
        "divorce": entry(
            practitioner, "Divorce", ["divorce", "scheiding", "Scheidung", "séparation"]
        ),
        "faith": entry(practitioner, "Faith", ["church", "kerk", "Kirche", "église"]),
    }


@pytest.mark.parametrize(
    "text,topic,quote",
    [
        ("She is thinking about abortions and what her family says.", "abortion", "abortions"),
        ("Ze overweegt een abortus; de abortuskliniek belde.", "abortion", "abortus"),
        ("Sie spricht über die Abtreibungen in ihrer Familie.", "abortion", "Abtreibungen"),
        ("Elle parle de l'avortement de sa sœur.", "abortion", "avortement"),
        ("They are divorcing after ten years.", "divorce", "divorcing"),
        ("De echtscheidingen in de familie wegen zwaar.", "divorce", "echtscheidingen"),
        ("Die Ehescheidung ist noch nicht durch.", "divorce", "Ehescheidung"),
        ("Les séparations successives l'ont épuisée.", "divorce", "séparations"),
        ("He goes to church every Sunday.", "faith", "church"),
        ("Hij gaat elke week naar de kerken in de stad.", "faith", "kerken"),
        ("Er engagiert sich in der Kirchengemeinde.", "faith", "Kirchengemeinde"),
        ("Elle va à l'Eglise chaque dimanche.", "faith", "Eglise"),
    ],
)
def test_topics_touched_by_finds_inflected_forms_in_four_languages(
    practitioner, register, text, topic, quote
):
    touched = selectors.topics_touched_by(practitioner, text)
    assert [t for t, _matches in touched] == [register[topic]]
    [(_topic, matches)] = touched
    assert matches[0].quote == quote
    assert text[matches[0].start : matches[0].end] == quote


def test_topics_touched_by_lists_every_topic_touched_with_all_matches(practitioner, register):
    text = "Abortion came up, then the divorce, then abortion again."
    touched = dict(selectors.topics_touched_by(practitioner, text))
    assert set(touched) == {register["abortion"], register["divorce"]}
    assert [m.quote for m in touched[register["abortion"]]] == ["Abortion", "abortion"]


def test_topics_touched_by_ignores_unrelated_text_and_other_peoples_topics(practitioner, register):
    assert selectors.topics_touched_by(practitioner, "We talked about her new job.") == []
    assert selectors.topics_touched_by(practitioner, "") == []
    other = MembershipFactory().user
    assert selectors.topics_touched_by(other, "She wants an abortion.") == []


def test_topics_touched_by_skips_entries_without_keywords(practitioner):
    entry(practitioner, "abortion", [])
    assert selectors.topics_touched_by(practitioner, "abortion") == []
