"""Find a practitioner's hot-button keywords in free text (en, nl, de, fr).

Pure Python (no Django) so it can run on every debounced keystroke request and in tests.

How a keyword word matches a word in the text, after case folding and accent stripping
("Église" = "eglise", "Straße" = "strasse"):

* the same word;
* the same Snowball stem in any of English, Dutch, German or French, provided the two words also
  share a prefix almost as long as that stem ("divorce"/"divorcing", "abortus"/"abortussen",
  "Scheidung"/"Scheidungen", "avortement"/"avortements", "family"/"families"). The prefix guard
  stops the Dutch stemmer's ``ge-`` stripping from matching "geweld" with "wel" or "Geschlecht"
  with "schlecht";
* a compound part: a keyword word of at least five letters at the end of a longer word
  ("echtscheiding", "Ehescheidung", also inflected: "echtscheidingen"), or at its start or in its
  middle when what follows looks like another word rather than a suffix ("abortuskliniek",
  "Religionsunterricht", "Ehescheidungsanwalt", but not "Islamabad" for "islam").

A keyword of several words ("huiselijk geweld", "droit à l'avortement") matches consecutive
words. French elided articles and the possessive 's are ignored on both sides, so
"l'avortement" matches "avortement" and "d'avortement". A keyword written in double quotes
(``"trans"``) only matches that exact word (still case- and accent-insensitive).

Limits:

* derivations across word classes are not related: "religion" does not match "religious" or
  "religieuse", "Religion" not "religiös"; list such forms as extra keywords;
* forms with a changed stem are not related ("boom"/"bomen", "go"/"went"); German umlaut
  plurals are, because accents are stripped ("Haus"/"Häuser");
* the stemmers also strip some derivational suffixes, so "geweldig" (Dutch: great) matches
  "geweld" and "gewaltig" matches "Gewalt" through the German stemmer;
* a keyword of five letters or more matches longer words that start or end with it ("trans"
  matches "transport", "culture" matches "agriculture");
* the text's language is unknown, so all four stemmers apply to every word and a rare
  cross-language coincidence can match.

For the last three, write the keyword in double quotes.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import snowballstemmer

__all__ = ["KeywordMatch", "find_keyword_matches", "topics_mentioned"]

# Dutch: the current Snowball algorithm (handles -en/-s plurals and vowel doubling); its
# aggressive ge- prefix stripping is neutralised by the shared-prefix guard in _same_stem.
_STEMMERS = {
    lang: snowballstemmer.stemmer(lang) for lang in ("english", "dutch", "german", "french")
}
# Snowball stemmer objects keep state while stemming, so threads must not share one at once.
_STEM_LOCK = threading.Lock()
MIN_STEM = 3  # shorter stems ("a", "le") would relate unrelated words
MIN_COMPOUND = 5  # keyword words shorter than this only match whole words

_APOSTROPHES = "'’ʼ`´"
_TOKEN_RE = re.compile(r"[\w\u0300-\u036f]+")
# French elided words: "l'avortement", "d'Église", "qu'il", "jusqu'au".
_ELISIONS = frozenset(
    {"c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}
)
_VOWELS = frozenset("aeiouy")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d"})

T = TypeVar("T")


@dataclass(frozen=True)
class KeywordMatch:
    """One keyword found in the text; ``text[start:end] == quote``."""

    keyword: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class _Word:
    norm: str  # case-folded, accents stripped
    stems: frozenset[tuple[str, str]]  # (language, normalised stem)


@dataclass(frozen=True)
class _Token:
    word: _Word
    start: int
    end: int


@dataclass(frozen=True)
class _Keyword:
    text: str  # exactly as given, so callers can map a match back to their keyword
    words: tuple[_Word, ...]
    exact: bool


def find_keyword_matches(text: str, keywords: Iterable[str]) -> list[KeywordMatch]:
    """Non-overlapping matches of ``keywords`` in ``text``, sorted by position."""
    parsed = _parse_all(keywords)
    if not text or not parsed:
        return []
    return _find(_Text(text), parsed)


def topics_mentioned(text: str, topics: Iterable[T]) -> list[tuple[T, list[KeywordMatch]]]:
    """Topics (anything with a ``keywords`` list) whose keywords occur in ``text``, in order."""
    found: list[tuple[T, list[KeywordMatch]]] = []
    if not text:
        return found
    indexed = _Text(text)  # tokenised once, shared by all topics
    for topic in topics:
        keywords: Iterable[str] = getattr(topic, "keywords", None) or ()
        matches = _find(indexed, _parse_all(keywords))
        if matches:
            found.append((topic, matches))
    return found


class _Text:
    """A text's tokens, indexed so each keyword is checked against distinct words only."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.positions: dict[_Word, list[int]] = defaultdict(list)
        for index, token in enumerate(self.tokens):
            self.positions[token.word].append(index)
        self.by_prefix: dict[str, list[_Word]] = defaultdict(list)
        for word in self.positions:
            self.by_prefix[word.norm[:MIN_STEM]].append(word)
        self._matching: dict[tuple[_Word, bool], frozenset[_Word]] = {}

    def matching(self, keyword: _Word, exact: bool) -> frozenset[_Word]:
        """The distinct words of the text that match one keyword word."""
        key = (keyword, exact)
        if key not in self._matching:
            # A stem match implies a shared prefix of MIN_STEM letters; a compound contains
            # the keyword. Only those words need the full comparison.
            candidates = set(self.by_prefix.get(keyword.norm[:MIN_STEM], ()))
            if not exact and len(keyword.norm) >= MIN_COMPOUND:
                candidates.update(w for w in self.positions if keyword.norm in w.norm)
            self._matching[key] = frozenset(
                w
                for w in candidates
                if w.norm == keyword.norm or (not exact and _words_match(keyword, w))
            )
        return self._matching[key]


def _find(indexed: _Text, keywords: list[_Keyword]) -> list[KeywordMatch]:
    tokens = indexed.tokens
    candidates: list[tuple[int, int, int, str]] = []
    for order, keyword in enumerate(keywords):
        sets = [indexed.matching(word, keyword.exact) for word in keyword.words]
        if not all(sets):
            continue
        size = len(sets)
        for i in sorted(i for word in sets[0] for i in indexed.positions[word]):
            if i + size <= len(tokens) and all(
                tokens[i + j].word in sets[j] for j in range(1, size)
            ):
                candidates.append((tokens[i].start, tokens[i + size - 1].end, order, keyword.text))
    # Earliest first, then the longest span, then the keyword listed first.
    candidates.sort(key=lambda c: (c[0], c[0] - c[1], c[2]))
    matches: list[KeywordMatch] = []
    last_end = -1
    for start, end, _order, keyword_text in candidates:
        if start >= last_end:
            matches.append(KeywordMatch(keyword_text, start, end, indexed.text[start:end]))
            last_end = end
    return matches


def _parse_all(keywords: Iterable[str]) -> list[_Keyword]:
    parsed = (_parse_keyword(kw) for kw in keywords if isinstance(kw, str) and kw.strip())
    return [kw for kw in parsed if kw is not None]


def _tokenize(text: str) -> list[_Token]:
    tokens = []
    for m in _TOKEN_RE.finditer(text):
        if _is_clitic(text, m.start(), m.end()):
            continue
        tokens.append(_Token(_word(m.group().lower()), m.start(), m.end()))
    return tokens


def _is_clitic(text: str, start: int, end: int) -> bool:
    """French elision before an apostrophe ("l'"), or a possessive 's after one."""
    after = text[end : end + 1]
    if after and after in _APOSTROPHES and end + 1 < len(text) and text[end + 1].isalpha():
        return _fold(text[start:end]) in _ELISIONS
    before = text[start - 1 : start] if start else ""
    return bool(before) and before in _APOSTROPHES and _fold(text[start:end]) == "s"


@lru_cache(maxsize=1024)
def _parse_keyword(keyword: str) -> _Keyword | None:
    stripped = keyword.strip()
    exact = len(stripped) > 2 and stripped[0] == stripped[-1] == '"'
    body = stripped[1:-1] if exact else stripped
    words = tuple(t.word for t in _tokenize(body))
    return _Keyword(keyword, words, exact) if words else None


@lru_cache(maxsize=16384)
def _word(lowered: str) -> _Word:
    norm = _fold(lowered)
    stems = set()
    with _STEM_LOCK:
        for lang, stemmer in _STEMMERS.items():
            # Stem the accented form (the stemmers know é, ä, ß) and the bare one (people type
            # "eglise"); compare stems without accents.
            for form in {lowered, norm}:
                stems.add((lang, _fold(stemmer.stemWord(form))))
    return _Word(norm, frozenset(stems))


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words_match(keyword: _Word, token: _Word) -> bool:
    if keyword.norm == token.norm:
        return True
    kw, tok = keyword.norm, token.norm
    compound = len(kw) >= MIN_COMPOUND and len(tok) > len(kw) and kw in tok
    # Stem matches need a shared prefix of MIN_STEM letters: a cheap first filter.
    if not compound and kw[:MIN_STEM] != tok[:MIN_STEM]:
        return False
    if _same_stem(keyword, token):
        return True
    return compound and _is_compound_part(keyword, tok)


def _is_compound_part(keyword: _Word, tok: str) -> bool:
    """Whether the keyword is a part of the compound ``tok`` (head, middle or tail)."""
    kw = keyword.norm
    at = tok.find(kw)
    while at != -1:
        rest = tok[at + len(kw) :]
        if at and not rest:  # tail: "echtscheiding", "Ehescheidung"
            return True
        # Head or middle: what follows must look like another word ("abortuskliniek",
        # "Religionsunterricht" with its linking s), not a suffix ("islamabad", "transit").
        if (len(rest) >= 3 and rest[0] not in _VOWELS) or len(rest) >= 5:
            return True
        # Inflected tail: "echtscheidingen" ends in "scheidingen", a form of "scheiding".
        if at and _same_stem(keyword, _word(tok[at:])):
            return True
        at = tok.find(kw, at + 1)
    return False


def _same_stem(a: _Word, b: _Word) -> bool:
    shared = a.stems & b.stems
    if not shared:
        return False
    prefix = _common_prefix(a.norm, b.norm)
    return any(
        len(stem) >= MIN_STEM and prefix >= max(MIN_STEM, len(stem) - 1) for _, stem in shared
    )


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
