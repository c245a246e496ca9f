from datetime import time

import pytest
from django.urls import reverse

from accounts.models import WorkingPeriod
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _profile_data(**overrides):
    data = {"full_name": "Ana Martins", "language": "en", "time_zone": "Europe/Amsterdam"}
    for day in range(5):
        data[f"day_{day}_on"] = "on"
        data[f"day_{day}_start"] = "09:00"
        data[f"day_{day}_end"] = "17:00"
    data.update(overrides)
    return data


def test_profile_saves_language_time_zone_and_hours(client, demo):
    client.force_login(demo.ana)
    data = _profile_data(language="nl", time_zone="Europe/Lisbon", day_4_end="13:00")
    data.pop("day_0_on")
    response = client.post(reverse("profile"), data)
    assert response.status_code == 302
    demo.ana.refresh_from_db()
    assert demo.ana.language == "nl" and demo.ana.time_zone == "Europe/Lisbon"
    days = {
        p.weekday: (p.start.hour, p.end.hour) for p in WorkingPeriod.objects.filter(user=demo.ana)
    }
    assert days == {1: (9, 17), 2: (9, 17), 3: (9, 17), 4: (9, 13)}


def test_profile_page_speaks_the_saved_language(client, demo):
    demo.ana.language = "nl"
    demo.ana.save()
    client.force_login(demo.ana)
    response = client.get(reverse("profile"))
    assert response.headers["Content-Language"] == "nl"
    assert '<html lang="nl">' in response.content.decode()


def test_end_before_start_is_an_error_and_the_form_is_kept(client, demo):
    WorkingPeriod.objects.bulk_create(
        WorkingPeriod(user=demo.ana, weekday=day, start=time(8, 30), end=time(17))
        for day in range(5)
    )
    client.force_login(demo.ana)
    response = client.post(
        reverse("profile"), _profile_data(day_2_start="18:00", day_2_end="08:00", full_name="Ana M")
    )
    assert response.status_code == 200
    assert "later than the start" in response.content.decode()
    assert 'value="Ana M"' in response.content.decode()
    assert WorkingPeriod.objects.filter(user=demo.ana).count() == 5  # unchanged


def test_at_least_one_working_day(client, demo):
    client.force_login(demo.ana)
    data = {k: v for k, v in _profile_data().items() if not k.endswith("_on")}
    response = client.post(reverse("profile"), data)
    assert response.status_code == 200
    assert "at least one working day" in response.content.decode()


def test_unknown_time_zone_is_refused(client, demo):
    client.force_login(demo.ana)
    response = client.post(reverse("profile"), _profile_data(time_zone="Mars/Olympus"))
    assert response.status_code == 200
    demo.ana.refresh_from_db()
    assert demo.ana.time_zone != "Mars/Olympus"


def test_language_switch_saves_the_choice_for_signed_in_users(client, demo):
    client.force_login(demo.ben)
    response = client.post(
        reverse("set_language"), {"language": "de", "next": "/accounts/profile/"}
    )
    assert response.status_code == 302 and response.url == "/accounts/profile/"
    demo.ben.refresh_from_db()
    assert demo.ben.language == "de"


def test_every_page_offers_each_language_as_a_button_that_works_without_javascript(client, demo):
    """The header's language menu is a form with one submit button per language (nothing
    submits on a change), in each language's own name, the current one marked."""
    import re

    client.force_login(demo.ben)
    page = client.get("/journal/?q=debts").content.decode()
    form = re.search(
        r'<form class="menu" action="/language/" method="post">(.*?)</form>', page, re.S
    )
    buttons = re.findall(
        r'<button type="submit" name="language" value="(\w+)"[^>]*>([^<]+)<', form[1]
    )
    assert buttons == [
        ("en", "English"),
        ("nl", "Nederlands"),
        ("de", "Deutsch"),
        ("fr", "Français"),
    ]
    assert '<input type="hidden" name="next" value="/journal/?q=debts">' in form[1]
    assert 'value="en" lang="en" aria-current="true"' in form[1]
    assert "data-autosubmit" not in page and "<select" not in form[1]


def test_language_switch_for_visitors_sets_a_cookie(client, db):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/accounts/login/"})
    assert response.cookies["django_language"].value == "fr"
    page = client.get("/accounts/login/")
    assert '<html lang="fr">' in page.content.decode()


def test_language_switch_refuses_unknown_languages_and_foreign_redirects(client, demo):
    client.force_login(demo.ben)
    response = client.post(
        reverse("set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.url == "/"
    demo.ben.refresh_from_db()
    assert demo.ben.language == "en"


def _zone_menu(page: str) -> tuple[list[str], list[str]]:
    """The values of the suggested group and of the whole list, in order."""
    import re

    menu = page[
        page.index('name="time_zone"') : page.index("</select>", page.index('name="time_zone"'))
    ]
    suggested, everything = menu.split("</optgroup>", 1)
    values = re.compile(r'<option value="([^"]+)"')
    return values.findall(suggested), values.findall(everything)


def test_time_zone_menu_suggests_the_likely_zones_first(client, demo):
    # A colleague in Lisbon: her zone, and the rest of Portugal's, are likely for Ana too.
    MembershipFactory(
        organisation=demo.ana.membership.organisation, user__time_zone="Europe/Lisbon"
    )
    MembershipFactory(user__time_zone="Asia/Tokyo")  # another agency: not a colleague
    client.force_login(demo.ana)
    page = client.get(reverse("profile")).content.decode()
    suggested, everything = _zone_menu(page)
    assert page.index('<optgroup label="Suggested">') < page.index(
        '<optgroup label="All time zones">'
    )
    assert suggested[0] == demo.ana.time_zone == "Europe/Amsterdam"
    assert suggested[1] == "Europe/Lisbon"
    # Her language is English: the zones of Britain and Ireland are likely too.
    assert {"Atlantic/Madeira", "Europe/London", "Europe/Dublin"} <= set(suggested)
    assert "Asia/Tokyo" not in suggested and "Asia/Tokyo" in everything
    # Chosen once, though it is in both groups.
    assert page.count('value="Europe/Amsterdam" selected') == 1


def test_time_zone_menu_hides_deprecated_aliases(client, demo):
    client.force_login(demo.ana)
    suggested, everything = _zone_menu(client.get(reverse("profile")).content.decode())
    assert "Europe/Kyiv" in everything and "America/New_York" in everything and "UTC" in everything
    for alias in ("Europe/Kiev", "US/Eastern", "GB", "Etc/GMT+5", "America/Buenos_Aires"):
        assert alias not in everything


def test_a_deprecated_zone_already_chosen_stays_choosable(client, demo):
    demo.ana.time_zone = "Europe/Kiev"
    demo.ana.save(update_fields=["time_zone"])
    client.force_login(demo.ana)
    suggested, _everything = _zone_menu(client.get(reverse("profile")).content.decode())
    assert suggested[0] == "Europe/Kiev"
    response = client.post(reverse("profile"), _profile_data(time_zone="Europe/Kiev"))
    assert response.status_code == 302


def test_a_deprecated_zone_not_offered_is_refused_keeping_what_was_typed(client, demo):
    client.force_login(demo.ana)
    response = client.post(
        reverse("profile"), _profile_data(time_zone="US/Eastern", full_name="Ana M. Martins")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert 'value="Ana M. Martins"' in page
    demo.ana.refresh_from_db()
    assert demo.ana.time_zone == "Europe/Amsterdam"


def test_the_menu_is_read_from_the_zone_table_not_the_network():
    from accounts.time_zones import canonical_zones, zone_countries

    assert zone_countries()["Europe/Amsterdam"] == "NL"
    assert len(canonical_zones()) > 300
