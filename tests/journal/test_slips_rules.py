"""Every rule's own examples, and the rule-file loader's validation."""

from functools import partial
from pathlib import Path

import pytest

from journal import slips
from journal.slips import CATEGORIES, LANGUAGES, RuleFileError, load_rule_file, rule_set
from journal.slips.principles import explain

# Every rule's own examples are about the rules alone.
detect = partial(slips.detect, learned=False)

RULES = [rule for lang in LANGUAGES for rule in rule_set(lang).rules]
POSITIVES = [(rule, text) for rule in RULES for text in rule.positive]
NEGATIVES = [(rule, text) for rule in RULES for text in rule.negative]


def _ids(item):
    return item.id if hasattr(item, "id") else item[:40]


@pytest.mark.parametrize(
    ("rule", "text"), POSITIVES, ids=[f"{r.id}+{t[:30]}" for r, t in POSITIVES]
)
def test_positive_example_is_found_with_its_evidence(rule, text):
    findings = [f for f in detect(text, rule.lang) if f.category == rule.category]
    assert findings, f"{rule.id} should find {rule.category} in: {text}"
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.quote


@pytest.mark.parametrize(
    ("rule", "text"), NEGATIVES, ids=[f"{r.id}-{t[:30]}" for r, t in NEGATIVES]
)
def test_negative_example_is_not_found(rule, text):
    found = [(f.rule, f.quote) for f in detect(text, rule.lang) if f.category == rule.category]
    assert not found, f"{rule.id}: {rule.category} should not be found in: {text}"


def test_every_language_has_rules_for_every_category():
    for lang in LANGUAGES:
        covered = {rule.category for rule in rule_set(lang).rules}
        assert covered == set(CATEGORIES), f"{lang} lacks {set(CATEGORIES) - covered}"


def test_rule_ids_are_unique_across_languages():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))


def test_every_category_has_a_principle_and_question_in_every_language():
    for category in CATEGORIES:
        for lang in LANGUAGES:
            explanation = explain(category, lang)
            assert explanation.principle.strip()
            assert explanation.question.strip().endswith("?")


def test_more_from_the_article_is_given_in_every_language_or_none(tmp_path, monkeypatch):
    import yaml

    from journal.slips import principles

    data = yaml.safe_load(principles.PRINCIPLES_FILE.read_text(encoding="utf-8"))
    assert any(data[category]["en"].get("more") for category in CATEGORIES)
    data["rescuing"]["en"]["more"] = "Only in English."
    for lang in LANGUAGES[1:]:
        data["rescuing"][lang].pop("more", None)
    path = tmp_path / "principles.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(principles, "PRINCIPLES_FILE", path)
    principles._principles.cache_clear()
    try:
        with pytest.raises(RuleFileError, match="rescuing has more in some languages only"):
            explain("rescuing", "en")
    finally:
        principles._principles.cache_clear()


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "xx.yaml"
    path.write_text(body, encoding="utf-8")
    return path


VALID_RULE = """
  - id: en.test.rule
    category: giving_money
    match: ["lend|lent", "money"]
    positive: ["I lent him money."]
    negative: ["I did not lend him money."]
"""


def test_valid_rule_file_loads(tmp_path):
    rules = load_rule_file(_write(tmp_path, "lang: en\nrules:" + VALID_RULE))
    assert [rule.id for rule in rules.rules] == ["en.test.rule"]


def test_unknown_rule_key_is_rejected(tmp_path):
    body = "lang: en\nrules:" + VALID_RULE + "    weight: 3\n"
    with pytest.raises(RuleFileError, match=r"en\.test\.rule.*unknown keys \['weight'\]"):
        load_rule_file(_write(tmp_path, body))


def test_unknown_top_level_key_is_rejected(tmp_path):
    with pytest.raises(RuleFileError, match=r"unknown keys \['version'\]"):
        load_rule_file(_write(tmp_path, "lang: en\nversion: 2\nrules:" + VALID_RULE))


def test_unknown_category_is_rejected(tmp_path):
    body = "lang: en\nrules:" + VALID_RULE.replace("giving_money", "gossip")
    with pytest.raises(RuleFileError, match="unknown category 'gossip'"):
        load_rule_file(_write(tmp_path, body))


def test_unknown_language_is_rejected(tmp_path):
    with pytest.raises(RuleFileError, match="unknown language 'es'"):
        load_rule_file(_write(tmp_path, "lang: es\nrules:" + VALID_RULE))


def test_rule_without_examples_is_rejected(tmp_path):
    body = "lang: en\nrules:" + VALID_RULE.replace(
        '    negative: ["I did not lend him money."]\n', ""
    )
    with pytest.raises(RuleFileError, match="missing keys"):
        load_rule_file(_write(tmp_path, body))


def test_rule_id_must_carry_the_language_prefix(tmp_path):
    body = "lang: en\nrules:" + VALID_RULE.replace("en.test.rule", "test.rule")
    with pytest.raises(RuleFileError, match="starting with 'en.'"):
        load_rule_file(_write(tmp_path, body))


def test_duplicate_rule_id_is_rejected(tmp_path):
    with pytest.raises(RuleFileError, match="used twice"):
        load_rule_file(_write(tmp_path, "lang: en\nrules:" + VALID_RULE + VALID_RULE))


def test_bad_within_is_rejected(tmp_path):
    body = "lang: en\nrules:" + VALID_RULE + "    within: -2\n"
    with pytest.raises(RuleFileError, match="within"):
        load_rule_file(_write(tmp_path, body))


def test_yaml_syntax_error_names_the_file(tmp_path):
    with pytest.raises(RuleFileError, match=r"xx\.yaml: YAML syntax"):
        load_rule_file(_write(tmp_path, "lang: en\nrules: [\n"))


def test_lone_wildcard_is_rejected(tmp_path):
    body = "lang: en\nrules:" + VALID_RULE.replace('"lend|lent"', '"lend * money"')
    with pytest.raises(RuleFileError, match="not a word pattern"):
        load_rule_file(_write(tmp_path, body))


def test_others_list_loads_and_cancels_a_colleagues_act(tmp_path):
    body = 'lang: en\nothers: ["a colleague"]\nrules:' + VALID_RULE
    rules = load_rule_file(_write(tmp_path, body))
    assert rules.plans, "others are merged into the sentence-opening cancel list"


def test_others_must_be_a_list_of_strings(tmp_path):
    with pytest.raises(RuleFileError, match="others"):
        load_rule_file(_write(tmp_path, "lang: en\nothers: 3\nrules:" + VALID_RULE))
