"""Every page is named "<Page> · Limen", and shows dates in the reader's locale formats."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    path
    for path in (ROOT / "templates").rglob("*.html")
    if '{% extends "base.html" %}' in path.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_every_page_names_itself(path):
    text = path.read_text(encoding="utf-8")
    match = re.search(r"{% block title %}(.*?){% endblock %}", text, re.S)
    assert match and match.group(1).strip(), f"{path.name} has no title block"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "title"),
    [("home", "Overview · Limen"), ("journal:entries", "Journal · Limen")],
)
def test_the_title_separates_the_page_from_limen(client, demo, url, title):
    client.force_login(demo.ana)
    body = client.get(reverse(url)).content.decode()
    assert re.search(r"<title>(.*?)</title>", body, re.S).group(1).strip() == title


@pytest.mark.django_db
def test_the_sign_in_page_is_named_too(client):
    body = client.get(reverse("login")).content.decode()
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1).strip()
    assert title.endswith(" · Limen") and not title.startswith("·")


def test_dates_are_shown_by_named_locale_formats_only():
    """One format per kind of value, in the reader's language: templates name Django's
    locale formats (DATE_FORMAT, SHORT_DATE_FORMAT, ...) instead of spelling a pattern."""
    allowed = {"c", "M", "l"}  # machine-readable; a chart's month axis; a weekday name
    spelled = []
    for path in (ROOT / "templates").rglob("*.html"):
        for pattern in re.findall(r"\|date:[\"']([^\"']*)[\"']", path.read_text(encoding="utf-8")):
            if not pattern.endswith("_FORMAT") and pattern not in allowed:
                spelled.append(f"{path.name}: {pattern}")
    assert spelled == []
