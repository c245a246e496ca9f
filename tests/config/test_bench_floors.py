"""The bench's floor pages exist only when LIMEN_BENCH_FLOORS is on."""

import importlib

import pytest
from django.urls import clear_url_caches

import config.urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def floors_on(settings):
    settings.LIMEN_BENCH_FLOORS = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.LIMEN_BENCH_FLOORS = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_floor_pages_are_not_served_by_default(client, alice):
    client.force_login(alice)
    assert client.get("/bench/floor/ok/").status_code == 404
    assert client.get("/bench/floor/layout/").status_code == 404


def test_floor_pages_answer_a_signed_in_person_when_the_bench_asks(floors_on, client, alice):
    assert client.get("/bench/floor/ok/").status_code == 302  # to the login page
    client.force_login(alice)
    ok = client.get("/bench/floor/ok/")
    assert ok.status_code == 200 and ok.content == b"ok"
    layout = client.get("/bench/floor/layout/").content.decode()
    assert "<html" in layout and "<p>ok</p>" in layout
