"""Field precision for admins: per category and rule, how practitioners answered the detector."""

import pytest
from django.urls import reverse

from journal import selectors, services

pytestmark = pytest.mark.django_db


def test_counts_confirmed_dismissed_and_open_per_rule(client, demo, make_entry):
    confirmed = make_entry(demo.ana, "I lent him twenty euros from my own wallet.").flags.get()
    services.flag_confirm(flag=confirmed, by=demo.ana)
    dismissed = make_entry(demo.ben, "I lent her ten euros out of my own pocket.").flags.get()
    services.flag_dismiss(flag=dismissed, by=demo.ben, reason="Programme money, by procedure.")
    make_entry(demo.ana, "Gave him five euros of my own for the bus.")
    # Another organisation's answers never count here.
    other = make_entry(demo.chloe, "Je lui ai prêté vingt euros de ma poche.").flags.get()
    services.flag_dismiss(flag=other, by=demo.chloe, reason="Non.")

    (money,) = [
        g for g in selectors.detector_precision(demo.admin) if g["category"] == "giving_money"
    ]
    assert (money["confirmed"], money["dismissed"], money["open"]) == (1, 1, 1)
    assert money["percent"] == 50
    assert sum(r["confirmed"] + r["dismissed"] + r["open"] for r in money["rules"]) == 3

    client.force_login(demo.admin)
    page = client.get(reverse("journal:detector_precision")).content.decode()
    assert confirmed.rule in page
    # Counts only: no word of anyone's notes reaches the admin.
    assert "twenty euros" not in page and "Programme money" not in page


def test_page_says_so_when_nothing_was_suggested_yet(client, demo):
    client.force_login(demo.admin)
    response = client.get(reverse("journal:detector_precision"))
    assert response.status_code == 200
    assert "No suggestions yet" in response.content.decode()
