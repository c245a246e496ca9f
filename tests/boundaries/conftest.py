"""Fixtures of the self-inventory tests: the published catalogue, takes in any state."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.utils import timezone

from boundaries import services
from boundaries.catalogue import load_catalogue
from boundaries.models import Answer, CatalogueVersion, Item, Take


@pytest.fixture
def v1(db) -> CatalogueVersion:
    """Catalogue version 1 as rows (the migration publishes it; a flushed database gets it back)."""
    services.catalogue_sync()
    return CatalogueVersion.objects.get(number=1)


@pytest.fixture
def v2_data() -> dict:
    """A version 2: one statement reworded, one item removed, one added."""
    data = copy.deepcopy(load_catalogue(1))
    data["version"] = 2
    values = data["sections"][0]
    values["items"][0]["statement"]["en"] = "I can name my hot-button topics (v2 wording)."
    removed = values["items"].pop()  # values_refer_when_clash_too_strong
    added = copy.deepcopy(removed)
    added["code"] = "values_refer_and_stay_available"
    added["statement"] = {lang: f"v2 new statement ({lang})" for lang in ("en", "nl", "de", "fr")}
    values["items"].append(added)
    return data


def answer_all(take: Take, score: int = 3, *, overrides: dict[str, int] | None = None) -> None:
    """Answer every item of ``take`` so that its normalised score is ``score``."""
    overrides = overrides or {}
    answers = []
    for item in Item.objects.filter(version_id=take.version_id):
        wanted = overrides.get(item.code, score)
        value = item.scale_min + item.scale_max - wanted if item.reverse else wanted
        answers.append(Answer(take=take, item=item, value=value))
    Answer.objects.bulk_create(answers)


def completed_take(user, *, days_ago: int = 0, score: int = 3, version=None, **kwargs) -> Take:
    """A finished take of ``user``, ``days_ago`` days ago, every item scoring ``score``."""
    version = version or services.current_version()
    at = timezone.now() - timedelta(days=days_ago)
    take = Take.objects.create(user=user, version=version, started_at=at - timedelta(hours=1))
    answer_all(take, score, **kwargs)
    Take.objects.filter(pk=take.pk).update(completed_at=at)
    take.refresh_from_db()
    return take
