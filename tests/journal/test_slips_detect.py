"""The detector's API and the hard cases: negation, refusal, program funds, whose story it is."""

from functools import partial

import pytest

from journal import slips
from journal.slips import LANGUAGES, detect_language

# These tests are about the rules: the learned stage is tested in test_slips_learned.py.
detect = partial(slips.detect, learned=False)


def categories(text: str, lang: str | None = None) -> set[str]:
    return {f.category for f in detect(text, lang)}


def test_empty_text_has_no_findings():
    assert detect("") == []
    assert detect("   \n\n  ") == []


def test_finding_quote_matches_its_span_in_the_original_text():
    text = (
        "Session notes.\n\nAfter the group, I lent Sam €20 out of my own pocket. He was grateful."
    )
    findings = detect(text, "en")
    assert findings
    for finding in findings:
        assert text[finding.start : finding.end] == finding.quote
        assert finding.rule.startswith("en.")
        assert finding.lang == "en"


def test_detection_is_deterministic():
    text = "Ik heb hem mijn privénummer gegeven en twintig euro geleend."
    assert detect(text) == detect(text) == detect(text, "nl")


def test_findings_are_ordered_by_position():
    text = "I gave her my private number. Later I lent her fifty euros."
    starts = [f.start for f in detect(text, "en")]
    assert starts == sorted(starts)
    assert [f.category for f in detect(text, "en")] == ["out_of_hours", "giving_money"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I told him I would call the housing office with him next week.", "en"),
        ("Ik heb met haar besproken hoe ze de brief zelf kan schrijven.", "nl"),
        ("Ich habe mit ihm besprochen, wie er den Antrag selbst stellen kann.", "de"),
        ("J'ai vu avec elle comment elle peut écrire la lettre elle-même.", "fr"),
    ],
)
def test_language_is_detected(text, lang):
    assert detect_language(text) == lang


def test_language_defaults_to_english_without_evidence():
    assert detect_language("") == "en"
    assert detect_language("12345 !!!") == "en"


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match="unknown lang"):
        detect("hola", "es")


def test_finding_carries_evidence_only():
    (finding,) = detect("Ich habe ihm meine Privatnummer gegeben.")
    assert finding.lang == "de"
    assert finding.category == "out_of_hours"
    assert finding.source == "rule"
    assert not hasattr(finding, "principle")


def test_finding_as_flag_is_compact():
    flag = detect("I lent him ten euros.", "en")[0].as_flag()
    assert set(flag) == {"category", "start", "end", "quote", "rule"}


def test_very_long_text_is_handled():
    paragraph = (
        "We reviewed the action plan and the next steps for the job search. "
        "He had practised the interview questions at home. "
    )
    text = paragraph * (100_000 // len(paragraph) + 1) + "I lent him twenty euros."
    assert len(text) >= 100_000
    findings = detect(text, "en")
    assert [f.category for f in findings] == ["giving_money"]
    assert findings[0].quote in text[-30:]


def test_long_sentence_without_punctuation_is_handled():
    text = " ".join(["I gave him money"] * 5000)
    findings = detect(text, "en")
    assert findings and all(text[f.start : f.end] == f.quote for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "😀🙏 Thanks for today 🎉",
        "مرحبا، لقد تحدثنا عن خطة العمل",
        "שלום, I lent him 🎁 money and עזרתי",
        "\u200f\u200e\u202e reversed \u202c text",
        "\x00\x01 control characters",
        "İstanbul İİİ ǅ ß ﬁ",
    ],
)
def test_emoji_rtl_and_odd_characters_do_not_crash(text):
    for finding in detect(text):
        assert text[finding.start : finding.end] == finding.quote


# ---- negation and refusal --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I said no when he asked to borrow money.", "en"),
        ("I did not lend him any money.", "en"),
        ("ik heb hem géén geld gegeven", "nl"),
        ("Ik heb hem geen geld geleend.", "nl"),
        ("Ich habe ihm kein Geld geliehen.", "de"),
        ("Er wollte Geld leihen, aber ich habe nein gesagt.", "de"),
        ("Je ne lui ai pas prêté d'argent.", "fr"),
        ("Il voulait de l'argent, j'ai refusé.", "fr"),
    ],
)
def test_refusal_to_lend_money_is_not_flagged(text, lang):
    assert "giving_money" not in categories(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("He asked for my private number and I refused.", "en"),
        ("Ik heb haar mijn privénummer niet gegeven.", "nl"),
        ("Ich habe ihr meine Privatnummer nicht gegeben.", "de"),
        ("Je lui ai refusé mon numéro.", "fr"),
    ],
)
def test_refusing_the_private_number_is_not_flagged(text, lang):
    assert "out_of_hours" not in categories(text, lang)


def test_accents_do_not_matter():
    assert "giving_money" not in categories("ik heb hem geen geld gegeven", "nl")
    assert "giving_money" not in categories("ik heb hem GÉÉN geld gegeven", "nl")
    assert "giving_money" in categories("ik heb hem geld gegeven", "nl")


# ---- own pocket versus program funds ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I paid his bus ticket out of my own pocket.", "en"),
        ("Ik heb zijn buskaartje uit eigen zak betaald.", "nl"),
        ("Ich habe seine Busfahrkarte aus eigener Tasche bezahlt.", "de"),
        ("J'ai payé son ticket de bus de ma poche.", "fr"),
    ],
)
def test_paying_from_own_pocket_is_flagged(text, lang):
    assert "giving_money" in categories(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I paid the bus ticket from the programme budget.", "en"),
        ("Ik heb het buskaartje uit het programmabudget betaald.", "nl"),
        ("Ich habe die Busfahrkarte aus dem Programmbudget bezahlt.", "de"),
        ("J'ai payé le ticket de bus avec le budget du programme.", "fr"),
    ],
)
def test_program_funds_are_not_flagged(text, lang):
    assert "giving_money" not in categories(text, lang)


# ---- compounds and elision -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "category"),
    [
        ("Ich habe ihm eine Busfahrkarte gekauft.", "de", "giving_money"),
        ("Ik heb een buskaartje voor hem gekocht.", "nl", "giving_money"),
        ("Ich habe ihr meine Privatnummer gegeben.", "de", "out_of_hours"),
        ("Ik heb haar mijn privénummer gegeven.", "nl", "out_of_hours"),
        ("Je lui ai donné de l'argent.", "fr", "giving_money"),
        ("J'ai prêté de l'argent à M. B.", "fr", "giving_money"),
    ],
)
def test_compounds_and_elision_are_understood(text, lang, category):
    assert category in categories(text, lang)


# ---- whose story, and feelings kept private ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I told her about my own divorce.", "en"),
        ("Ik heb haar over mijn eigen scheiding verteld.", "nl"),
        ("Ich habe ihr von meiner eigenen Scheidung erzählt.", "de"),
        ("Je lui ai parlé de mon propre divorce.", "fr"),
    ],
)
def test_practitioner_telling_own_divorce_is_self_disclosure(text, lang):
    assert "self_disclosure" in categories(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("She told me about her divorce.", "en"),
        ("Zij vertelde mij over haar scheiding.", "nl"),
        ("Sie erzählte mir von ihrer Scheidung.", "de"),
        ("Elle m'a parlé de son divorce.", "fr"),
    ],
)
def test_client_telling_her_divorce_is_not_self_disclosure(text, lang):
    assert "self_disclosure" not in categories(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I felt sad about my own father during the session.", "en"),
        ("Ik voelde me verdrietig over mijn eigen vader tijdens het gesprek.", "nl"),
        ("Ich war während des Gesprächs traurig wegen meines eigenen Vaters.", "de"),
        ("Je me suis sentie triste pour mon propre père pendant l'entretien.", "fr"),
    ],
)
def test_feeling_noted_privately_is_not_a_slip(text, lang):
    assert detect(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I told him how sad I was about my father.", "en"),
        ("Ik vertelde hem hoe verdrietig ik was over mijn vader.", "nl"),
        ("Ich erzählte ihm, wie traurig ich wegen meines Vaters bin.", "de"),
        ("Je lui ai dit à quel point j'étais triste à cause de mon père.", "fr"),
    ],
)
def test_feeling_shared_with_the_client_is_self_disclosure(text, lang):
    assert "self_disclosure" in categories(text, lang)


def test_every_language_is_supported():
    assert LANGUAGES == ("en", "nl", "de", "fr")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Il m'a demandé mon numéro personnel. Je lui ai refusé mon numéro.", "fr"),
        ("He asked for my private number; I gave him the office line.", "en"),
        ("Hij vroeg of hij twintig euro kon lenen; ik heb hem naar het noodfonds verwezen.", "nl"),
        ("Er wollte mir auf Instagram folgen; ich habe es erklärt.", "de"),
    ],
)
def test_someone_elses_request_is_not_the_practitioners_act(text, lang):
    assert detect(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Volgende keer wil ik duidelijk zeggen wanneer ik bereikbaar ben.", "nl"),
        ("Next time I will not lend him money and will point him to the food bank.", "en"),
        ("Beim nächsten Mal möchte ich pünktlich abschließen.", "de"),
        ("La prochaine fois, je dirai clairement quand je suis joignable.", "fr"),
    ],
)
def test_a_plan_for_next_time_is_not_a_slip(text, lang):
    assert detect(text, lang) == []


def test_client_telling_about_her_divorce_with_my_client_is_not_self_disclosure():
    assert detect("Mijn cliënt vertelde over haar scheiding.", "nl") == []


def test_the_road_not_taken_after_instead_of_does_not_cancel_the_rule():
    text = "I filled in the housing form for her instead of showing her how to do it."
    assert {f.category for f in detect(text, "en")} == {"rescuing"}


def test_evidence_does_not_span_a_semicolon():
    text = "Hij huilde toen hij over zijn jeugd vertelde; ik liet dat toe en we gingen verder."
    assert detect(text, "nl") == []


def test_quote_is_the_phrase_that_carries_the_crossing():
    text = "Yesterday was busy. I paid for his lunch from my own pocket, then we talked."
    (finding,) = detect(text, "en")
    assert finding.quote == "I paid for his lunch from my own pocket"
    assert text[finding.start : finding.end] == finding.quote


@pytest.mark.parametrize(
    ("text", "lang", "category"),
    [
        ("Texted back and forth with R. until almost midnight.", "en", "out_of_hours"),
        ("Worked on M.'s paperwork from home late last night.", "en", "out_of_hours"),
        ("Afgesproken met K. om zaterdag samen te gaan hardlopen.", "nl", "dual_relationship"),
    ],
)
def test_an_initial_does_not_end_the_sentence(text, lang, category):
    assert category in {f.category for f in detect(text, lang)}


def test_a_full_stop_before_a_capital_still_ends_the_sentence():
    # "... lent." and "Money ..." are two sentences: the rule may not join them.
    assert not detect("I saw the man I once lent. Money was tight for him.", "en")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("A colleague told me she answers clients' texts at midnight.", "en"),
        ("Een collega vertelde dat ze 's avonds appjes van cliënten beantwoordt.", "nl"),
        ("Eine Kollegin überzieht bei ihm ständig die Sitzungen.", "de"),
    ],
)
def test_a_colleagues_slip_is_not_the_practitioners(text, lang):
    assert not detect(text, lang)
