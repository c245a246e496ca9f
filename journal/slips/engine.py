"""The compiled form of one language's rules, and the matcher that runs it on one sentence.

Compiling turns every phrase of every slot into a *unit*: a one-word phrase is its word pattern
id, a longer phrase gets an id of its own. A word of a note is looked up once in a per-language
dict (its stems are never computed twice) and yields the units it starts, the bits of the
(rule, slot) pairs those units satisfy, and the longer phrases it may complete. A sentence then
knows, with one AND of bit masks per rule, which rules can fire at all; only those are matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from itertools import compress, product
from operator import itemgetter, or_

from .rules import Lexicon, Phrase, Rule, RuleSet, Slot

fifth, sixth, seventh = itemgetter(5), itemgetter(6), itemgetter(7)

# How far negation reaches: "I did not lend him money", "ik gaf hem het geld niet".
NEGATION_BEFORE = 5
NEGATION_AFTER = 2
# Refusals reach further and across commas: "He asked to borrow money, but I said no."
REFUSAL_WINDOW = 10
# A request by someone else covers what follows it in its clause: "she asked for my number".
REQUEST_AFTER = 5
# A plan or a "what would I do differently" opens its sentence: "Next time I will ...".
PLAN_LEAD = 4
# An "unless" word right after "instead of" names the road not taken, so it does not cancel:
# "I filled it in for her instead of showing her how".
INSTEAD_REACH = 3
# Bounds the work on pathological sentences that repeat a rule's words many times.
MAX_COMBINATIONS = 256
# Evidence of two rules of one category is joined when at most this many words lie between.
JOIN_GAP = 1
# Bounds the word cache on adversarial input.
MAX_CACHED_WORDS = 200_000

# What a word contributes: the one-word units it is, their slot bits and rule bits, and the
# longer phrases it is the index word of, as (unit, offset of the phrase start, phrase length,
# the other words as (offset from this word, pattern id), slot bits, rule bits).
Trigger = tuple[int, int, int, tuple[tuple[int, int], ...], int, int, int]
# A phrase as found through its first two words: (unit, length, the further words as (offset,
# pattern id), slot bits, rule bits, the rules it matters to).
Bigram = tuple[int, int, tuple[tuple[int, int], ...], int, int, int]
# What a word contributes: its pattern ids, its one-word units with their slot and rule bits, the
# ids that start longer phrases, and the bits and rules its phrases might add.
WordInfo = tuple[frozenset[int], tuple[int, ...], int, int, tuple[int, ...], int, int, bool]


@dataclass(frozen=True, eq=False)
class CompiledRule:
    """A rule as the matcher sees it: its slots as unit sets, and its bit mask."""

    rule: Rule
    category: str
    slots: tuple[frozenset[int], ...]
    unless: frozenset[int]
    mask: int
    within: int
    ordered: bool
    ignore_negation: bool


class Engine:
    """One language's rules compiled into units and bit masks, with the per-word cache."""

    def __init__(self, rules: RuleSet):
        self.lexicon: Lexicon = rules.lexicon
        self.units: dict[Phrase, int] = {}
        self.lengths: dict[int, int] = {}
        # Longer phrases, keyed by the rare word that triggers their check.
        self.triggers: dict[int, list[list]] = {}
        self.unit_bits: dict[int, int] = {}
        self.unit_rules: dict[int, int] = {}
        # The rules each unit matters to (as a slot or an unless word), to skip phrase checks.
        self.unit_relevance: dict[int, int] = {}
        compiled = []
        bit = 0
        for rule in rules.rules:
            slots = tuple(self._slot(slot) for slot in rule.slots)
            mask = 0
            for units in slots:
                for unit in units:
                    self.unit_bits[unit] = self.unit_bits.get(unit, 0) | (1 << bit)
                mask |= 1 << bit
                bit += 1
            # Every unit of the rule's rarest slot can announce the rule.
            for unit in slots[rule.search_order[0]]:
                self.unit_rules[unit] = self.unit_rules.get(unit, 0) | (1 << rule.order)
            for units in (*slots, self._slot(rule.unless)):
                for unit in units:
                    self.unit_relevance[unit] = self.unit_relevance.get(unit, 0) | (1 << rule.order)
            compiled.append(
                CompiledRule(
                    rule=rule,
                    category=rule.category,
                    slots=slots,
                    unless=self._slot(rule.unless),
                    mask=mask,
                    within=rule.within,
                    ordered=rule.ordered,
                    ignore_negation=rule.ignore_negation,
                )
            )
        self.rules: tuple[CompiledRule, ...] = tuple(compiled)
        self.masks: tuple[int, ...] = tuple(c.mask for c in compiled)
        self.negations = self._slot(rules.negations)
        self.instead = self._slot(rules.instead)
        self.refusals = self._slot(rules.refusals)
        self.requests = self._slot(rules.requests)
        self.plans = self._slot(rules.plans)
        self.suppressor_slots = (
            self.negations,
            self.instead,
            self.refusals,
            self.requests,
            self.plans,
        )
        self.suppressor_units = frozenset().union(*self.suppressor_slots)
        every_rule = (1 << len(compiled)) - 1
        for units in self.suppressor_slots:
            for unit in units:
                self.unit_relevance[unit] = every_rule
        # Every one-word unit the matcher may look up: slots, unless-words and suppressors.
        self.tracked = frozenset(
            unit for units in self.suppressor_slots for unit in units if unit >= 0
        ) | frozenset(
            unit
            for compiled_rule in compiled
            for units in (*compiled_rule.slots, compiled_rule.unless)
            for unit in units
            if unit >= 0
        )
        # Freeze the trigger lists, now that every unit has its final bits.
        self.frozen_triggers: dict[int, tuple[Trigger, ...]] = {
            wid: tuple(
                (
                    unit,
                    -offset,
                    len(phrase),
                    tuple((k - offset, phrase[k]) for k in range(len(phrase)) if k != offset),
                    self.unit_bits.get(unit, 0),
                    self.unit_rules.get(unit, 0),
                    self.unit_relevance.get(unit, 0),
                )
                for unit, phrase, offset in group
            )
            for wid, group in self.triggers.items()
        }
        # Longer phrases, keyed by their first two words: a sentence looks each word pair up
        # once instead of checking every phrase its words might belong to.
        bigrams: dict[tuple[int, int], list[Bigram]] = {}
        for phrase, unit in self.units.items():
            bigrams.setdefault((phrase[0], phrase[1]), []).append(
                (
                    unit,
                    len(phrase),
                    tuple((k, phrase[k]) for k in range(2, len(phrase))),
                    self.unit_bits.get(unit, 0),
                    self.unit_rules.get(unit, 0),
                    self.unit_relevance.get(unit, 0),
                )
            )
        self.bigrams: dict[tuple[int, int], tuple[Bigram, ...]] = {
            pair: tuple(group) for pair, group in bigrams.items()
        }
        self.phrase_starts = frozenset(first for first, _ in bigrams)
        self.cache: dict[str, WordInfo] = {}

    def _slot(self, slot: Slot) -> frozenset[int]:
        units = set()
        for group in slot.values():
            for phrase, offset in group:
                if len(phrase) == 1:
                    units.add(phrase[0])
                    continue
                unit = self.units.get(phrase)
                if unit is None:
                    unit = -1 - len(self.units)
                    self.units[phrase] = unit
                    self.lengths[unit] = len(phrase)
                    self.triggers.setdefault(phrase[offset], []).append((unit, phrase, offset))
                units.add(unit)
        return frozenset(units)

    def info(self, word: str) -> WordInfo:
        """What a word of a note contributes (computed once per distinct spelling)."""
        ids = self.lexicon.ids(word)
        unit_bits, unit_rules = self.unit_bits, self.unit_rules
        units = []
        bits = rules = 0
        triggers: list[Trigger] = []
        for wid in sorted(ids):
            if wid in self.tracked:
                units.append(wid)
                bits |= unit_bits.get(wid, 0)
                rules |= unit_rules.get(wid, 0)
            triggers.extend(self.frozen_triggers.get(wid, ()))
        # The bits and rules the word may add through its phrases, assuming they complete: a
        # cheap first pass over a sentence ORs these and skips it when no rule can fire.
        maybe_bits, maybe_rules = bits, rules
        for trigger in triggers:
            maybe_bits |= trigger[4]
            maybe_rules |= trigger[5]
        starts = tuple(sorted(wid for wid in ids if wid in self.phrase_starts))
        active = bool(units or starts)
        result = (ids, tuple(units), bits, rules, starts, maybe_bits, maybe_rules, active)
        if len(self.cache) > MAX_CACHED_WORDS:
            self.cache.clear()
        self.cache[word] = result
        return result

    def note(
        self, sentences: list[list[str]], clauses, segments=None
    ) -> list[tuple[int, Rule, int, int]]:
        """The rules that fire in each sentence (at most one per category and sentence).

        ``sentences`` holds the words of every sentence; the result lists (sentence number,
        rule, first word, end word). ``clauses(number)`` gives the clause number of every word
        of a sentence; it is only called when a negation has to be placed. ``segments(number)``
        gives the part of the sentence (between semicolons and colons) of every word, or None
        when the sentence has one part: the evidence of one rule never spans two parts.
        """
        get = self.cache.get
        info = self.info
        rules = self.rules
        masks = self.masks
        bigrams = self.bigrams
        found = []
        names = bool(self.lexicon.name_ids)
        for number, words in enumerate(sentences):
            infos = [get(word) or info(word) for word in words]
            if names and words and words[0][:1].isupper():
                # A capital at the start of a sentence does not make a name ("Went to ...").
                first = words[0].lower()
                infos[0] = get(first) or info(first)
            announced = reduce(or_, map(sixth, infos), 0)
            if not announced:
                continue
            bits = reduce(or_, map(fifth, infos), 0)
            can = 0
            while announced:
                low = announced & -announced
                announced ^= low
                mask = masks[low.bit_length() - 1]
                if bits & mask == mask:
                    can |= low
            if not can:
                continue  # no rule can fire in this sentence
            where: dict[int, list[tuple[int, int]]] = {}
            bits = announced = 0
            size = len(infos)
            last = size - 1
            for pos in compress(range(size), map(seventh, infos)):
                _, units, word_bits, word_rules, starts, _, _, _ = infos[pos]
                if units:
                    bits |= word_bits
                    announced |= word_rules
                    for unit in units:
                        if unit in where:
                            where[unit].append((pos, pos + 1))
                        else:
                            where[unit] = [(pos, pos + 1)]
                if not starts or pos == last:
                    continue
                following = infos[pos + 1][0]
                for first in starts:
                    for second in following:
                        phrases = bigrams.get((first, second))
                        if phrases is None:
                            continue
                        for unit, length, rest, unit_bits, unit_rules, relevant in phrases:
                            if not relevant & can:
                                continue  # a phrase only of rules that cannot fire here
                            end = pos + length
                            if rest:
                                if end > size:
                                    continue
                                for offset, wid in rest:
                                    if wid not in infos[pos + offset][0]:
                                        break
                                else:
                                    rest = None
                                if rest is not None:
                                    continue
                            bits |= unit_bits
                            announced |= unit_rules
                            if unit in where:
                                where[unit].append((pos, end))
                            else:
                                where[unit] = [(pos, end)]
            announced &= can
            if not announced:
                continue
            # Category -> its index in ``found``: the first rule in file order speaks for it,
            # later rules of the category that agree next to it widen its evidence.
            seen: dict[str, int] = {}
            context = None
            while announced:
                low = announced & -announced
                announced ^= low
                compiled = rules[low.bit_length() - 1]
                mask = compiled.mask
                if bits & mask != mask:
                    continue
                if context is None:
                    context = _Context(self, where, clauses, number, segments)
                span = _match(compiled, where, context)
                if span is None:
                    continue
                index = seen.get(compiled.category)
                if index is None:
                    seen[compiled.category] = len(found)
                    found.append((number, compiled.rule, span[0], span[1]))
                    continue
                _, rule, start, end = found[index]
                # Only evidence that touches the quote widens it (one word of slack).
                if span[0] <= end + JOIN_GAP and start <= span[1] + JOIN_GAP:
                    found[index] = (number, rule, min(start, span[0]), max(end, span[1]))
        return found


_NO_SUPPRESSORS: tuple[list[int], ...] = ([], [], [], [], [])


class _Context:
    """Negation, "instead of" and refusal positions of a sentence, found when first needed."""

    __slots__ = (
        "engine",
        "where",
        "clause_source",
        "segment_source",
        "number",
        "_found",
        "_clauses",
        "_segments",
    )

    def __init__(self, engine: Engine, where, clauses, number: int, segments=None):
        self.engine = engine
        self.where = where
        self.clause_source = clauses
        self.segment_source = segments
        self.number = number
        self._found = None
        self._clauses = None
        self._segments = False

    def suppressors(self):
        """Start positions of negations, "instead of", refusals, requests and plans."""
        if self._found is None:
            where = self.where
            if self.engine.suppressor_units.isdisjoint(where):
                self._found = _NO_SUPPRESSORS
            else:
                self._found = tuple(
                    sorted(s for unit in units.intersection(where) for s, _ in where[unit])
                    for units in self.engine.suppressor_slots
                )
        return self._found

    def any_suppressor(self) -> bool:
        return any(self.suppressors())

    def segments(self) -> list[int] | None:
        if self._segments is False:
            source = self.segment_source
            self._segments = source(self.number) if source is not None else None
        return self._segments

    def clauses(self) -> list[int]:
        if self._clauses is None:
            self._clauses = self.clause_source(self.number)
        return self._clauses


def _occurrences(units: frozenset[int], where) -> list[tuple[int, int]]:
    present = units.intersection(where)
    if len(present) == 1:
        return where[next(iter(present))]
    found = []
    for unit in sorted(present):
        found.extend(where[unit])
    return found


def _match(rule: CompiledRule, where, context: _Context) -> tuple[int, int] | None:
    within = rule.within
    slots = rule.slots
    if len(slots) == 1:
        candidates = [(s, e - s, e, ((s, e),)) for s, e in _occurrences(slots[0], where)]
        candidates = [c for c in candidates if c[1] <= within]
    else:
        lists = [_occurrences(units, where) for units in slots]
        candidates = []
        ordered_rule = rule.ordered
        count = 0
        for combo in product(*lists):
            count += 1
            if count > MAX_COMBINATIONS:
                break
            if ordered_rule:
                previous_end = -1
                for s, e in combo:
                    if s < previous_end:
                        break
                    previous_end = e
                else:
                    ordered = combo
                    start, end = combo[0][0], previous_end
                    if end - start <= within:
                        candidates.append((start, end - start, end, ordered))
                continue
            ordered = sorted(combo)
            previous_end = -1
            end = 0
            for s, e in ordered:
                if s < previous_end:
                    break  # two slots may not claim the same word
                previous_end = e
                if e > end:
                    end = e
            else:
                start = ordered[0][0]
                if end - start <= within:
                    candidates.append((start, end - start, end, ordered))
    if candidates:
        segment_of = context.segments()
        if segment_of is not None:
            candidates = [c for c in candidates if segment_of[c[0]] == segment_of[c[2] - 1]]
    if not candidates:
        return None
    unless = _occurrences(rule.unless, where) if rule.unless else ()
    if unless:
        instead = context.suppressors()[1]
        if instead:
            # "instead of showing her how": the unless word names what was not done.
            unless = [
                (s, e) for s, e in unless if not any(s - INSTEAD_REACH <= p < s for p in instead)
            ]
    if not unless and (rule.ignore_negation or not context.any_suppressor()):
        if len(candidates) == 1:
            return candidates[0][0], candidates[0][2]
        candidates.sort(key=lambda c: (c[0], c[1]))
        return _widest(candidates)
    if len(candidates) > 1:
        candidates.sort(key=lambda c: (c[0], c[1]))
    blocked: set[int] = set()
    valid = []
    for candidate in candidates:
        start, _, end, combo = candidate
        words = {p for s, e in combo for p in range(s, e)}
        if blocked and words & blocked:
            continue  # a shorter reading of negated evidence is still negated
        # Words of the match alone never cancel it ("didn't mention the limit" vs "mention").
        for s, e in unless:
            if not words.issuperset(range(s, e)):
                return None
        if rule.ignore_negation or not _suppressed(start, end, words, context):
            valid.append(candidate)
        else:
            blocked |= words
    return _widest(valid) if valid else None


def _widest(candidates) -> tuple[int, int]:
    """The whole matched expression: the first reading, widened by the readings that overlap it.

    ``candidates`` are sorted by start; "gave him ten euros from my own wallet" rather than the
    shortest span that satisfies the rule.
    """
    start, _, end, _ = candidates[0]
    for s, _, e, _ in candidates[1:]:
        if s >= end:
            break
        if e > end:
            end = e
    return start, end


def _suppressed(start: int, end: int, matched: set[int], context: _Context) -> bool:
    negated, instead, refused, requested, planned = context.suppressors()
    if not (negated or instead or refused or requested or planned):
        return False
    for pos in refused:
        if start - REFUSAL_WINDOW <= pos < end + REFUSAL_WINDOW:
            return True
    # "Next time I will ...", "What I would do differently: ..." - a plan, not a slip.
    for pos in planned:
        if pos < PLAN_LEAD and pos < start:
            return True
    clause_of = context.clauses()
    # Someone else's request is not the practitioner's act: "he asked for my private number".
    for pos in requested:
        if start - REQUEST_AFTER <= pos < start and clause_of[pos] == clause_of[start]:
            return True
    first_clause, last_clause = clause_of[start], clause_of[end - 1]
    # "instead of" cancels only what follows it: "I referred him instead of calling myself".
    for pos in instead:
        if start - NEGATION_BEFORE <= pos < start and clause_of[pos] == first_clause:
            return True
    for pos in negated:
        if pos in matched:
            continue
        if start <= pos < end:
            return True
        if start - NEGATION_BEFORE <= pos < start and clause_of[pos] == first_clause:
            return True
        if end <= pos < end + NEGATION_AFTER and clause_of[pos] == last_clause:
            return True
    return False


# The places of the signals in ``markers``' answer.
NEGATION, INSTEAD, REFUSAL, REQUEST, PLAN = range(5)


def markers(engine: Engine, words: list[str]) -> tuple[int, int, int, int, int]:
    """Whether a sentence holds a negation, an "instead of", a refusal, a request and a plan
    opener: the same lists the rules use, read as signals by the learned stage."""
    infos = [engine.cache.get(word) or engine.info(word) for word in words]
    present: dict[int, list[int]] = {}
    size = len(infos)
    for pos, info in enumerate(infos):
        for unit in info[1]:
            present.setdefault(unit, []).append(pos)
        if not info[4] or pos == size - 1:
            continue
        for first in info[4]:
            for second in infos[pos + 1][0]:
                for unit, length, rest, *_ in engine.bigrams.get((first, second), ()):
                    if pos + length <= size and all(
                        wid in infos[pos + offset][0] for offset, wid in rest
                    ):
                        present.setdefault(unit, []).append(pos)
    found = []
    for number, units in enumerate(engine.suppressor_slots):
        positions = [p for unit in units.intersection(present) for p in present[unit]]
        if number == PLAN:  # a plan or a colleague's act counts only where it opens the sentence
            positions = [p for p in positions if p < PLAN_LEAD]
        found.append(1 if positions else 0)
    return tuple(found)  # type: ignore[return-value]
