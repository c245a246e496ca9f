"""Guess the language of a note (en/nl/de/fr) from its most frequent short words."""

from .categories import LANGUAGES
from .text import fold

# Frequent function words that are distinctive for one language. Words shared between the
# languages ("in", "was", "die", "des") are left out so they cannot tip the balance.
_STOPWORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "the",
        "and",
        "i",
        "he",
        "she",
        "his",
        "her",
        "my",
        "me",
        "him",
        "with",
        "about",
        "that",
        "this",
        "to",
        "of",
        "for",
        "it",
        "they",
        "we",
        "you",
        "did",
        "didn",
        "not",
        "had",
        "have",
        "told",
        "asked",
        "after",
        "because",
        "when",
        "at",
        "on",
        "from",
        "would",
        "could",
        "be",
    ),
    "nl": (
        "de",
        "het",
        "een",
        "ik",
        "hij",
        "zij",
        "ze",
        "mijn",
        "hem",
        "haar",
        "met",
        "niet",
        "dat",
        "en",
        "van",
        "op",
        "voor",
        "heb",
        "hebben",
        "had",
        "naar",
        "toen",
        "omdat",
        "ook",
        "maar",
        "geen",
        "wel",
        "nog",
        "zijn",
        "werd",
        "aan",
        "bij",
        "over",
        "uit",
        "gesprek",
        "cliënt",
    ),
    "de": (
        "der",
        "das",
        "und",
        "ich",
        "er",
        "sie",
        "mein",
        "meine",
        "ihm",
        "ihr",
        "mit",
        "nicht",
        "dass",
        "von",
        "auf",
        "für",
        "habe",
        "hat",
        "ein",
        "eine",
        "einen",
        "auch",
        "aber",
        "kein",
        "keine",
        "nach",
        "weil",
        "als",
        "sich",
        "zu",
        "im",
        "dem",
        "den",
        "ist",
        "wurde",
        "mich",
    ),
    "fr": (
        "le",
        "la",
        "les",
        "et",
        "je",
        "j",
        "il",
        "elle",
        "mon",
        "ma",
        "mes",
        "lui",
        "avec",
        "pas",
        "que",
        "qu",
        "du",
        "un",
        "une",
        "pour",
        "ai",
        "a",
        "au",
        "ne",
        "n",
        "l",
        "d",
        "sur",
        "son",
        "sa",
        "est",
        "été",
        "m",
        "c",
        "s",
        "parce",
        "quand",
        "après",
        "mais",
        "nous",
        "ce",
    ),
}
# Words too frequent to be good anchors for rules (see rules._anchor_index).
COMMON_WORDS: dict[str, tuple[str, ...]] = {
    "en": _STOPWORDS["en"] + ("gave", "give", "made", "got", "said", "them", "our", "your", "was"),
    "nl": _STOPWORDS["nl"] + ("ben", "heeft", "gaf", "zei", "hun", "jij", "mij", "mee", "dus"),
    "de": _STOPWORDS["de"] + ("ihn", "bin", "gab", "sagte", "sein", "seine", "ihre", "für", "mir"),
    "fr": _STOPWORDS["fr"] + ("moi", "suis", "dit", "fait", "pour", "leur", "ses", "mes", "des"),
}
# Ties go to the language listed first.
_ORDER = LANGUAGES
_SCORES: dict[str, list[str]] = {}
for _lang in _ORDER:
    for _word in _STOPWORDS[_lang]:
        _SCORES.setdefault(fold(_word), []).append(_lang)


# Original spelling -> languages it counts for, filled as words are seen (bounded).
_SEEN: dict[str, tuple[str, ...]] = {}


def _languages_of(word: str) -> tuple[str, ...]:
    lowered = word.lower()
    langs = _SCORES.get(lowered)
    if langs is None and not lowered.isascii():
        langs = _SCORES.get(fold(lowered))
    result = tuple(langs or ())
    if len(_SEEN) > 200_000:
        _SEEN.clear()
    _SEEN[word] = result
    return result


# Words are counted in chunks; counting stops when the leading language is this far ahead.
_CHUNK = 40
_SETTLED_LEAD = 12


def detect_language_of_words(words: list[str], *, lowered: bool = True) -> str:
    """Best guess among en/nl/de/fr for the words of a text; 'en' when there is no evidence.

    The words may be in their original spelling (``lowered=False``); each distinct spelling is
    looked up once and remembered.
    """
    del lowered  # every spelling is lowercased on first sight, so both forms work
    counts = dict.fromkeys(_ORDER, 0)
    get = _SEEN.get
    for start in range(0, len(words), _CHUNK):
        for word in words[start : start + _CHUNK]:
            langs = get(word)
            if langs is None:
                langs = _languages_of(word)
            for lang in langs:
                counts[lang] += 1
        # A long note is settled once one language leads by a wide margin.
        first, second = sorted(counts.values(), reverse=True)[:2]
        if first - second >= _SETTLED_LEAD:
            break
    best = max(_ORDER, key=lambda lang: (counts[lang], -_ORDER.index(lang)))
    return best if counts[best] else "en"
