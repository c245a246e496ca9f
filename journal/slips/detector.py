"""Find boundary slips in a session note: the rules decide, every finding shows its evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from functools import lru_cache

import numpy as np

from . import meaning
from .categories import CATEGORIES, LANGUAGES
from .engine import NEGATION, REFUSAL, Engine, markers
from .language import detect_language_of_words
from .rules import rule_set
from .text import CLAUSE_RE, SEGMENT_RE, SENTENCE_RE, WORD_RE


@dataclass(frozen=True)
class Finding:
    """One possible slip and its evidence: ``text[start:end] == quote``.

    ``source`` is "rule" (a rule named the words; ``rule`` is its id) or "meaning" (the learned
    stage read it from the meaning of the clause; ``rule`` is "meaning.<category>" and ``score``
    its probability). What the principle says is looked up with ``explain`` where it is shown.
    """

    category: str
    start: int
    end: int
    quote: str
    rule: str
    lang: str
    source: str = "rule"
    score: float | None = None

    def as_flag(self) -> dict[str, object]:
        """The compact form used by the command line and the journal pages."""
        return {
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "rule": self.rule,
        }

    def as_dict(self) -> dict[str, object]:
        """Every field, for JSON."""
        return asdict(self)


def detect_language(text: str) -> str:
    """Best guess of the language of ``text`` among en/nl/de/fr (default 'en')."""
    return detect_language_of_words(WORD_RE.findall(text), lowered=False)


@lru_cache(maxsize=len(LANGUAGES))
def engine(lang: str) -> Engine:
    """One language's rules, compiled once per process."""
    return Engine(rule_set(lang))


@lru_cache(maxsize=len(LANGUAGES))
def _kept_whatever_the_meaning(lang: str) -> frozenset[str]:
    """The ids of the rules whose findings the learned stage does not drop."""
    return frozenset(rule.id for rule in rule_set(lang).rules if not rule.meaning_may_drop)


def _clauses(sentence: str) -> list[int]:
    """The clause number of every word of a sentence (commas, colons, brackets end clauses)."""
    numbers: list[int] = []
    for number, clause in enumerate(CLAUSE_RE.split(sentence)):
        numbers += [number] * len(WORD_RE.findall(clause))
    return numbers


def _segments(sentence: str) -> list[int] | None:
    """The part (between semicolons and colons) of every word, or None for a one-part sentence."""
    if ";" not in sentence and ":" not in sentence:
        return None
    numbers: list[int] = []
    for number, part in enumerate(SEGMENT_RE.split(sentence)):
        numbers += [number] * len(WORD_RE.findall(part))
    return numbers


# Words that leave a quote hanging ("from my own", "gave him a"): the quote is carried on to the
# next word of the clause, so that it ends with the noun the expression is about.
_DANGLING: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "my",
            "own",
            "his",
            "her",
            "their",
            "the",
            "a",
            "an",
            "some",
            "of",
            "from",
            "for",
            "to",
            "with",
            "at",
            "on",
            "in",
            "out",
            "about",
            "mine",
            "our",
            "your",
            "this",
            "that",
            "these",
            "those",
            "two",
            "few",
            "couple",
        ]
    ),
    "nl": frozenset(
        [
            "mijn",
            "eigen",
            "zijn",
            "haar",
            "hun",
            "de",
            "het",
            "een",
            "wat",
            "van",
            "voor",
            "met",
            "uit",
            "op",
            "aan",
            "over",
            "in",
            "naar",
            "bij",
            "ons",
            "onze",
            "die",
            "dat",
            "deze",
            "dit",
            "twee",
            "paar",
        ]
    ),
    "de": frozenset(
        [
            "mein",
            "meine",
            "meinen",
            "meinem",
            "meiner",
            "meines",
            "eigene",
            "eigenen",
            "eigenem",
            "eigener",
            "eigenes",
            "sein",
            "seine",
            "seinen",
            "seinem",
            "seiner",
            "ihr",
            "ihre",
            "ihren",
            "ihrem",
            "ihrer",
            "der",
            "die",
            "das",
            "den",
            "dem",
            "des",
            "ein",
            "eine",
            "einen",
            "einem",
            "einer",
            "von",
            "aus",
            "für",
            "mit",
            "zu",
            "zum",
            "zur",
            "über",
            "auf",
            "an",
            "in",
            "bei",
            "ein",
            "paar",
        ]
    ),
    "fr": frozenset(
        [
            "mon",
            "ma",
            "mes",
            "propre",
            "propres",
            "son",
            "sa",
            "ses",
            "leur",
            "leurs",
            "le",
            "la",
            "les",
            "l",
            "un",
            "une",
            "des",
            "de",
            "d",
            "du",
            "à",
            "au",
            "aux",
            "pour",
            "avec",
            "sur",
            "dans",
            "en",
            "par",
            "quelques",
        ]
    ),
}
_MAX_CARRY = 3


def _complete(sentence: str, spans, start: int, end: int, lang: str, clause_of) -> int:
    """Carry a quote that ends on a dangling word on to the noun, within its clause (cheap)."""
    dangling = _DANGLING[lang]
    if sentence[spans[end - 1][0] : spans[end - 1][1]].lower() not in dangling:
        return end
    limit = min(len(spans), end + _MAX_CARRY)
    new_end = end
    while new_end < limit:
        if clause_of[new_end] != clause_of[end - 1]:
            return end
        new_end += 1
        if sentence[spans[new_end - 1][0] : spans[new_end - 1][1]].lower() not in dangling:
            return new_end
    return end


@dataclass
class Sentence:
    """One sentence of a text: where it stands, its words, and what each stage found in it."""

    start: int
    text: str
    words: list[str]
    rule_findings: list[Finding]
    markers: tuple[int, ...] = (0, 0, 0, 0, 0)


def _check_langs(**langs: str | None) -> None:
    for name, value in langs.items():
        if value is not None and value not in LANGUAGES:
            raise ValueError(f"unknown {name} {value!r}; expected one of {LANGUAGES}")


def read(text: str, lang: str | None = None) -> tuple[str, list[Sentence]]:
    """Split ``text`` into sentences and run the rules: the language and every sentence with
    its rule findings (evidence: the words the rule matched, carried on to their noun)."""
    _check_langs(lang=lang)
    findall = WORD_RE.findall
    matches = list(SENTENCE_RE.finditer(text))
    words_of = [findall(m.group()) for m in matches]
    if lang is None:
        lang = detect_language_of_words([w for words in words_of for w in words], lowered=False)
    clause_cache: dict[int, list[int]] = {}

    def clauses_of(number: int) -> list[int]:
        found = clause_cache.get(number)
        if found is None:
            found = clause_cache[number] = _clauses(matches[number].group())
        return found

    hits = engine(lang).note(
        words_of, clauses_of, lambda number: _segments(matches[number].group())
    )
    found_in: dict[int, list[Finding]] = {}
    for number, rule, start, end in hits:
        sentence = matches[number].group()
        spans = [m.span() for m in WORD_RE.finditer(sentence)]
        end = _complete(sentence, spans, start, end, lang, clauses_of(number))
        offset = matches[number].start()
        char_start, char_end = offset + spans[start][0], offset + spans[end - 1][1]
        found_in.setdefault(number, []).append(
            Finding(
                category=rule.category,
                start=char_start,
                end=char_end,
                quote=text[char_start:char_end],
                rule=rule.id,
                lang=lang,
            )
        )
    sentences = [
        Sentence(m.start(), m.group(), words, found_in.get(number, []))
        for number, (m, words) in enumerate(zip(matches, words_of, strict=True))
        if words
    ]
    return lang, sentences


def rule_hits(findings: list[Finding]) -> np.ndarray:
    """The categories among ``findings`` as a 0/1 row in CATEGORIES order."""
    row = np.zeros(len(CATEGORIES), dtype=np.float32)
    for finding in findings:
        row[CATEGORIES.index(finding.category)] = 1.0
    return row


def units(lang: str, sentences: list[Sentence]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """What the learned stage reads: every sentence, then every pair of neighbouring sentences
    (a crossing told across two sentences), with the rules' categories and the marker signals
    of each. Returns the unit texts, their rule hits (n, C) and their markers (n, 5)."""
    eng = engine(lang)
    for sentence in sentences:
        sentence.markers = markers(eng, sentence.words)
    texts = [s.text.strip() for s in sentences]
    hits = [rule_hits(s.rule_findings) for s in sentences]
    signals = [np.array(s.markers, dtype=np.float32) for s in sentences]
    for first, second in zip(sentences, sentences[1:], strict=False):
        texts.append(f"{first.text.strip()} {second.text.strip()}")
        hits.append(np.maximum(rule_hits(first.rule_findings), rule_hits(second.rule_findings)))
        signals.append(np.maximum(np.array(first.markers), np.array(second.markers)))
    if not texts:
        empty = np.zeros((0, len(CATEGORIES)), dtype=np.float32)
        return [], empty, np.zeros((0, len(meaning.MARKERS)), dtype=np.float32)
    return texts, np.stack(hits).astype(np.float32), np.stack(signals).astype(np.float32)


def decide(
    model: meaning.MeaningModel, probabilities: np.ndarray, sentences: list[Sentence]
) -> list[tuple[int, str]]:
    """Which (sentence number, category) the combined stages flag.

    A sentence is flagged when its own probability reaches the category's threshold. A pair of
    neighbours reaching it flags the likelier of its two sentences when neither did alone. A
    sentence whose next sentence refuses or negates, while the pair stays below the threshold,
    is not flagged: "He asked me for twenty euros. I said no."
    """
    count = len(sentences)
    own, pairs = probabilities[:count], probabilities[count:]
    thresholds, _ = model.bars(count)
    flagged = own >= thresholds
    for i in range(count - 1):
        nxt = sentences[i + 1].markers
        if nxt[0] or nxt[2]:
            flagged[i] &= pairs[i] >= thresholds
    chosen = {(i, CATEGORIES[c]) for i, c in zip(*np.nonzero(flagged), strict=True)}
    for i in range(count - 1):
        for c in np.nonzero(pairs[i] >= thresholds)[0]:
            if not (flagged[i, c] or flagged[i + 1, c]):
                j = i if own[i, c] >= own[i + 1, c] else i + 1
                chosen.add((j, CATEGORIES[c]))
    return sorted(chosen)


def _learned_clause(
    model: meaning.MeaningModel, lang: str, sentence: Sentence, category: str
) -> tuple[float, tuple[int, ...]]:
    """The clause of the sentence a learned finding rests on: its probability and the rules'
    marker signals in it (remembered per sentence, like everything the model reads)."""
    key = ("clause", lang, sentence.text, category)
    found = model.places.get(key)
    if found is None:
        found = _read_clauses(model, lang, sentence, category)
        model.places.put(key, found)
    return found


def _read_clauses(
    model: meaning.MeaningModel, lang: str, sentence: Sentence, category: str
) -> tuple[float, tuple[int, ...]]:
    eng = engine(lang)
    index = CATEGORIES.index(category)
    parts = []
    position = 0
    for piece in CLAUSE_RE.split(sentence.text):
        begin = sentence.text.index(piece, position)
        position = begin + len(piece)
        stripped = piece.strip()
        words = WORD_RE.findall(stripped)
        if len(words) >= 3:
            lead = len(piece) - len(piece.lstrip())
            parts.append((begin + lead, begin + lead + len(stripped), stripped, words))
    if len(parts) <= 1:
        return -1.0, sentence.markers
    hits = np.zeros((len(parts), len(CATEGORIES)), dtype=np.float32)
    for row, (begin, end, _, _) in enumerate(parts):
        for finding in sentence.rule_findings:
            if sentence.start + begin <= finding.start < sentence.start + end:
                hits[row, CATEGORIES.index(finding.category)] = 1.0
    signals = np.array([markers(eng, p[3]) for p in parts], dtype=np.float32)
    scores = model.probabilities([p[2] for p in parts], hits, signals)[:, index]
    best = int(np.argmax(scores))
    return float(scores[best]), tuple(int(x) for x in signals[best])


# A learned finding is highlighted by the run of 3 to 12 words of its sentence that the locator
# (trained on the phrases writers marked) scores best: the phrase, not the whole sentence.
QUOTE_WINDOWS = range(3, 13)


def word_windows(
    text: str, offset: int, sizes: range = QUOTE_WINDOWS
) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
    """Every run of ``sizes`` words of ``text`` as (start, end, its words' spans), positions
    counted from ``offset``; a text shorter than the smallest size is one run."""
    words = [(offset + a, offset + b) for a, b in (m.span() for m in WORD_RE.finditer(text))]
    if not words:
        return []
    if len(words) < sizes.start:
        return [(words[0][0], words[-1][1], tuple(words))]
    return [
        (words[i][0], words[i + size - 1][1], tuple(words[i : i + size]))
        for size in sizes
        if size <= len(words)
        for i in range(len(words) - size + 1)
    ]


def _place(
    model: meaning.MeaningModel, sentence: Sentence, category: str, lang: str
) -> tuple[int, int, float]:
    """The run of words of ``sentence`` that quotes the crossing best, by the locator: its
    start, end and locator score (remembered per sentence and category). A run that ends on a
    dangling word is carried on to its noun, as a rule's phrase is ("a tenner for" -> "a tenner
    for the bus")."""
    key = ("place", lang, sentence.text, category)
    found = model.places.get(key)
    if found is None:
        windows = word_windows(sentence.text, 0)
        scores = model.locate_scores(
            [sentence.text[a:b] for a, b, _ in windows], CATEGORIES.index(category)
        )
        best = int(np.argmax(scores))
        start, end, words = windows[best]
        spans = [m.span() for m in WORD_RE.finditer(sentence.text)]
        first = spans.index(words[0])
        last = _complete(
            sentence.text, spans, first, first + len(words), lang, _clauses(sentence.text)
        )
        found = (start, spans[last - 1][1], float(scores[best]))
        model.places.put(key, found)
    start, end, score = found
    return sentence.start + start, sentence.start + end, score


def _phrase_score(model: meaning.MeaningModel, quote: str, category: str) -> float:
    """The locator's score of a rule's phrase: how closely it matches what a writer would mark."""
    key = ("phrase", quote, category)
    found = model.places.get(key)
    if found is None:
        found = float(model.locate_scores([quote], CATEGORIES.index(category))[0])
        model.places.put(key, found)
    return found


def detect(
    text: str,
    lang: str | None = None,
    *,
    learned: bool = True,
    model: meaning.MeaningModel | None = None,
) -> list[Finding]:
    """The possible boundary slips in ``text`` (a sentence or a whole entry), by position.

    The rules find what they name, with the words as evidence. When the learned model is
    installed (and ``learned``), it reads every sentence and every pair of neighbours, drops
    rule findings the meaning contradicts and adds what no rule named. Each category found is
    shown once per text, by its most specific phrase.
    ``lang`` is the language of the text (detected when None); ``model`` replaces the committed
    model (cross-validation).
    """
    lang, sentences = read(text, lang)
    if learned and model is None:
        model = meaning.model()
    elif not learned:
        model = None
    if model is None or not sentences:
        return _by_position(_one_per_category(f for s in sentences for f in s.rule_findings))
    texts, hits, signals = units(lang, sentences)
    probabilities = model.probabilities(texts, hits, signals)
    # A rule finding stays unless every unit its sentence stands in scores below the category's
    # veto bar (the rules carry their own negation, refusal and request logic; the bar drops
    # what the meaning clearly contradicts). The learned stage adds what no rule named.
    count = len(sentences)
    thresholds, vetoes = model.bars(count)
    support = probabilities[:count].copy()
    pairs = probabilities[count:]
    if count > 1:
        support[:-1] = np.maximum(support[:-1], pairs)
        support[1:] = np.maximum(support[1:], pairs)
    # One highlight per category and text, so the writer sees one clear place. The places the
    # stages point at (each rule phrase the meaning does not contradict, and the learned stage's
    # run of words in its likeliest sentence) compete: first the sentence the combined stages
    # read the category in most strongly (the locator never learned which sentence holds a
    # crossing, only which words in it), then within it the locator's score, the rule's phrase
    # and the locator's own run of words on equal terms (a rule's phrase wins a tie). A head
    # start for the rule's phrase put fewer highlights on the phrase writers marked, on average
    # over three retired blind batches scored with the models that had not learned from them
    # (README, "Evidence: one highlight per category", has the figures per batch).
    offers: dict[str, tuple[tuple[float, float, bool], Finding]] = {}

    def offer(number: int, score: float, finding: Finding) -> None:
        rank = (
            float(support[number, CATEGORIES.index(finding.category)]),
            score,
            finding.source == "rule",
        )
        best = offers.get(finding.category)
        if best is None or rank > best[0]:
            offers[finding.category] = (rank, finding)

    phrases: list[Finding] = []
    kept = _kept_whatever_the_meaning(lang)
    for number, sentence in enumerate(sentences):
        for finding in sentence.rule_findings:
            c = CATEGORIES.index(finding.category)
            if support[number, c] < vetoes[c] and finding.rule not in kept:
                continue
            if _taken_back(sentences, number, pairs, thresholds, c):
                continue
            phrases.append(finding)
            offer(number, _phrase_score(model, finding.quote, finding.category), finding)
    suggestions: dict[str, tuple[float, int]] = {}
    for number, category in decide(model, probabilities, sentences):
        probability = float(probabilities[number, CATEGORIES.index(category)])
        clause_score, clause_markers = _learned_clause(model, lang, sentences[number], category)
        if any(clause_markers):
            # The learned stage proposes, the rules' logic vets: a clause that negates, refuses,
            # reports a request, plans or names what was done instead is no finding of its own
            # ("nicht aus meiner Tasche", "he asked for my number").
            continue
        score = round(max(probability, clause_score), 3)
        if category not in suggestions or score > suggestions[category][0]:
            suggestions[category] = (score, number)
    for category, (score, number) in suggestions.items():
        start, end, place_score = _place(model, sentences[number], category, lang)
        offer(
            number,
            place_score,
            Finding(
                category=category,
                start=start,
                end=end,
                quote=text[start:end],
                rule=f"meaning.{category}",
                lang=lang,
                source="meaning",
                score=score,
            ),
        )
    return _by_position(_widen(text, f, phrases) for _, f in offers.values())


def _taken_back(sentences, number: int, pairs, thresholds, c: int) -> bool:
    """Whether the next sentence refuses or negates what this one names and the pair of them
    does not read as the crossing: "I almost gave her my number. I did not." """
    if number + 1 >= len(sentences):
        return False
    following = sentences[number + 1].markers
    return bool(following[NEGATION] or following[REFUSAL]) and pairs[number, c] < thresholds[c]


def _widen(text: str, finding: Finding, phrases: list[Finding]) -> Finding:
    """A suggestion's run of words that overlaps a rule's phrase of its category is that rule's
    finding, highlighted over both ("a fiver from my own" and "fiver from my own purse" ->
    "a fiver from my own purse"): the rule named the words, and the run is where writers would
    mark the crossing (with it, more highlights fell on their phrase on whole entries of new
    writing; the README has the figures)."""
    if finding.source != "meaning":
        return finding
    overlapping = [
        p
        for p in phrases
        if p.category == finding.category and p.start < finding.end and finding.start < p.end
    ]
    if not overlapping:
        return finding
    start = min(finding.start, *(p.start for p in overlapping))
    end = max(finding.end, *(p.end for p in overlapping))
    return replace(overlapping[0], start=start, end=end, quote=text[start:end])


def _one_per_category(findings) -> list[Finding]:
    """Without the locator, the shortest phrase of each category (the most specific one)."""
    best: dict[str, Finding] = {}
    for finding in findings:
        held = best.get(finding.category)
        if held is None or finding.end - finding.start < held.end - held.start:
            best[finding.category] = finding
    return list(best.values())


def _by_position(findings) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.start, f.end, f.category))
