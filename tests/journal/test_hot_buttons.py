"""An entry that touches a declared hot-button topic shows the value-conflict prompt."""

import pytest
from django.urls import reverse

from boundaries.models import HotButtonTopic
from journal.hot_buttons import hot_button_prompts

pytestmark = pytest.mark.django_db


@pytest.fixture
def abortion_topic(demo):
    return HotButtonTopic.objects.create(
        user=demo.ana,
        topic="Abortion",
        keywords=["abortion", "abortus", "Abtreibung", "avortement"],
        refer_when_at_stake=True,
    )


@pytest.mark.parametrize(
    "text",
    [
        "She is considering an abortion and wanted to talk it through.",
        "Ze twijfelt over een abortus en wil erover praten.",
        "Sie überlegt eine Abtreibung und wollte darüber sprechen.",
        "Elle envisage l'avortement et voulait en parler.",
    ],
)
def test_prompt_appears_in_every_language(demo, abortion_topic, text):
    prompts = hot_button_prompts(demo.ana, text)
    assert [p["topic"] for p in prompts] == [abortion_topic]
    assert prompts[0]["refer"] is True


def test_no_prompt_without_the_topic(demo, abortion_topic):
    assert hot_button_prompts(demo.ana, "We worked on her CV and the job search.") == []


def test_another_practitioners_topics_do_not_apply(demo, abortion_topic):
    assert hot_button_prompts(demo.ben, "She is considering an abortion.") == []


def test_live_panel_shows_the_prompt(client, demo, abortion_topic):
    client.force_login(demo.ana)
    response = client.post(reverse("journal:detect"), {"notes": "She talked about the abortion."})
    body = response.content.decode()
    assert "hot-button topic" in body and "Abortion" in body
    assert "refer clients when this is at stake" in body
