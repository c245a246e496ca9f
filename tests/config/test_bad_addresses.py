"""An address no page of Limen could have made (an overlong, NUL or non-UTF-8 query string) is
refused with status 400 on a page of the site, never a 500, with a way back to the page."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

REFUSED = ["q=" + "a" * 5000, "q=%00", "q=%ff%fe", "q=caf%e9"]


@pytest.mark.parametrize("query", REFUSED)
def test_a_refused_address_is_a_page_of_the_site(client, demo, query):
    client.force_login(demo.ana)
    response = client.get(f"{reverse('directory:search')}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert [t.name for t in response.templates][:2] == ["400.html", "base.html"]
    body = response.content.decode()
    assert "This address is too long or malformed." in body
    assert '<a href="/directory/">Open this page without its search terms and filters</a>' in body
    assert 'aria-label="Main"' in body  # her own header and navigation
    assert "Content-Security-Policy" in response.headers
    assert "no-store" in response["Cache-Control"]


def test_it_speaks_the_persons_language(client, demo):
    demo.ana.language = "de"
    demo.ana.save(update_fields=["language"])
    client.force_login(demo.ana)
    response = client.get("/journal/?q=%00")
    assert response.status_code == 400
    assert "Diese Adresse ist zu lang oder fehlerhaft." in response.content.decode()


def test_it_works_signed_out_and_for_htmx(client):
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/accounts/login/?next=%00", headers=headers)
        assert response.status_code == 400
        assert '<a href="/accounts/login/">' in response.content.decode()


@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example/"])
def test_the_way_back_never_leads_to_another_site(client, path):
    response = client.get(path, QUERY_STRING="q=%00")
    assert response.status_code == 400
    [href] = re.findall(r'<a href="([^"]*)">Open this page', response.content.decode())
    assert href.startswith("/") and href[1:2] not in ("/", "\\"), href


def test_other_refused_requests_get_the_general_page(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    response = client.post(reverse("login"), {"a": "1", "b": "2", "c": "3"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Request not understood" in body and "Open this page" not in body
