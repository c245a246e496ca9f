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


# The one style of dates Limen shows, in each language's words: "20 October 2026", "20 October
# 2026, 04:42" (config/formats/). Numeric dates (SHORT_DATE_FORMAT, "d/m/Y") are not among them.
NAMED_FORMATS = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "TIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
}
# Letters of Django's format strings that print (part of) a date rather than a time of day.
DATE_LETTERS = set("dDjlNwzWFmMnyYLtoUIeOTZcrSE")
APPS = ["accounts", "boundaries", "config", "directory", "journal", "referrals", "reminders"]


def _python_sources():
    """The code that words what people read: not the formats' definitions, migrations, or
    commands that stamp a backup file's name."""
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if not {"migrations", "formats", "management"} & set(path.parts):
                yield path


def test_dates_are_shown_in_the_one_long_style_only():
    """Templates name a long locale format (or a machine-readable 'c', a chart's month 'M', a
    weekday 'l'), never a numeric date; times alone may be spelled."""
    allowed = {"c", "M", "l"}
    spelled = []
    for path in (ROOT / "templates").rglob("*"):
        if path.suffix not in (".html", ".txt"):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in re.findall(r"\|date:[\"']([^\"']*)[\"']", text):
            if pattern not in NAMED_FORMATS | allowed:
                spelled.append(f"{path.name}: date:{pattern}")
        for pattern in re.findall(r"\|time:[\"']([^\"']*)[\"']", text):
            if pattern != "TIME_FORMAT" and set(pattern) & DATE_LETTERS:
                spelled.append(f"{path.name}: time:{pattern}")
    for path in _python_sources():
        text = path.read_text(encoding="utf-8")
        for found in re.findall(r"SHORT_DATE(?:TIME)?_FORMAT|\.strftime\(|d/m/Y", text):
            spelled.append(f"{path.relative_to(ROOT)}: {found}")
        for pattern in re.findall(r"(?:date|time)_format\([^,()]+,\s*[\"']([^\"']*)[\"']", text):
            if pattern not in NAMED_FORMATS:
                spelled.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert spelled == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "20 October 2026, 04:42"),
        ("nl", "20 oktober 2026, 04:42"),
        ("de", "20. Oktober 2026, 04:42"),
        ("fr", "20 octobre 2026, 04:42"),
    ],
)
def test_the_inbox_and_the_organisations_log_write_dates_alike(client, demo, language, shown):
    from datetime import datetime

    from accounts.models import AuditEvent
    from reminders.models import Delivery
    from tests.reminders.conftest import make_reminder

    moment = datetime(2026, 10, 20, 4, 42, tzinfo=demo.ana.tzinfo)
    Delivery.objects.create(
        reminder=make_reminder(demo.ana), channel=Delivery.Channel.IN_APP, delivered_at=moment
    )
    AuditEvent.objects.create(
        organisation=demo.harbour, actor=demo.admin, action="accounts.member.added", at=moment
    )
    for person, url in ((demo.ana, "reminders:inbox"), (demo.admin, "organisation")):
        person.language = language
        person.save(update_fields=["language"])
        client.force_login(person)
        body = client.get(reverse(url), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert shown in body, f"{url} in {language}"
        assert "20/10/2026" not in body and "2026-10-20 " not in body
