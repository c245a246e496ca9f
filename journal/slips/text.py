"""Tokenising, accent folding and cached stemming shared by the rules and the detector."""

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

_STEMMER_NAMES = {"en": "english", "nl": "dutch", "de": "german", "fr": "french"}

# Words are runs of letters (so apostrophes split French elisions such as "l'argent" and English
# "didn't"), numbers and currency signs. Sentences end at . ! ? and line breaks; commas, colons,
# semicolons, brackets and dashes end clauses, which bound how far a negation reaches.
# A full stop followed by a lowercase letter ends no sentence: initials and abbreviations in
# notes ("texted R. until midnight", "M.'s file", "e.g. the rent") stay in their sentence.
SENTENCE_RE = re.compile(r"[^.!?\n]+(?:\.(?=\s*[a-z\u00df-\u00ff'\u2019])[^.!?\n]*)*")
CLAUSE_RE = re.compile(r"[,;:()\u2013\u2014]")
# Semicolons and colons join independent statements: one rule's evidence stays on one side.
SEGMENT_RE = re.compile(r"[;:]")

WORD_RE = re.compile(r"[^\W\d_]+|\d+|[€$£]")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lowercase and strip accents so that "géén" and "geen" compare equal."""
    word = word.lower().replace("ß", "ss").replace("œ", "oe").replace("æ", "ae")
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Snowball stemmers keep state between calls, so each thread gets its own (gunicorn runs
# several threads per worker, and a shared stemmer fails under concurrent use).
_local = threading.local()


def _stemmer(lang: str):
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    found = stemmers.get(lang)
    if found is None:
        found = stemmers[lang] = snowballstemmer.stemmer(_STEMMER_NAMES[lang])
    return found


@lru_cache(maxsize=65536)
def stem(word: str, lang: str) -> str:
    """Stem a lowercased word, then fold accents out of the stem (cached: loading the rules
    stems some 32,000 words, a fifth of them distinct).

    Stemming before folding lets the French stemmer see "donnée" and strip it to "don" like
    "donné"; folding after keeps the comparison accent-blind.
    """
    return fold(_stemmer(lang).stemWord(word))


def split(text: str) -> list[tuple[int, str, list[str], list[int]]]:
    """Split text into sentences: (character offset, sentence text, its words, clause of each word).

    Works sentence by sentence with C-level regex calls rather than a Python step per word;
    character spans of single words are recovered only when a finding needs them.
    """
    sentences = []
    for match in SENTENCE_RE.finditer(text):
        sentence = match.group()
        words: list[str] = []
        clauses: list[int] = []
        for number, clause in enumerate(CLAUSE_RE.split(sentence)):
            found = WORD_RE.findall(clause)
            if found:
                words += found
                clauses += [number] * len(found)
        if words:
            sentences.append((match.start(), sentence, words, clauses))
    return sentences
