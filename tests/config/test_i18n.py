from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["nl", "de", "fr"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language):
    catalogue = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"{language}: untranslated {missing[:5]}"
    assert not fuzzy, f"{language}: fuzzy {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    import re

    catalogue = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    pattern = re.compile(r"%\(\w+\)s|\{\{ ?\w+ ?\}\}")
    for entry in catalogue.translated_entries():
        expected = sorted(pattern.findall(entry.msgid))
        strings = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for string in strings:
            assert sorted(pattern.findall(string)) == expected, entry.msgid


def test_four_languages():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "nl", "de", "fr"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language,phrase",
    [("nl", "Inloggen"), ("de", "Anmelden"), ("fr", "connecter")],
)
def test_login_page_follows_the_browser_language(client, language, phrase):
    response = client.get(reverse("login"), headers={"Accept-Language": language})
    assert f'<html lang="{language}">' in response.content.decode()
    assert phrase.lower() in response.content.decode().lower()
