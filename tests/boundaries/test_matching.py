from dataclasses import dataclass, field

import pytest

from boundaries.matching import KeywordMatch, find_keyword_matches, topics_mentioned


def quotes(text: str, keywords: list[str]) -> list[str]:
    return [m.quote for m in find_keyword_matches(text, keywords)]


@dataclass
class Topic:
    name: str
    keywords: list[str] = field(default_factory=list)


# --- inflected forms, per language ---------------------------------------------------------


def test_english_inflections_match():
    text = "She divorced him; divorcing took a year. The divorce was final."
    assert quotes(text, ["divorce"]) == ["divorced", "divorcing", "divorce"]


def test_english_plural_with_spelling_change_matches():
    assert quotes("Both families came; one family stayed.", ["family"]) == ["families", "family"]


def test_dutch_plurals_match():
    assert quotes("Ze had eerder twee abortussen en nu weer een abortus.", ["abortus"]) == [
        "abortussen",
        "abortus",
    ]
    assert quotes("Scheidingen zijn zwaar, deze scheiding ook.", ["scheiding"]) == [
        "Scheidingen",
        "scheiding",
    ]


def test_german_plurals_match():
    assert quotes("Zwei Scheidungen, dann noch eine Scheidung.", ["Scheidung"]) == [
        "Scheidungen",
        "Scheidung",
    ]
    assert quotes("Die Kirchen und die Kirche", ["Kirche"]) == ["Kirchen", "Kirche"]


def test_french_inflections_match():
    text = "Les avortements et l'avortement ; elle veut avorter."
    assert quotes(text, ["avortement"]) == ["avortements", "avortement", "avorter"]


def test_dutch_vowel_change_within_stem_matches():
    assert quotes("Hij gelooft niet meer, zijn geloof is weg.", ["geloof"]) == [
        "gelooft",
        "geloof",
    ]


# --- compounds --------------------------------------------------------------------------------


def test_dutch_compound_tail_matches_whole_word():
    matches = find_keyword_matches("Na de echtscheiding vond ze werk.", ["scheiding"])
    assert [(m.quote, m.start, m.end) for m in matches] == [("echtscheiding", 6, 19)]


def test_german_compound_tail_matches():
    assert quotes("Die Ehescheidung war teuer.", ["Scheidung"]) == ["Ehescheidung"]


def test_inflected_compound_tail_matches():
    assert quotes("echtscheidingen", ["scheiding"]) == ["echtscheidingen"]
    assert quotes("Ehescheidungen", ["Scheidung"]) == ["Ehescheidungen"]


def test_compound_head_and_middle_match():
    assert quotes("een afspraak bij de abortuskliniek", ["abortus"]) == ["abortuskliniek"]
    assert quotes("Religionsunterricht in der Schule", ["Religion"]) == ["Religionsunterricht"]
    assert quotes("beim Ehescheidungsanwalt", ["Scheidung"]) == ["Ehescheidungsanwalt"]


def test_compound_head_needs_a_word_not_a_suffix():
    assert quotes("Islamabad is far away", ["islam"]) == []
    assert quotes("in transit", ["trans"]) == []


def test_short_keyword_is_not_matched_inside_words():
    assert quotes("Her ex-partner, not the exam.", ["ex"]) == ["ex"]
    assert quotes("Meine Ehe, nicht die Ehescheidung", ["Ehe"]) == ["Ehe"]


# --- normalisation ----------------------------------------------------------------------------


def test_case_insensitive():
    assert quotes("RELIGION and Religion", ["religion"]) == ["RELIGION", "Religion"]


def test_accent_insensitive_both_ways():
    assert quotes("Les églises et une Eglise", ["église"]) == ["églises", "Eglise"]
    assert quotes("religiöse Erziehung", ["religiose"]) == ["religiöse"]


def test_decomposed_accents_keep_spans_in_the_original_text():
    text = "une e\u0301glise"  # "é" written as e + combining acute
    [match] = find_keyword_matches(text, ["église"])
    assert text[match.start : match.end] == match.quote == "e\u0301glise"


def test_sharp_s_matches_ss():
    assert quotes("Straße oder Strasse", ["strasse"]) == ["Straße", "Strasse"]


def test_french_elision_is_ignored():
    text = "Elle parle de l'avortement, d’avortements et de l’Église."
    assert quotes(text, ["avortement", "église"]) == ["avortement", "avortements", "Église"]


def test_elided_keyword_matches_without_article():
    assert quotes("un avortement", ["l'avortement"]) == ["avortement"]


def test_possessive_s_is_ignored_in_phrases():
    assert quotes("the client's religion", ["client religion"]) == ["client's religion"]


# --- phrases ----------------------------------------------------------------------------------


def test_phrase_matches_consecutive_words_with_inflection():
    text = "Er was sprake van huiselijk geweld, later weer huiselijke geweld."
    assert quotes(text, ["huiselijk geweld"]) == ["huiselijk geweld", "huiselijke geweld"]


def test_phrase_matches_across_line_breaks_and_hyphens():
    assert quotes("häusliche\nGewalt", ["häusliche Gewalt"]) == ["häusliche\nGewalt"]
    assert quotes("a hot-button issue", ["hot button"]) == ["hot-button"]


def test_phrase_needs_all_words_in_order():
    assert quotes("geweld in huiselijke kring", ["huiselijk geweld"]) == []


def test_french_phrase_with_elision():
    assert quotes("le droit à l'avortement", ["droit à l'avortement"]) == ["droit à l'avortement"]


def test_longer_overlapping_match_wins_and_matches_do_not_overlap():
    matches = find_keyword_matches("huiselijk geweld", ["geweld", "huiselijk geweld"])
    assert [(m.keyword, m.quote) for m in matches] == [("huiselijk geweld", "huiselijk geweld")]


def test_matches_are_sorted_by_position_with_original_keyword():
    text = "Drugs, then a divorce, then drugs again."
    matches = find_keyword_matches(text, ["divorce", "drugs"])
    assert matches == [
        KeywordMatch("drugs", 0, 5, "Drugs"),
        KeywordMatch("divorce", 14, 21, "divorce"),
        KeywordMatch("drugs", 28, 33, "drugs"),
    ]


# --- no false matches ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("The region voted.", "religion"),
        ("Regions differ.", "religion"),
        ("Het gaat wel goed.", "geweld"),  # the Dutch stemmer reduces "geweld" to "wel"
        ("Das war schlecht.", "Geschlecht"),  # ... and "Geschlecht" to "schlecht"
        ("Het brood is droog.", "Drogen"),
        ("Il a racheté la voiture.", "race"),
        ("Une région rurale", "religion"),
    ],
)
def test_unrelated_words_do_not_match(text, keyword):
    assert find_keyword_matches(text, [keyword]) == []


def test_quoted_keyword_matches_the_exact_word_only():
    text = "Trans people and public transport; trans."
    assert quotes(text, ['"trans"']) == ["Trans", "trans"]
    assert quotes("geweldig! geweld.", ['"geweld"']) == ["geweld"]


# --- empty input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keywords"),
    [
        ("", ["religion"]),
        ("religion", []),
        ("religion", [""]),
        ("religion", ["   ", "'", '""', "--"]),
        ("   ", ["religion"]),
    ],
)
def test_empty_text_or_keywords_give_no_matches(text, keywords):
    assert find_keyword_matches(text, keywords) == []


def test_keywords_can_be_any_iterable():
    assert quotes("divorce", (k for k in ["divorce"])) == ["divorce"]


# --- topics -----------------------------------------------------------------------------------


def test_topics_mentioned_returns_matching_topics_in_input_order():
    faith = Topic("faith", ["religion", "Kirche", "église"])
    abortion = Topic("abortion", ["abortus", "avortement", "Abtreibung"])
    money = Topic("money", ["money", "geld"])
    text = "Over abortus gesproken; daarna over de kerk en de Kirchen."
    result = topics_mentioned(text, [money, faith, abortion])
    assert [(topic.name, [m.quote for m in matches]) for topic, matches in result] == [
        ("faith", ["Kirchen"]),
        ("abortion", ["abortus"]),
    ]


def test_topics_mentioned_matches_each_topic_independently():
    violence = Topic("violence", ["geweld"])
    home = Topic("home", ["huiselijk geweld"])
    result = topics_mentioned("huiselijk geweld", [violence, home])
    assert [(t.name, [m.quote for m in ms]) for t, ms in result] == [
        ("violence", ["geweld"]),
        ("home", ["huiselijk geweld"]),
    ]


def test_topics_without_keywords_or_text_are_skipped():
    empty = Topic("empty", [])
    none = Topic("none")
    none.keywords = None  # type: ignore[assignment]
    assert topics_mentioned("religion", [empty, none]) == []
    assert topics_mentioned("", [Topic("faith", ["religion"])]) == []
