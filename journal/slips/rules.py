"""Load, validate and compile the rule files in ``rules/`` (one YAML file per language)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .categories import CATEGORIES, LANGUAGES
from .language import COMMON_WORDS
from .text import WORD_RE, fold, stem

RULES_DIR = Path(__file__).parent / "rules"
# libyaml's loader reads the same safe subset about ten times faster than the pure-Python one
# (every process that checks text loads some 400 kB of rules); PyYAML built without it falls back.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# "@name" in a rule matches a person named in a note: a capitalised word ("Dana", "Mrs")
# or an initial ("R."), but not "I", "A", days, months or holidays.
NAME_PATTERN = "@name"
NOT_NAMES = frozenset(
    [
        "i",
        "a",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "christmas",
        "easter",
        "facebook",
        "instagram",
        "whatsapp",
        "tiktok",
        "snapchat",
        "linkedin",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        "januar",
        "februar",
        "juni",
        "juli",
        "oktober",
        "dezember",
        "ostern",
        "weihnachten",
        "silvester",
    ]
)


def is_name(word: str, folded: str) -> bool:
    """Whether a word of a note looks like a person's name or initial."""
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower()) and folded not in NOT_NAMES


_TOP_KEYS = {
    "lang",
    "negations",
    "instead",
    "refusals",
    "requests",
    "plans",
    "others",
    "rules",
}
_RULE_KEYS = {
    "id",
    "category",
    "note",
    "match",
    "within",
    "ordered",
    "unless",
    "ignore_negation",
    "meaning_may_drop",
    "positive",
    "negative",
}
_REQUIRED_RULE_KEYS = {"id", "category", "match", "positive", "negative"}
DEFAULT_WITHIN = 8

# A phrase is a run of consecutive word patterns; a slot is a set of alternative phrases, indexed
# by one uncommon word of each phrase (with its offset in the phrase), so a sentence only looks
# at the phrases whose index word it contains.
Phrase = tuple[int, ...]
Slot = dict[int, tuple[tuple[Phrase, int], ...]]


class RuleFileError(ValueError):
    """A rule file does not follow the documented format."""


@dataclass(frozen=True, eq=False)
class Rule:
    """One compiled rule: every slot must match inside one sentence, within ``within`` words."""

    id: str
    order: int
    category: str
    lang: str
    slots: tuple[Slot, ...]
    within: int
    ordered: bool
    unless: Slot
    ignore_negation: bool
    search_order: tuple[int, ...]
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    # False for a rule that names what the learned stage was never taught (a promise without the
    # word "promise"): the meaning does not drop its findings, only the rule's own lists do.
    meaning_may_drop: bool = True


@dataclass
class Lexicon:
    """Every word pattern used by one language's rules, with a per-word cache of matches."""

    lang: str
    by_stem: dict[str, list[int]] = field(default_factory=dict)
    by_surface: dict[str, list[int]] = field(default_factory=dict)
    affixes: list[tuple[str, str, int]] = field(default_factory=list)
    keys: dict[tuple[str, str], int] = field(default_factory=dict)
    cache: dict[str, frozenset[int]] = field(default_factory=dict)
    name_ids: list[int] = field(default_factory=list)

    def word_id(self, pattern: str) -> int:
        """Return the id of a word pattern ("geld", "=no", "bus*", "*karte", "*geld*", "@name")."""
        if pattern == NAME_PATTERN:
            key = ("name", "@name")
        elif pattern.startswith("="):
            key = ("exact", fold(pattern[1:]))
        elif pattern.startswith("*") and pattern.endswith("*") and len(pattern) > 2:
            key = ("infix", fold(pattern[1:-1]))
        elif pattern.endswith("*"):
            key = ("prefix", fold(pattern[:-1]))
        elif pattern.startswith("*"):
            key = ("suffix", fold(pattern[1:]))
        else:
            key = ("stem", stem(pattern.lower(), self.lang))
        if not key[1]:
            raise ValueError(f"empty word pattern {pattern!r}")
        if key in self.keys:
            return self.keys[key]
        wid = len(self.keys)
        self.keys[key] = wid
        kind, value = key
        if kind == "name":
            self.name_ids.append(wid)
        elif kind == "stem":
            self.by_stem.setdefault(value, []).append(wid)
        elif kind == "exact":
            self.by_surface.setdefault(value, []).append(wid)
        else:
            self.affixes.append((kind, value, wid))
        return wid

    def rarity(self, wid: int) -> tuple[bool, int]:
        """How unlikely a word pattern is to occur: uncommon words first, then longer ones."""
        if not hasattr(self, "_common"):
            self._common = {stem(w, self.lang) for w in COMMON_WORDS[self.lang]}
            self._values = {}
        if wid not in self._values:
            self._values = {w: value for (_, value), w in self.keys.items()}
        value = self._values[wid]
        if value == NAME_PATTERN:
            return (False, 0)  # capitalised words are frequent: never a rule's anchor
        return (len(value) > 3 and value not in self._common, len(value))

    def ids(self, word: str) -> frozenset[int]:
        """The word patterns a word of the text matches (cached per distinct spelling)."""
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        lowered = word.lower()
        folded = fold(lowered)
        found = list(self.by_surface.get(folded, ()))
        found.extend(self.by_stem.get(stem(lowered, self.lang), ()))
        for kind, value, wid in self.affixes:
            if (
                (kind == "prefix" and folded.startswith(value))
                or (kind == "suffix" and folded.endswith(value))
                or (kind == "infix" and value in folded)
            ):
                found.append(wid)
        if self.name_ids and is_name(word, folded):
            found.extend(self.name_ids)
        result = frozenset(found)
        if len(self.cache) > 200_000:  # bound memory on adversarial input
            self.cache.clear()
        self.cache[word] = result
        return result


@dataclass(frozen=True)
class RuleSet:
    """All compiled rules of one language, indexed by the word patterns that can start them."""

    lang: str
    lexicon: Lexicon
    rules: tuple[Rule, ...]
    negations: Slot
    instead: Slot
    refusals: Slot
    requests: Slot
    plans: Slot
    by_anchor: dict[int, tuple[Rule, ...]]


def _fail(path: Path, where: str, message: str) -> RuleFileError:
    return RuleFileError(f"{path.name}: {where}: {message}")


def _strings(value: Any, path: Path, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, where, "expected a list of non-empty strings")
    return value


def _words(alternative: str) -> list[str]:
    """Split an alternative the way the text is split ("couldn't" -> couldn, t), keeping markers."""
    words = []
    for chunk in alternative.split():
        if chunk == NAME_PATTERN:
            words.append(chunk)
            continue
        marker = re.fullmatch(r"(=|\*)?(.*?)(\*)?", chunk)
        lead, core, trail = marker.group(1) or "", marker.group(2), marker.group(3) or ""
        pieces = WORD_RE.findall(core)
        if not pieces:
            raise ValueError(f"{chunk!r} is not a word pattern")
        pieces[0] = lead + pieces[0]
        pieces[-1] = pieces[-1] + trail
        words.extend(pieces)
    return words


def _index(lexicon: Lexicon, phrases: list[Phrase]) -> Slot:
    slot: dict[int, list[tuple[Phrase, int]]] = {}
    for phrase in dict.fromkeys(phrases):
        # A phrase is looked up by its rarest-looking word ("pocket" in "out of my own pocket").
        offset = max(range(len(phrase)), key=lambda k: lexicon.rarity(phrase[k]))
        slot.setdefault(phrase[offset], []).append((phrase, offset))
    return {wid: tuple(group) for wid, group in slot.items()}


def _phrases(lexicon: Lexicon, text: str, path: Path, where: str) -> list[Phrase]:
    phrases = []
    for alternative in text.split("|"):
        try:
            words = _words(alternative)
        except ValueError as exc:
            raise _fail(path, where, str(exc)) from None
        if not words:
            raise _fail(path, where, f"empty alternative in {text!r}")
        phrases.append(tuple(lexicon.word_id(w) for w in words))
    return phrases


def _slot(lexicon: Lexicon, text: str, path: Path, where: str) -> Slot:
    return _index(lexicon, _phrases(lexicon, text, path, where))


def _merge(lexicon: Lexicon, items: list[str], path: Path, where: str) -> Slot:
    return _index(lexicon, [p for item in items for p in _phrases(lexicon, item, path, where)])


def load_rule_file(path: Path) -> RuleSet:
    """Parse and validate one rule file; raise RuleFileError with the file and rule on mistakes."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader, C or Python
    except yaml.YAMLError as exc:
        raise _fail(path, "YAML syntax", str(exc)) from None
    if not isinstance(data, dict):
        raise _fail(path, "top level", "expected a mapping with lang, negations, refusals, rules")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise _fail(path, "top level", f"unknown keys {sorted(unknown)}")
    lang = data.get("lang")
    if lang not in LANGUAGES:
        raise _fail(path, "lang", f"unknown language {lang!r}; expected one of {LANGUAGES}")
    lexicon = Lexicon(lang)
    negations = _merge(lexicon, _strings(data.get("negations", []), path, "negations"), path, "")
    refusals = _merge(lexicon, _strings(data.get("refusals", []), path, "refusals"), path, "")
    instead = _merge(lexicon, _strings(data.get("instead", []), path, "instead"), path, "")
    requests = _merge(lexicon, _strings(data.get("requests", []), path, "requests"), path, "")
    # "others" (a colleague's act opening the sentence) cancels what follows, like a plan.
    plans = _merge(
        lexicon,
        _strings(data.get("plans", []), path, "plans")
        + _strings(data.get("others", []), path, "others"),
        path,
        "",
    )
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise _fail(path, "rules", "expected a non-empty list of rules")
    seen_ids: set[str] = set()
    rules = []
    for index, raw in enumerate(raw_rules, start=1):
        where = f"rule #{index}"
        if not isinstance(raw, dict):
            raise _fail(path, where, "expected a mapping")
        if isinstance(raw.get("id"), str):
            where = f"rule {raw['id']!r}"
        unknown = set(raw) - _RULE_KEYS
        if unknown:
            raise _fail(
                path, where, f"unknown keys {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}"
            )
        missing = _REQUIRED_RULE_KEYS - set(raw)
        if missing:
            raise _fail(path, where, f"missing keys {sorted(missing)}")
        # The language prefix keeps ids unique across files ("en.money.lend").
        if not isinstance(raw["id"], str) or not raw["id"].startswith(f"{lang}."):
            raise _fail(path, where, f"id must be a string starting with '{lang}.'")
        if raw["id"] in seen_ids:
            raise _fail(path, where, "id is used twice")
        seen_ids.add(raw["id"])
        if raw["category"] not in CATEGORIES:
            raise _fail(
                path, where, f"unknown category {raw['category']!r}; expected one of {CATEGORIES}"
            )
        match = _strings(raw["match"], path, f"{where} match")
        within = raw.get("within", DEFAULT_WITHIN)
        if not isinstance(within, int) or isinstance(within, bool) or within < 1:
            raise _fail(path, where, "within must be a positive whole number")
        for flag in ("ordered", "ignore_negation", "meaning_may_drop"):
            if not isinstance(raw.get(flag, False), bool):
                raise _fail(path, where, f"{flag} must be true or false")
        positive = _strings(raw["positive"], path, f"{where} positive")
        negative = _strings(raw["negative"], path, f"{where} negative")
        if not positive or not negative:
            raise _fail(path, where, "give at least one positive and one negative example")
        rules.append(
            Rule(
                id=raw["id"],
                order=len(rules),
                category=raw["category"],
                lang=lang,
                slots=tuple(_slot(lexicon, s, path, f"{where} match") for s in match),
                within=within,
                ordered=raw.get("ordered", False),
                unless=_merge(lexicon, _strings(raw.get("unless", []), path, where), path, where),
                ignore_negation=raw.get("ignore_negation", False),
                search_order=(),
                positive=tuple(positive),
                negative=tuple(negative),
                meaning_may_drop=raw.get("meaning_may_drop", True),
            )
        )
    by_anchor = _anchor_index(lexicon, rules)
    return RuleSet(
        lang=lang,
        lexicon=lexicon,
        rules=tuple(rules),
        negations=negations,
        instead=instead,
        refusals=refusals,
        requests=requests,
        plans=plans,
        by_anchor=by_anchor,
    )


def _anchor_index(lexicon: Lexicon, rules: list[Rule]) -> dict[int, tuple[Rule, ...]]:
    """Index each rule under the words of its rarest-looking slot.

    A rule can only fire in a sentence that holds one of those words, so most rules are never
    looked at for most sentences. Any word of a phrase will do as its anchor (the phrase needs
    all of them), so the anchor is its first uncommon word.
    """

    def common(wid: int) -> bool:
        return not lexicon.rarity(wid)[0]

    def anchors(slot: Slot) -> list[int]:
        return list(slot)

    def cost(slot: Slot) -> tuple[float, int]:
        words = anchors(slot)
        return (sum(common(w) for w in words) / len(words), len(words))

    index: dict[int, list[Rule]] = {}
    for rule in rules:
        order = tuple(sorted(range(len(rule.slots)), key=lambda n: cost(rule.slots[n])))
        object.__setattr__(rule, "search_order", order)  # derived once, while loading
        for wid in set(anchors(rule.slots[order[0]])):
            index.setdefault(wid, []).append(rule)
    return {wid: tuple(group) for wid, group in index.items()}


@lru_cache(maxsize=len(LANGUAGES))
def rule_set(lang: str) -> RuleSet:
    """Load one language's rule file once per process."""
    return load_rule_file(RULES_DIR / f"{lang}.yaml")


def rule_sets() -> dict[str, RuleSet]:
    """Every language's rules."""
    return {lang: rule_set(lang) for lang in LANGUAGES}
