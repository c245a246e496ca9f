from datetime import time

import pytest
from django.urls import reverse

from accounts.models import WorkingPeriod

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
