"""The labelled corpus and how the detector is scored on it.

Three kinds of data, all JSON lines under ``tests/data/``:

- ``slips_corpus.jsonl``: short passages with a ``split`` of "dev" (the rules were tuned on these)
  or "test" (held out from tuning, but written the same way as dev);
- ``slips/dev/*.jsonl``: passages and whole entries by independent writers, with the phrase that
  carries each crossing (``evidence``); for training and tuning;
- ``slips/blind/<batch>.jsonl``: the same, by other writers who never saw the rules or the corpus.
  Each batch is scored once before any tuning and never tuned on; the newest is the headline.
  Once a newer batch has been scored, an older one may be *retired* (``RETIRED``): its first
  score stays on record in ``bench/slips_history.json`` and its rows join the training data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .categories import CATEGORIES, LANGUAGES

DATA_DIR = Path(__file__).resolve().parents[2] / "tests" / "data"
LEGACY_CORPUS = DATA_DIR / "slips_corpus.jsonl"
DEV_DIR = DATA_DIR / "slips" / "dev"
BLIND_DIR = DATA_DIR / "slips" / "blind"

# Blind batches that became training data after their first score (bench/slips_history.json
# keeps it). Only a batch older than the newest scored one may be retired, so the headline is
# always a batch the detector never learned from.
RETIRED: tuple[str, ...] = (
    "2026-12-03-batch-01",
    "2026-12-03-batch-02",
    "2026-12-03-batch-03",
    "2026-12-03-batch-04",
    "2026-12-04-batch-05",
    "2026-12-04-batch-06",
    "2026-12-04-batch-07",
    "2026-12-04-batch-08",
    "2026-12-04-batch-09",
    "2026-12-04-batch-10",
    "2026-12-04-batch-11",
    "2026-12-04-batch-12",
    "2026-12-04-batch-13",
    "2026-12-04-batch-14",
    "2026-12-04-batch-15",
)


@dataclass(frozen=True)
class Row:
    id: str
    lang: str
    text: str
    labels: tuple[str, ...]
    kind: str = "passage"  # or "entry"
    split: str = "dev"  # dev, test or blind
    evidence: tuple[tuple[str, str], ...] = ()  # (category, quote)
    source: str = ""  # the file it came from
    writer: str = ""  # who wrote it (the file's name when the rows do not say)

    @property
    def fresh(self) -> bool:
        """Written by writers the rules were never tuned on."""
        return self.source != LEGACY_CORPUS.name


def _rows(path: Path, split: str | None = None) -> list[Row]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        data = json.loads(line)
        labels = tuple(data.get("labels", ()))
        unknown = set(labels) - set(CATEGORIES)
        if unknown or data["lang"] not in LANGUAGES:
            raise ValueError(f"{path.name}:{number}: unknown label or language")
        rows.append(
            Row(
                id=str(data.get("id") or f"{path.stem}-{number}"),
                lang=data["lang"],
                text=data["text"],
                labels=labels,
                kind=data.get("kind", "passage"),
                split=split or data.get("split", "dev"),
                evidence=tuple((e["category"], e["quote"]) for e in data.get("evidence", ())),
                source=path.name,
                writer=str(data.get("writer") or path.stem),
            )
        )
    return rows


def legacy(split: str) -> list[Row]:
    return [r for r in _rows(LEGACY_CORPUS) if r.split == split]


def dev_files() -> list[Path]:
    return sorted(DEV_DIR.glob("*.jsonl"))


def retired_files() -> list[Path]:
    return [BLIND_DIR / f"{name}.jsonl" for name in RETIRED]


def dev() -> list[Row]:
    """Everything the detector may be trained and tuned on: the dev files and retired batches."""
    rows = legacy("dev")
    for path in [*dev_files(), *retired_files()]:
        rows += _rows(path, "dev")
    return rows


def training_files() -> list[Path]:
    """The files the learned model is trained from (their hash is stored with the model)."""
    return [LEGACY_CORPUS, *dev_files(), *retired_files()]


def blind_batches() -> list[Path]:
    """Every blind batch, retired or not, oldest first (file names start with their date)."""
    return sorted(BLIND_DIR.glob("*.jsonl"))


def unretired_batches() -> list[Path]:
    """The blind batches the detector has never learned from, oldest first."""
    return [path for path in blind_batches() if path.stem not in RETIRED]


def blind(path: Path) -> list[Row]:
    return _rows(path, "blind")


# --- scoring ----------------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    """Row-level scores: a row counts as flagged for a category when any finding has it."""

    by_category: dict[str, Counts] = field(default_factory=dict)
    by_lang: dict[str, dict[str, Counts]] = field(default_factory=dict)
    negatives: int = 0
    negatives_flagged: int = 0
    correct_flags: int = 0
    correct_flags_on_evidence: int = 0
    rows: int = 0

    @staticmethod
    def macro(counts: dict[str, Counts]) -> float:
        present = [c for c in counts.values() if c.tp + c.fn]
        return sum(c.f1 for c in present) / len(present) if present else 0.0

    @property
    def macro_f1(self) -> float:
        return self.macro(self.by_category)

    def lang_f1(self, lang: str) -> float:
        return self.macro(self.by_lang.get(lang, {}))

    @property
    def negatives_flagged_rate(self) -> float:
        return self.negatives_flagged / self.negatives if self.negatives else 0.0

    @property
    def evidence_rate(self) -> float:
        if not self.correct_flags:
            return 0.0
        return self.correct_flags_on_evidence / self.correct_flags

    def summary(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "macro_f1": round(self.macro_f1, 3),
            "by_lang": {lang: round(self.lang_f1(lang), 3) for lang in LANGUAGES},
            "by_category": {
                c: {
                    "f1": round(k.f1, 3),
                    "precision": round(k.precision, 3),
                    "recall": round(k.recall, 3),
                }
                for c, k in self.by_category.items()
            },
            "negatives": self.negatives,
            "negatives_flagged": round(self.negatives_flagged_rate, 3),
            "evidence_on_crossing": round(self.evidence_rate, 3),
        }


def evidence_spans(row: Row, category: str) -> list[tuple[int, int]]:
    spans = []
    for cat, quote in row.evidence:
        if cat == category:
            at = row.text.find(quote)
            if at >= 0:
                spans.append((at, at + len(quote)))
    return spans


def on_evidence(row: Row, category: str, start: int, end: int) -> bool:
    """A flag points at the crossing when it overlaps the phrase the writer marked and is no
    longer than that phrase's sentence-sized neighbourhood (at most 3x the phrase + 40 chars)."""
    for low, high in evidence_spans(row, category):
        if start < high and low < end and (end - start) <= 3 * (high - low) + 40:
            return True
    return False


Predict = Callable[[Row], Sequence[tuple[str, int, int]]]


def score(rows: Iterable[Row], predict: Predict) -> Score:
    """Score ``predict`` (row -> (category, start, end) of each finding) on ``rows``."""
    result = Score(by_category={c: Counts() for c in CATEGORIES})
    for row in rows:
        result.rows += 1
        found = list(predict(row))
        predicted = {c for c, _, _ in found}
        gold = set(row.labels)
        per_lang = result.by_lang.setdefault(row.lang, {c: Counts() for c in CATEGORIES})
        for category in CATEGORIES:
            hit, truth = category in predicted, category in gold
            for counts in (result.by_category[category], per_lang[category]):
                counts.tp += hit and truth
                counts.fp += hit and not truth
                counts.fn += truth and not hit
        if not gold:
            result.negatives += 1
            result.negatives_flagged += bool(predicted)
        if row.evidence:
            for category, start, end in found:
                if category in gold:
                    result.correct_flags += 1
                    result.correct_flags_on_evidence += on_evidence(row, category, start, end)
    return result
