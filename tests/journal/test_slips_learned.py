"""The detector's learned stage: trained from the committed corpus, marked, deterministic, cheap to
re-run while typing, and safe under threads."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from journal.slips import CATEGORIES, LANGUAGES, corpus, detect, meaning
from journal.slips.detector import QUOTE_WORDS, _narrow
from journal.slips.text import WORD_RE


def test_model_was_trained_on_the_committed_corpus():
    """A corpus changed without `make train-detector` fails here."""
    model = meaning.load()
    assert model is not None, "journal/slips/model/meaning.npz is missing: make train-detector"
    assert model.corpus_sha256 == meaning.corpus_sha256(corpus.training_files())
    assert model.categories == CATEGORIES
    assert model.embed_w.shape == (meaning.DIMENSIONS, len(CATEGORIES))
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


def test_the_blind_batches_are_never_training_data():
    training = {p.resolve() for p in corpus.training_files()}
    assert corpus.blind_batches()
    assert not training & {p.resolve() for p in corpus.blind_batches()}


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
        assert len(row.evidence) == len(row.labels)
        for category, quote in row.evidence:
            assert category in row.labels and quote in row.text


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


def test_learned_findings_say_where_they_come_from_and_repeat_exactly():
    texts = [row.text for row in corpus.dev() if row.kind == "entry"][:40]
    runs = [[detect(text) for text in texts] for _ in range(2)]
    assert runs[0] == runs[1]
    learned = [f for findings in runs[0] for f in findings if f.source == "meaning"]
    assert learned, "the learned stage found nothing in 40 dev entries"
    for finding, text in ((f, t) for t, fs in zip(texts, runs[0], strict=True) for f in fs):
        assert text[finding.start : finding.end] == finding.quote
    for finding in learned:
        assert finding.rule == f"meaning.{finding.category}"
        assert 0 < finding.score <= 1
        # A learned highlight is the phrase in the clause, not the clause.
        assert len(WORD_RE.findall(finding.quote)) <= QUOTE_WORDS


def test_a_long_text_is_read_with_the_long_text_bars():
    model = meaning.load()
    short, long = model.bars(1), model.bars(meaning.LONG_TEXT_SENTENCES)
    assert model.bars(meaning.LONG_TEXT_SENTENCES - 1)[0] is short[0]
    assert long[0] is model.long_thresholds and long[1] is model.long_vetoes


def test_narrowing_keeps_the_words_that_weigh_most():
    model = meaning.load()
    text = (
        "After the meeting at the job centre about his benefits and the rent arrears "
        "I gave him twenty euros from my own wallet for the bus"
    )
    start, end = _narrow(model, text, 0, len(text), "giving_money")
    assert len(WORD_RE.findall(text[start:end])) <= QUOTE_WORDS
    assert "euros" in text[start:end] or "wallet" in text[start:end]
    assert _narrow(model, "I gave him money", 0, 16, "giving_money") == (0, 16)


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
    base = "We met at the office. He talked about his week. We planned the next steps."
    detect(base, "en")
    first = len(calls)
    calls.clear()
    detect(base.replace("his week", "his weekend"), "en")
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
