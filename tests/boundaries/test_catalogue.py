import copy
import re

import pytest
import yaml

from boundaries.catalogue import (
    CATALOGUE_DIR,
    LANGUAGES,
    CatalogueError,
    available_versions,
    load_catalogue,
    normalised_score,
    validate_catalogue,
)


@pytest.fixture
def catalogue() -> dict:
    return load_catalogue(1)


def items_of(catalogue: dict, section_code: str) -> list[dict]:
    [section] = [s for s in catalogue["sections"] if s["code"] == section_code]
    return section["items"]


def all_items(catalogue: dict) -> list[dict]:
    return [item for section in catalogue["sections"] for item in section["items"]]


# --- the shipped catalogue --------------------------------------------------------------------


def test_shipped_catalogue_validates():
    with (CATALOGUE_DIR / "v1.yaml").open(encoding="utf-8") as fh:
        assert validate_catalogue(yaml.safe_load(fh)) == []


def test_latest_version_is_loaded_by_default():
    assert available_versions()[0] == 1
    assert load_catalogue()["version"] == available_versions()[-1]


def test_section_codes_in_order(catalogue):
    assert [s["code"] for s in catalogue["sections"]] == [
        "values",
        "assumptions",
        "inner_bars",
        "principles",
        "empathy",
    ]


def test_section_sizes(catalogue):
    assert 5 <= len(items_of(catalogue, "values")) <= 7
    assert len(items_of(catalogue, "assumptions")) == 10
    assert len(items_of(catalogue, "inner_bars")) == 5
    assert len(items_of(catalogue, "principles")) == 8
    assert 4 <= len(items_of(catalogue, "empathy")) <= 6
    assert 30 <= len(all_items(catalogue)) <= 36


def test_assumptions_and_inner_bars_are_reverse_scored(catalogue):
    for code in ("assumptions", "inner_bars"):
        assert all(item["reverse"] is True for item in items_of(catalogue, code))
    for code in ("values", "principles", "empathy"):
        assert all(item["reverse"] is False for item in items_of(catalogue, code))


def test_every_text_has_all_four_languages(catalogue):
    assert LANGUAGES == ("en", "nl", "de", "fr")
    for section in catalogue["sections"]:
        for field in ("title", "intro"):
            assert set(section[field]) == set(LANGUAGES)
        assert set(section["suggestions"]) == set(LANGUAGES)
        assert all(2 <= len(section["suggestions"][lang]) <= 3 for lang in LANGUAGES)
        for item in section["items"]:
            for field in ("statement", "why"):
                assert set(item[field]) == set(LANGUAGES)
                assert all(item[field][lang].strip() for lang in LANGUAGES)


def test_translations_differ_from_english(catalogue):
    for item in all_items(catalogue):
        english = item["statement"]["en"]
        assert all(item["statement"][lang] != english for lang in ("nl", "de", "fr"))


def test_item_codes_are_prefixed_with_their_section(catalogue):
    for section in catalogue["sections"]:
        for item in section["items"]:
            assert item["code"].startswith(section["code"] + "_")
            assert re.fullmatch(r"[a-z0-9_]+", item["code"])


def test_every_section_cites_a_source_article(catalogue):
    article_ids = {
        "000_bcdb4d951268fd48",
        "001_effcf13b336d59b5",
        "002_8e0e7b52ff5492dc",
        "003_adb4d7c9879fe330",
        "004_4990e9c003e9168e",
    }
    for section in catalogue["sections"]:
        assert section["sources"]
        assert set(section["sources"]) <= article_ids


def test_scales_have_labels_for_every_point(catalogue):
    assert set(catalogue["scales"]) == {"agreement", "frequency"}
    for scale in catalogue["scales"].values():
        for lang in LANGUAGES:
            assert len(scale["labels"][lang]) == scale["max"] - scale["min"] + 1


def test_load_returns_a_copy():
    first = load_catalogue(1)
    first["sections"].clear()
    assert load_catalogue(1)["sections"]


def test_unknown_version_raises():
    with pytest.raises(CatalogueError, match="version 999"):
        load_catalogue(999)


# --- scoring ----------------------------------------------------------------------------------


def test_normalised_score_flips_reverse_items(catalogue):
    scale = catalogue["scales"]["agreement"]
    [assumption] = items_of(catalogue, "assumptions")[:1]
    [principle] = items_of(catalogue, "principles")[:1]
    assert [normalised_score(scale, assumption, a) for a in range(1, 6)] == [5, 4, 3, 2, 1]
    assert [normalised_score(scale, principle, a) for a in range(1, 6)] == [1, 2, 3, 4, 5]


def test_normalised_score_rejects_answers_outside_the_scale(catalogue):
    scale = catalogue["scales"]["agreement"]
    with pytest.raises(ValueError):
        normalised_score(scale, all_items(catalogue)[0], 6)


# --- the validator catches each kind of error -------------------------------------------------


@pytest.fixture
def raw(catalogue) -> dict:
    return copy.deepcopy(catalogue)


def first_item(data: dict) -> dict:
    return data["sections"][0]["items"][0]


def errors_mentioning(data: dict, fragment: str) -> list[str]:
    errors = validate_catalogue(data)
    assert errors, "expected validation errors"
    return [e for e in errors if fragment in e]


def test_rejects_non_mapping():
    assert validate_catalogue(["not", "a", "catalogue"]) == [
        "catalogue: expected a mapping at the top level"
    ]


def test_missing_top_level_keys(raw):
    del raw["scales"]
    del raw["version"]
    assert errors_mentioning(raw, "missing 'scales'")
    assert errors_mentioning(raw, "missing 'version'")


def test_bad_version(raw):
    raw["version"] = "1"
    assert errors_mentioning(raw, "version: expected a positive integer")


def test_missing_language_in_statement(raw):
    del first_item(raw)["statement"]["fr"]
    assert errors_mentioning(raw, "values_know_hot_buttons).statement: missing language 'fr'")


def test_empty_translation(raw):
    first_item(raw)["why"]["de"] = "  "
    assert errors_mentioning(raw, "why.de: expected non-empty text")


def test_missing_language_in_section_title(raw):
    del raw["sections"][1]["title"]["nl"]
    assert errors_mentioning(raw, "(assumptions).title: missing language 'nl'")


def test_unknown_language(raw):
    raw["sections"][0]["intro"]["es"] = "Hola"
    assert errors_mentioning(raw, "unknown language 'es'")


def test_suggestions_missing_language_or_uneven(raw):
    suggestions = raw["sections"][0]["suggestions"]
    del suggestions["en"]
    suggestions["nl"] = suggestions["nl"][:1]
    assert errors_mentioning(raw, "suggestions: missing language 'en'")
    assert errors_mentioning(raw, "different numbers of suggestions")


def test_unknown_scale(raw):
    first_item(raw)["scale"] = "likert7"
    assert errors_mentioning(raw, "scale: unknown scale 'likert7'")


def test_duplicate_item_code(raw):
    raw["sections"][1]["items"][0]["code"] = first_item(raw)["code"]
    assert errors_mentioning(raw, "duplicate item code 'values_know_hot_buttons'")


def test_duplicate_section_code(raw):
    raw["sections"][1]["code"] = "values"
    assert errors_mentioning(raw, "duplicate section code 'values'")


def test_code_must_be_snake_case(raw):
    first_item(raw)["code"] = "Values-Know"
    assert errors_mentioning(raw, "is not a snake_case identifier")


def test_reverse_must_be_bool(raw):
    first_item(raw)["reverse"] = "yes"
    assert errors_mentioning(raw, "reverse: expected true or false")


def test_missing_item_field(raw):
    del first_item(raw)["why"]
    assert errors_mentioning(raw, "missing 'why'")


def test_unknown_item_key_catches_typos(raw):
    first_item(raw)["reversed"] = True
    assert errors_mentioning(raw, "unknown key 'reversed'")


def test_empty_section(raw):
    raw["sections"][0]["items"] = []
    assert errors_mentioning(raw, "(values).items: expected a non-empty list")


def test_scale_bounds_and_label_count(raw):
    raw["scales"]["agreement"]["labels"]["de"] = ["Ja", "Nein"]
    raw["scales"]["frequency"]["min"] = 5
    assert errors_mentioning(raw, "scales.agreement.labels.de: expected 5 non-empty labels")
    assert errors_mentioning(raw, "scales.frequency: min and max must be integers with min < max")


def test_invalid_file_is_refused_by_the_loader(tmp_path, monkeypatch):
    import boundaries.catalogue as module

    (tmp_path / "v1.yaml").write_text("version: 2\nscales: {}\nsections: []\n", encoding="utf-8")
    monkeypatch.setattr(module, "CATALOGUE_DIR", tmp_path)
    module._load_validated.cache_clear()
    try:
        with pytest.raises(CatalogueError) as excinfo:
            load_catalogue()
        message = str(excinfo.value)
        assert "sections: expected a non-empty list" in message
        assert "declares version 2" in message
    finally:
        module._load_validated.cache_clear()
