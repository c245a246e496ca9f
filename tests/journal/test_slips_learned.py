"""The detector's learned stage: trained from the committed corpus, marked, deterministic, cheap to
re-run while typing, and safe under threads."""

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from journal.slips import CATEGORIES, LANGUAGES, corpus, detect, detector, meaning
from journal.slips.detector import QUOTE_WINDOWS, _place, read, word_windows
from journal.slips.text import WORD_RE

HISTORY = Path(__file__).resolve().parents[2] / "bench" / "slips_history.json"


def test_model_was_trained_on_the_committed_corpus():
    """A corpus changed without `make train-detector` fails here."""
    model = meaning.load()
    assert model is not None, "journal/slips/model/meaning.npz is missing: make train-detector"
    assert model.corpus_sha256 == meaning.corpus_sha256(corpus.training_files())
    assert model.categories == CATEGORIES
    assert model.hidden_w.shape[0] == meaning.DIMENSIONS
    assert model.embed_w.shape == (model.hidden_w.shape[1], len(CATEGORIES))
    assert model.combine_w.shape == (3 * len(CATEGORIES) + len(meaning.MARKERS), len(CATEGORIES))
    for length in (1, meaning.LONG_TEXT_SENTENCES):
        thresholds, vetoes = model.bars(length)
        assert all(0 <= v <= t for v, t in zip(vetoes, thresholds, strict=True))
        assert all(0 < t < 1 for t in thresholds)


def test_saved_model_loads_back_identically(tmp_path):
    model = meaning.load()
    path = tmp_path / "copy.npz"
    model.save(path)
    again = meaning.load(path)
    assert (again.embed_w == model.embed_w).all() and (again.thresholds == model.thresholds).all()
    assert again.corpus_sha256 == model.corpus_sha256
    assert path.read_bytes() == meaning.MODEL_PATH.read_bytes()


def test_the_blind_batches_are_never_training_data_until_retired():
    training = {p.resolve() for p in corpus.training_files()}
    unretired = corpus.unretired_batches()
    assert unretired
    assert not training & {p.resolve() for p in unretired}
    assert {p.resolve() for p in corpus.retired_files()} <= training


def test_only_batches_scored_before_the_newest_are_retired():
    history = json.loads(HISTORY.read_text())
    names = [p.stem for p in corpus.blind_batches()]
    # The newest batch (the headline) is never learned from, and a retired batch was first
    # scored before it became training data.
    assert names[-1] not in corpus.RETIRED
    for name in corpus.RETIRED:
        assert name in names and "untuned" in history[name], name


@pytest.mark.parametrize("batch", corpus.blind_batches(), ids=lambda p: p.stem)
def test_each_blind_batch_is_large_and_varied_enough(batch):
    rows = corpus.blind(batch)
    for lang in LANGUAGES:
        passages = [r for r in rows if r.lang == lang and r.kind == "passage"]
        entries = [r for r in rows if r.lang == lang and r.kind == "entry"]
        assert len(passages) >= 150 and len(entries) >= 40
        assert sum(not r.labels for r in passages) / len(passages) >= 0.40
        covered = Counter(label for r in passages for label in r.labels)
        assert set(covered) == set(CATEGORIES)
    for row in rows:
        # A crossing made twice in one text may be quoted twice; every label has its quote.
        assert {category for category, _ in row.evidence} == set(row.labels), row.id
        for category, quote in row.evidence:
            assert category in row.labels and quote in row.text


@pytest.mark.parametrize(
    "judged",
    sorted((corpus.DATA_DIR / "slips" / "judged").glob("*.jsonl")),
    ids=lambda p: p.stem,
)
def test_judged_highlights_belong_to_their_blind_batch(judged):
    """Judges' verdicts (bench/slips_bench.py, "Evidence judged by readers") name highlights of
    a blind batch: a real text, a span inside it, a category it shows; a control never touches
    a phrase its writer marked."""
    rows = {r.id: r for r in corpus.blind(corpus.BLIND_DIR / judged.name)}
    verdicts = [json.loads(line) for line in judged.read_text().splitlines() if line.strip()]
    assert {v["kind"] for v in verdicts} == {"passage", "entry", "control"}
    for v in verdicts:
        row = rows[v["id"]]
        assert v["verdict"] in ("on", "off") and v["category"] in row.labels
        assert 0 <= v["start"] < v["end"] <= len(row.text)
        if v["kind"] == "control":
            marked = [s for c, _ in row.evidence for s in corpus.evidence_spans(row, c)]
            assert not any(a < v["end"] and v["start"] < b for a, b in marked), v
        else:
            assert v["kind"] == row.kind


def test_dev_rows_have_evidence_inside_their_text():
    for row in corpus.dev():
        for category, quote in row.evidence:
            assert category in row.labels and quote in row.text, row.id


def test_without_the_learned_stage_only_rules_speak():
    text = "I lent him twenty euros. Then we talked about his week."
    findings = detect(text, "en", learned=False)
    assert [f.source for f in findings] == ["rule"]


def test_rule_findings_are_kept_by_the_combined_detector():
    text = "I lent him twenty euros. Then we talked about his week."
    assert ("giving_money", "rule") in {(f.category, f.source) for f in detect(text, "en")}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I told her I'll fix everything, she can just focus on the kids.", "en"),
        ("Ik heb haar gezegd: ik regel alles, jij hoeft nergens aan te denken.", "nl"),
        ("Ich habe ihr gesagt: ich kümmere mich um alles, Sie brauchen nichts zu tun.", "de"),
        ("Je lui ai dit : je m'occupe de tout, vous n'avez plus à vous en faire.", "fr"),
    ],
)
def test_the_meaning_drops_no_finding_of_a_rule_it_may_not_drop(text, lang):
    """With every veto bar out of reach, an ordinary rule's finding is dropped and a promise
    rule's (``meaning_may_drop: false``) stays."""
    model = meaning.load()
    strict = replace(
        model, vetoes=np.ones_like(model.vetoes), long_vetoes=np.ones_like(model.long_vetoes)
    )
    lent = {
        "en": "I lent him twenty euros.",
        "nl": "Ik heb hem twintig euro geleend.",
        "de": "Ich habe ihm zwanzig Euro geliehen.",
        "fr": "Je lui ai prêté vingt euros.",
    }
    assert "giving_money" in {f.category for f in detect(lent[lang], lang, learned=False)}
    assert "giving_money" not in {
        f.category for f in detect(lent[lang], lang, model=strict) if f.source == "rule"
    }
    kept = [f for f in detect(text, lang, model=strict) if f.source == "rule"]
    assert [f.category for f in kept] == ["over_accommodating"]
    assert kept[0].rule in detector._kept_whatever_the_meaning(lang)


def test_learned_findings_say_where_they_come_from_and_repeat_exactly():
    texts = [row.text for row in corpus.dev() if row.kind == "entry"][:40]
    runs = [[detect(text) for text in texts] for _ in range(2)]
    assert runs[0] == runs[1]
    learned = [f for findings in runs[0] for f in findings if f.source == "meaning"]
    assert learned, "the learned stage found nothing in 40 dev entries"
    for finding, text in ((f, t) for t, fs in zip(texts, runs[0], strict=True) for f in fs):
        assert text[finding.start : finding.end] == finding.quote
    for findings in runs[0]:
        categories = [f.category for f in findings]
        assert len(categories) == len(set(categories)), "one highlight per category and text"
    for finding in learned:
        assert finding.rule == f"meaning.{finding.category}"
        assert 0 < finding.score <= 1
        # A learned highlight is a phrase of its sentence, not the sentence.
        assert len(WORD_RE.findall(finding.quote)) <= QUOTE_WINDOWS.stop - 1 + detector._MAX_CARRY


@pytest.mark.parametrize(
    ("taken_back", "acted", "lang"),
    [
        (
            "I wondered about giving her my private number. I did not do it.",
            "I gave her my private number. She has not called yet.",
            "en",
        ),
        (
            "Ik dacht erover haar mijn privénummer te geven. Dat heb ik niet gedaan.",
            "Ik heb haar mijn privénummer gegeven. Ze heeft nog niet gebeld.",
            "nl",
        ),
        (
            "Ich wollte ihr schon meine private Handynummer geben. Ich habe es nicht getan.",
            "Ich habe ihr meine private Handynummer gegeben. Sie hat noch nicht angerufen.",
            "de",
        ),
        (
            "Je pensais lui donner mon numéro perso pour le soir. Je ne l'ai pas fait.",
            "Je lui ai donné mon numéro perso pour le soir. Elle ne l'a pas encore utilisé.",
            "fr",
        ),
    ],
)
def test_a_match_the_next_sentence_takes_back_is_dropped(taken_back, acted, lang):
    """The rules read one sentence; the next one saying it did not happen takes the match back
    when the two together do not read as the crossing. A crossing followed by an unrelated
    negation stays."""
    assert [f.category for f in detect(taken_back, lang, learned=False)] == ["out_of_hours"]
    assert detect(taken_back, lang) == []
    assert [(f.category, f.source) for f in detect(acted, lang)] == [("out_of_hours", "rule")]


@pytest.mark.parametrize("learned", [False, True])
def test_a_category_found_twice_is_highlighted_once(learned):
    text = "I lent him twenty euros. Later I gave him ten euros for the bus."
    _, sentences = read(text, "en")
    assert [f.category for s in sentences for f in s.rule_findings] == ["giving_money"] * 2
    findings = detect(text, "en", learned=learned)
    assert [f.category for f in findings] == ["giving_money"]
    # One of the two phrases, whole, within its sentence (with the learned stage, the run of
    # words around it where writers would mark it).
    assert any(findings[0].quote in sentence for sentence in text.split(". "))
    assert any(p in findings[0].quote for p in ("lent him twenty euros", "I gave him ten euros"))
    assert findings[0].rule.startswith("en.money.")


@pytest.mark.parametrize(
    ("text", "lang", "phrase"),
    [
        ("Accepted his friend request on Facebook after the session.", "en", "friend request"),
        ("Topped up her phone with a fiver from my own purse.", "en", "fiver from my own purse"),
        ("Ik heb hem twintig euro geleend.", "nl", "twintig euro geleend"),
    ],
)
def test_a_highlight_that_overlaps_a_rule_phrase_takes_the_whole_phrase_in(text, lang, phrase):
    """The rule's phrase and the locator's run of words compete on the locator's score; a run
    that overlaps the phrase is widened to cover it, so it never stops short of the words the
    rule named ("a fiver from my own" gets its "purse")."""
    model = meaning.load()
    [finding] = detect(text, lang, model=model)
    at = text.index(phrase)
    assert finding.start <= at and at + len(phrase) <= finding.end
    assert finding.quote == text[finding.start : finding.end]


def test_widening_takes_in_overlapping_phrases_of_the_same_category_only():
    text = "Topped up her phone with a fiver from my own purse, then lent him my car."
    run = detector.Finding(
        "giving_money", 0, 44, text[:44], "meaning.giving_money", "en", "meaning", 0.9
    )
    purse = detector.Finding("giving_money", 25, 50, text[25:50], "en.money.own_pocket", "en")
    car = detector.Finding("dual_relationship", 30, 72, text[30:72], "en.dual.lend", "en")
    widened = detector._widen(text, run, [purse, car])
    assert (widened.start, widened.end, widened.quote) == (0, 50, text[:50])
    # The rule named the words: the finding is the rule's, its principle and field counts too.
    assert (widened.source, widened.rule) == ("rule", "en.money.own_pocket")
    # A rule's own finding, and a run no phrase of its category overlaps, stay as they are.
    assert detector._widen(text, purse, [purse, car]) is purse
    far = detector.Finding(
        "giving_money", 55, 72, text[55:72], "meaning.giving_money", "en", "meaning"
    )
    assert detector._widen(text, far, [purse, car]) is far


def test_a_second_check_with_one_sentence_changed_recomputes_only_that_sentence(monkeypatch):
    model = meaning.load()  # nothing remembered yet
    read_texts, located = [], []
    ngram_scores, locate_scores = (
        meaning.MeaningModel.ngram_scores,
        meaning.MeaningModel.locate_scores,
    )

    def counting_ngram_scores(self, texts):
        read_texts.extend(texts)
        return ngram_scores(self, texts)

    def counting_locate_scores(self, texts, category):
        located.extend(texts)
        return locate_scores(self, texts, category)

    monkeypatch.setattr(meaning.MeaningModel, "ngram_scores", counting_ngram_scores)
    monkeypatch.setattr(meaning.MeaningModel, "locate_scores", counting_locate_scores)
    base = (
        "Gave him twenty euros from my own wallet for the bus. We talked about his week. "
        "Accepted his friend request on Facebook after the session. We planned the next steps."
    )
    first = detect(base, "en", model=model)
    assert {f.category for f in first} == {"giving_money", "dual_relationship"}
    assert len(read_texts) >= 7  # four sentences and three pairs
    assert any("wallet" in t for t in located) and any("Facebook" in t for t in located)
    read_texts.clear()
    located.clear()
    changed = base.replace("on Facebook", "on Instagram")
    second = detect(changed, "en", model=model)
    assert {f.category for f in second} == {"giving_money", "dual_relationship"}
    # The changed sentence and the two pairs it stands in; the locator only inside it.
    assert len(read_texts) == 3 and all("Instagram" in t for t in read_texts)
    assert located and all(
        t in "Accepted his friend request on Instagram after the session." for t in located
    )
    assert detect(changed, "en", model=meaning.load()) == second


def test_a_long_text_is_read_with_the_long_text_bars():
    model = meaning.load()
    short, long = model.bars(1), model.bars(meaning.LONG_TEXT_SENTENCES)
    assert model.bars(meaning.LONG_TEXT_SENTENCES - 1)[0] is short[0]
    assert long[0] is model.long_thresholds and long[1] is model.long_vetoes


def test_the_locator_highlights_the_phrase_that_carries_the_crossing():
    model = meaning.load()
    text = (
        "After the meeting at the job centre about his benefits and the rent arrears "
        "I gave him twenty euros from my own wallet for the bus"
    )
    _, sentences = read(text, "en")
    start, end, _ = _place(model, sentences[0], "giving_money", "en")
    quote = text[start:end]
    assert len(WORD_RE.findall(quote)) <= QUOTE_WINDOWS.stop - 1 + detector._MAX_CARRY
    assert "euros" in quote or "wallet" in quote
    assert "job centre" not in quote
    short = "Gave money."
    _, sentences = read(short, "en")
    assert _place(model, sentences[0], "giving_money", "en")[:2] == (0, 10)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I gave him a tenner for the bus.", "en"),
        ("I gave him a tenner from my own wallet for the bus.", "en"),
        ("Ik heb haar twintig euro uit eigen zak geleend voor de bus.", "nl"),
        ("Je lui ai prêté vingt euros de ma poche pour son ticket de bus.", "fr"),
        ("Ich habe ihm zwanzig Euro aus meiner eigenen Tasche für den Bus gegeben.", "de"),
    ],
)
def test_a_highlight_does_not_stop_on_a_dangling_word(text, lang):
    """A run of words the locator picks is carried on to its noun, as a rule's phrase is: never
    "a tenner for" or "geleend voor de" while the clause goes on."""
    [finding] = detect(text, lang)
    words = WORD_RE.findall(finding.quote)
    rest = WORD_RE.findall(text[finding.end :])
    assert not rest or words[-1].lower() not in detector._DANGLING[lang], finding.quote


def test_word_windows_cover_every_run_of_words_once():
    text = "one two three four five"
    windows = word_windows(text, 100, range(3, 5))
    assert [(a - 100, b - 100) for a, b, _ in windows] == [
        (0, 13),
        (4, 18),
        (8, 23),
        (0, 18),
        (4, 23),
    ]
    assert windows[0][2] == ((100, 103), (104, 107), (108, 113))
    assert word_windows("just two", 0) == [(0, 8, ((0, 4), (5, 8)))]
    assert word_windows("...", 0) == []


def test_typing_re_encodes_only_the_sentences_that_changed(monkeypatch):
    encoder = meaning.Encoder()
    encoder._model = meaning.encoder()._use()  # the process's loaded model, a fresh empty cache
    calls = []
    original = encoder._use

    def counting_use():
        model = original()

        class Counting:
            def encode(self, texts):
                calls.extend(texts)
                return model.encode(texts)

        return Counting()

    monkeypatch.setattr(encoder, "_use", counting_use)
    monkeypatch.setattr(meaning, "encoder", lambda: encoder)
    model = meaning.load()  # nothing remembered yet
    base = "We met at the office. He talked about his week. We planned the next steps."
    detect(base, "en", model=model)
    first = len(calls)
    calls.clear()
    detect(base.replace("his week", "his weekend"), "en", model=model)
    # The changed sentence and the two pairs it stands in; never the untouched sentences.
    assert first >= 5  # three sentences and two pairs
    assert 0 < len(calls) <= 3
    assert "We met at the office." not in calls


def test_concurrent_checks_from_several_threads_agree():
    texts = [
        "Ich habe ihm zwanzig Euro aus eigener Tasche geliehen.",
        "Je lui ai donné mon numéro privé.",
        "Ik heb haar formulier helemaal zelf ingevuld.",
        "I lent him twenty euros.",
    ] * 8
    expected = [detect(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(detect, texts))
    assert results == expected


def test_the_locator_learns_how_closely_each_run_matches_the_marked_phrase():
    pytest.importorskip("sklearn")
    from journal.slips.corpus import Row
    from journal.slips.training import locator_windows

    row = Row(
        id="t-1",
        lang="en",
        text="We met at the office. I lent him twenty euros for the bus.",
        labels=("giving_money",),
        kind="passage",
        split="dev",
        evidence=(("giving_money", "lent him twenty euros"),),
        source="t.jsonl",
    )
    texts, categories, targets = locator_windows([row])
    # Only the sentence holding the phrase gives runs; the exact phrase scores 1.
    assert all("office" not in text for text in texts)
    assert set(categories.tolist()) == {CATEGORIES.index("giving_money")}
    assert targets[texts.index("lent him twenty euros")] == 1.0
    assert targets[texts.index("I lent him")] == pytest.approx(2 / 5)
    assert targets[texts.index("for the bus")] == 0.0
