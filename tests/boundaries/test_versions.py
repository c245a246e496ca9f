"""Catalogue versions: published once, never rewritten; old takes keep their version's items."""

import io

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from boundaries import services
from boundaries.models import CatalogueVersion, Item, Section, Take
from tests.boundaries.conftest import completed_take
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_migration_publishes_version_one_with_its_sections_and_items(v1):
    assert list(Section.objects.filter(version=v1).values_list("code", flat=True)) == [
        "values",
        "assumptions",
        "inner_bars",
        "principles",
        "empathy",
    ]
    assert Item.objects.filter(version=v1).count() == 35
    item = Item.objects.get(version=v1, code="values_know_hot_buttons")
    assert set(item.statement) == {"en", "nl", "de", "fr"}
    assert (item.scale, item.scale_min, item.scale_max) == ("agreement", 1, 5)
    assert v1.scales["agreement"]["labels"]["fr"][4] == "Tout à fait d'accord"


def test_publishing_an_existing_version_changes_nothing(v1):
    before = list(Item.objects.values_list("pk", "statement"))
    assert services.catalogue_sync() == []
    version, created = services.catalogue_publish(data={"version": 1, "scales": {}, "sections": []})
    assert (version, created) == (v1, False)
    assert list(Item.objects.values_list("pk", "statement")) == before


def test_publishing_v2_creates_new_rows_and_leaves_v1_alone(v1, v2_data):
    v1_items = dict(Item.objects.filter(version=v1).values_list("code", "statement"))
    v2, created = services.catalogue_publish(data=v2_data)
    assert created and v2.number == 2
    assert Item.objects.filter(version=v2).count() == 35
    assert dict(Item.objects.filter(version=v1).values_list("code", "statement")) == v1_items
    assert not Item.objects.filter(version=v2, code="values_refer_when_clash_too_strong").exists()
    assert services.current_version() == v2


def test_an_old_take_still_renders_with_v1_items_and_a_new_take_uses_v2(client, v1, v2_data):
    user = UserFactory()
    from tests.factories import MembershipFactory

    MembershipFactory(user=user)
    old = completed_take(user, days_ago=100, score=2, version=v1)
    services.catalogue_publish(data=v2_data)
    client.force_login(user)

    page = client.get(reverse("boundaries:results", args=[old.uuid])).content.decode()
    v1_statement = Item.objects.get(version=v1, code="values_know_hot_buttons").statement["en"]
    assert v1_statement in page
    assert "v2 wording" not in page

    response = client.post(reverse("boundaries:start"))
    new = Take.objects.get(user=user, completed_at__isnull=True)
    assert new.version.number == 2
    step = client.get(reverse("boundaries:step", args=[new.uuid, 1])).content.decode()
    assert "v2 wording" in step
    assert "v2 new statement (en)" in step
    assert response.status_code == 302


def test_results_compare_across_versions_through_shared_codes(client, v1, v2_data, practitioner):
    old = completed_take(practitioner, days_ago=100, score=2, version=v1)
    v2, _ = services.catalogue_publish(data=v2_data)
    new = completed_take(practitioner, days_ago=1, score=4, version=v2)
    client.force_login(practitioner)
    response = client.get(reverse("boundaries:results", args=[new.uuid]))
    assert response.context["previous"] == old
    changes = {c.code for c in response.context["item_changes"]}
    assert "values_know_hot_buttons" in changes
    assert "values_refer_and_stay_available" not in changes  # new in v2: nothing to compare
    assert len(response.context["section_changes"]) == 5


def test_the_command_publishes_a_catalogue_file(v1, v2_data, tmp_path):
    path = tmp_path / "v2.yaml"
    path.write_text(yaml.safe_dump(v2_data, allow_unicode=True), encoding="utf-8")
    out = io.StringIO()
    call_command("publish_catalogue", str(path), stdout=out)
    assert "Published catalogue version 2" in out.getvalue()
    call_command("publish_catalogue", str(path), stdout=out)
    assert "left unchanged" in out.getvalue()
    assert CatalogueVersion.objects.count() == 2


def test_the_command_rejects_an_invalid_file(v1, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "broken.yaml"
    path.write_text("version: 3\nsections: []\n", encoding="utf-8")
    with pytest.raises(CommandError, match="invalid"):
        call_command("publish_catalogue", str(path), stdout=io.StringIO())
    assert not CatalogueVersion.objects.filter(number=3).exists()


def test_wording_is_editable_in_the_admin_in_four_languages(client, v1):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    section = Section.objects.get(version=v1, code="values")
    url = reverse("admin:boundaries_section_change", args=[section.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="title_3"' in page.content.decode()  # en, nl, de, fr
    items = list(section.items.order_by("position"))
    data = {
        **{f"title_{n}": section.title[lang] for n, lang in enumerate(["en", "nl", "de", "fr"])},
        **{f"intro_{n}": section.intro[lang] for n, lang in enumerate(["en", "nl", "de", "fr"])},
        "suggestions": __import__("json").dumps(section.suggestions),
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": len(items),
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    data["title_0"] = "Values and hot buttons (typo fixed)"
    for n, item in enumerate(items):
        data[f"items-{n}-id"] = item.pk
        data[f"items-{n}-section"] = section.pk
        for m, lang in enumerate(["en", "nl", "de", "fr"]):
            data[f"items-{n}-statement_{m}"] = item.statement[lang]
            data[f"items-{n}-why_{m}"] = item.why[lang]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    section.refresh_from_db()
    assert section.title["en"] == "Values and hot buttons (typo fixed)"
    assert section.title["nl"] == "Waarden en gevoelige onderwerpen"
    assert client.get(reverse("admin:boundaries_catalogueversion_changelist")).status_code == 200
