"""Find boundary slips in a session note: the rules decide, every finding shows its evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

from .categories import LANGUAGES
from .engine import Engine
from .language import detect_language_of_words
from .principles import Explanation, explain
from .rules import rule_set
from .text import CLAUSE_RE, SEGMENT_RE, SENTENCE_RE, WORD_RE


@dataclass(frozen=True)
class Finding:
    """One possible slip: where it is (``text[start:end] == quote``), which rule saw it, and why."""

    category: str
    start: int
    end: int
    quote: str
    rule: str
    lang: str
    principle: str
    question: str
    ui_lang: str
    ui_principle: str
    ui_question: str

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


@lru_cache(maxsize=64)
def _explanations(category: str, lang: str, ui_lang: str) -> tuple[Explanation, Explanation]:
    return explain(category, lang), explain(category, ui_lang)


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


# A quote shows the whole clause its evidence stands in, up to this many words either side.
_QUOTE_REACH = 12


def _clause_span(clause_of: list[int], start: int, end: int) -> tuple[int, int]:
    """Widen evidence words [start, end) to the clause(s) they stand in (bounded)."""
    first, last = clause_of[start], clause_of[end - 1]
    low = max(0, start - _QUOTE_REACH)
    while start > low and clause_of[start - 1] == first:
        start -= 1
    high = min(len(clause_of), end + _QUOTE_REACH)
    while end < high and clause_of[end] == last:
        end += 1
    return start, end


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


def detect(text: str, lang: str | None = None, *, ui_lang: str | None = None) -> list[Finding]:
    """Return the possible boundary slips in ``text``, ordered by position.

    ``lang`` is the language of the text (detected when None); ``ui_lang`` is the language of
    the user interface, used for ``ui_principle`` and ``ui_question`` (defaults to ``lang``).
    """
    for name, value in (("lang", lang), ("ui_lang", ui_lang)):
        if value is not None and value not in LANGUAGES:
            raise ValueError(f"unknown {name} {value!r}; expected one of {LANGUAGES}")
    findall = WORD_RE.findall
    sentences = SENTENCE_RE.findall(text)
    words_of = [findall(sentence) for sentence in sentences]
    if lang is None:
        lang = detect_language_of_words([w for words in words_of for w in words], lowered=False)
    ui_lang = ui_lang or lang
    clause_cache: dict[int, list[int]] = {}

    def clauses_of(number: int) -> list[int]:
        found = clause_cache.get(number)
        if found is None:
            found = clause_cache[number] = _clauses(sentences[number])
        return found

    hits = engine(lang).note(words_of, clauses_of, lambda number: _segments(sentences[number]))
    if not hits:
        return []
    offsets = [m.start() for m in SENTENCE_RE.finditer(text)]
    spans_of: dict[int, list[tuple[int, int]]] = {}
    findings = []
    for number, rule, start, end in hits:
        spans = spans_of.get(number)
        if spans is None:
            spans = spans_of[number] = [m.span() for m in WORD_RE.finditer(sentences[number])]
        clause_of = clauses_of(number)
        end = _complete(sentences[number], spans, start, end, lang, clause_of)
        start, end = _clause_span(clause_of, start, end)
        offset = offsets[number]
        char_start = offset + spans[start][0]
        char_end = offset + spans[end - 1][1]
        here, there = _explanations(rule.category, lang, ui_lang)
        findings.append(
            Finding(
                category=rule.category,
                start=char_start,
                end=char_end,
                quote=text[char_start:char_end],
                rule=rule.id,
                lang=lang,
                principle=here.principle,
                question=here.question,
                ui_lang=ui_lang,
                ui_principle=there.principle,
                ui_question=there.question,
            )
        )
    findings.sort(key=lambda f: (f.start, f.end, f.category))
    return findings
