"""Every inventory URL × every demo role. Ana's inventory is private: anyone else gets 404
(never a 403 that confirms it exists), except a supervisor reading a summary Ana shared."""

import copy

import pytest
from django.urls import reverse

from boundaries import services
from tests.boundaries.conftest import completed_take
from tests.factories import personas

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "ana",
    "ben",
    "supervisor",
    "supervisor2",
    "admin",
    "lindenhof_admin",
    "lindenhof_supervisor",
    "chloe",
    "daan",
]


@pytest.fixture(scope="module")
def scenario(module_db, django_db_blocker):
    """The people, and Ana's inventory with a take in progress, a finished one, a hot-button
    topic, a revoked share and a live one: made once for the module, since its tests only read
    them (each test's own writes are rolled back)."""
    with django_db_blocker.unblock():
        demo = personas()
        services.catalogue_sync()
        done = completed_take(demo.ana, days_ago=30)
        open_take = services.take_start(user=demo.ana)
        topic = services.topic_create(user=demo.ana, topic="Abortion", keywords=["abortion"])
        revoked = services.share_create(
            owner=demo.ana, take=done, topics=[topic], supervisors=[demo.supervisor]
        )[0]
        services.share_revoke(share=revoked, by=demo.ana)
        shared = services.share_create(
            owner=demo.ana, take=done, topics=[topic], supervisors=[demo.supervisor]
        )[0]
    urls = {
        "home": reverse("boundaries:home"),
        "register": reverse("boundaries:register"),
        "topic_create": reverse("boundaries:topic_create"),
        "sharing": reverse("boundaries:sharing"),
        "shared": reverse("boundaries:shared"),
        "take": reverse("boundaries:take", args=[open_take.uuid]),
        "step": reverse("boundaries:step", args=[open_take.uuid, 2]),
        "finish": reverse("boundaries:finish", args=[open_take.uuid]),
        "results": reverse("boundaries:results", args=[done.uuid]),
        "topic_edit": reverse("boundaries:topic_edit", args=[topic.uuid]),
        "topic_delete": reverse("boundaries:topic_delete", args=[topic.uuid]),
        "shared_summary": reverse("boundaries:shared_summary", args=[shared.uuid]),
        "revoked_summary": reverse("boundaries:shared_summary", args=[revoked.uuid]),
        "section_help": reverse("boundaries:section_help", args=["values"]),
    }
    return demo, urls


@pytest.fixture
def demo(db, scenario):
    return copy.deepcopy(scenario[0])


@pytest.fixture
def urls(scenario):
    return scenario[1]


PRIVATE = [302, 200, 404, 404, 404, 404, 404, 404, 404, 404]
# Expected GET status per URL and role (ROLES order). 302 for anonymous = sent to sign in.
EXPECTED = {
    "home": [302, 200, 200, 403, 403, 403, 403, 403, 200, 200],
    "register": [302, 200, 200, 403, 403, 403, 403, 403, 200, 200],
    "topic_create": [302, 200, 200, 403, 403, 403, 403, 403, 200, 200],
    "sharing": [302, 200, 200, 403, 403, 403, 403, 403, 200, 200],
    "shared": [302, 403, 403, 200, 200, 403, 403, 200, 403, 403],
    "take": [302, 302, 404, 404, 404, 404, 404, 404, 404, 404],  # the owner goes to her step
    "step": PRIVATE,
    "finish": PRIVATE,
    "results": PRIVATE,
    "topic_edit": PRIVATE,
    "topic_delete": PRIVATE,
    "shared_summary": [302, 404, 404, 200, 404, 404, 404, 404, 404, 404],
    "revoked_summary": [302, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    # Help on a section names no one's data: every member may read it.
    "section_help": [302, 200, 200, 200, 200, 200, 200, 200, 200, 200],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_access(client, demo, urls, name, role_index, role):
    if role != "anonymous":
        client.force_login(getattr(demo, role))
    response = client.get(urls[name])
    assert response.status_code == EXPECTED[name][role_index], (name, role)
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))


def test_every_boundaries_url_is_in_the_matrix():
    from boundaries.urls import urlpatterns

    named = {p.name for p in urlpatterns}
    post_only = {"start", "answer", "share_revoke"}
    assert named - post_only <= set(EXPECTED)


@pytest.mark.parametrize(
    "role",
    [
        "ben",
        "supervisor",
        "supervisor2",
        "admin",
        "lindenhof_admin",
        "lindenhof_supervisor",
        "chloe",
    ],
)
def test_nobody_else_can_post_to_anas_inventory(client, demo, urls, role):
    from boundaries.models import Answer, HotButtonTopic, SummaryShare, Take

    take = Take.objects.get(user=demo.ana, completed_at__isnull=True)
    item = take.version.items.first()
    share = SummaryShare.objects.get(revoked_at__isnull=True)
    topic = HotButtonTopic.objects.get(user=demo.ana)
    client.force_login(getattr(demo, role))
    posts = [
        (reverse("boundaries:answer", args=[take.uuid]), {f"item-{item.pk}": "3"}),
        (urls["step"], {f"item-{item.pk}": "3"}),
        (urls["finish"], {}),
        (urls["topic_edit"], {"topic": "changed", "status": "noticed"}),
        (urls["topic_delete"], {}),
        (reverse("boundaries:share_revoke", args=[share.uuid]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert not Answer.objects.filter(take=take).exists()
    topic.refresh_from_db()
    assert topic.topic == "Abortion"
    share.refresh_from_db()
    assert share.revoked_at is None


def test_post_only_urls_refuse_get(client, demo, urls):
    client.force_login(demo.ana)
    assert client.get(reverse("boundaries:start")).status_code == 405
    take = services.take_start(user=demo.ana)
    assert client.get(reverse("boundaries:answer", args=[take.uuid])).status_code == 405


def test_anonymous_posts_are_sent_to_sign_in(client, demo, urls):
    response = client.post(reverse("boundaries:start"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_malformed_uuid_is_404_not_500(client, demo, urls):
    client.force_login(demo.ana)
    assert client.get("/inventory/results/not-a-uuid/").status_code == 404
    assert client.get("/inventory/take/12345/step/1/").status_code == 404
