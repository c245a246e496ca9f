import pytest
from django.db import IntegrityError

from journal.models import FOLLOW_UP_CATEGORIES, Category, Flag
from journal.slips import CATEGORIES

pytestmark = pytest.mark.django_db


def test_journal_categories_are_the_detectors_codes():
    assert list(Category.values) == list(CATEGORIES)


def test_follow_up_categories_are_the_ones_article_003_names():
    assert {
        "client_oversharing",
        "giving_money",
        "dual_relationship",
        "out_of_hours",
    } == FOLLOW_UP_CATEGORIES


def test_a_dismissed_flag_cannot_lose_its_reason(demo, make_entry):
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    with pytest.raises(IntegrityError):
        Flag.objects.filter(entry=entry).update(status="dismissed", dismiss_reason="")
