"""The detector's evidence on an honest split of the dev data: trained on writers E and F (and the
legacy dev rows), scored on writers C and D, who stand in for new writers.

The committed model is trained on every dev writer, so scoring it on dev text says little. This
trains the whole learned stage (readers, combiner, thresholds and locator) without C and D, keeps
it in ``data/cache/`` (retrained when the corpus changes), and prints, per kind of text (passages
and whole entries): macro-F1, the share of slip-free texts flagged, "evidence on the crossing"
counted per highlight (as ``make bench`` does) and counted once per correctly flagged category
(the category's highlights overlap the marked phrase), and how many highlights a flagged category
shows. Never point this at the blind batches.

Run: .venv/bin/python bench/slips_evidence_split.py [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TRAIN_WRITERS = ("E", "F")
TEST_WRITERS = ("C", "D")


def _writer(row) -> str:
    """The writer letter of a dev row ("en-C.jsonl" -> "C"); "" for the legacy corpus."""
    return row.source.removesuffix(".jsonl").rpartition("-")[2] if row.fresh else ""


def split_rows(train_writers=TRAIN_WRITERS, test_writers=TEST_WRITERS):
    from journal.slips import corpus

    rows = corpus.dev()
    train = [r for r in rows if not r.fresh or _writer(r) in train_writers]
    test = [r for r in rows if r.fresh and _writer(r) in test_writers]
    return train, test


def split_model(train_rows, train_writers=TRAIN_WRITERS):
    """The learned stage trained on ``train_rows`` only, cached by the hash of the corpus."""
    from django.conf import settings

    from journal.slips import corpus, meaning, training

    cache_dir = settings.DATA_DIR / "cache"
    path = cache_dir / f"slips-split-{''.join(train_writers)}.npz"
    current = meaning.corpus_sha256(corpus.training_files())
    if path.exists():
        model = meaning.load(path)
        if model is not None and model.corpus_sha256 == current:
            return model
    started = time.monotonic()
    data = training.build_units(train_rows)
    vectors = training.embed(data.texts, cache_dir / "slips-embeddings.npz")
    model = training.train(train_rows, vectors, data)
    model.save(path)
    print(f"trained on {len(train_rows)} rows in {time.monotonic() - started:.0f} s -> {path}")
    return model


def evaluate(rows, model) -> dict:
    """Scores per kind of text, with evidence counted per highlight and per flagged category."""
    from journal.slips import LANGUAGES, corpus, detect

    found = {row.id: detect(row.text, row.lang, model=model) for row in rows}
    out = {}
    for kind in ("passage", "entry"):
        subset = [r for r in rows if r.kind == kind]
        summary = corpus.score(
            subset, lambda row: [(f.category, f.start, f.end) for f in found[row.id]]
        ).summary()
        flagged = on_crossing = 0
        shown: Counter[int] = Counter()
        for row in subset:
            by_category: dict[str, list] = {}
            for finding in found[row.id]:
                by_category.setdefault(finding.category, []).append(finding)
            for category, findings in by_category.items():
                shown[len(findings)] += 1
                if category in row.labels and row.evidence:
                    flagged += 1
                    on_crossing += any(
                        corpus.on_evidence(row, category, f.start, f.end) for f in findings
                    )
        out[kind] = {
            "texts": len(subset),
            "macro_f1": summary["macro_f1"],
            "by_lang": {lang: summary["by_lang"][lang] for lang in LANGUAGES},
            "slip_free_flagged": summary["negatives_flagged"],
            "evidence_per_highlight": summary["evidence_on_crossing"],
            "evidence_per_category": round(on_crossing / flagged, 3) if flagged else 0.0,
            "correct_categories": flagged,
            "highlights_per_flagged_category": dict(sorted(shown.items())),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--reverse",
        action="store_true",
        help="train on C and D, score on E and F (to choose among designs, keeping the "
        "default split for the figures)",
    )
    args = parser.parse_args()
    import django

    django.setup()
    train_writers, test_writers = (
        (TEST_WRITERS, TRAIN_WRITERS) if args.reverse else (TRAIN_WRITERS, TEST_WRITERS)
    )
    train_rows, test_rows = split_rows(train_writers, test_writers)
    model = split_model(train_rows, train_writers)
    print(
        f"Trained on writers {', '.join(train_writers)} and the legacy dev rows "
        f"({len(train_rows)} texts); scored on writers {', '.join(test_writers)} "
        f"({len(test_rows)} texts)"
    )
    results = evaluate(test_rows, model)
    for kind, label in (("passage", "passages"), ("entry", "whole entries")):
        r = results[kind]
        langs = "  ".join(f"{lang} {value:.3f}" for lang, value in r["by_lang"].items())
        print(
            f"  {label:<14} macro-F1 {r['macro_f1']:.3f}  {langs}  slip-free flagged "
            f"{r['slip_free_flagged']:.1%}\n"
            f"  {'':<14} evidence on the crossing: {r['evidence_per_highlight']:.1%} of "
            f"highlights, {r['evidence_per_category']:.1%} of {r['correct_categories']} correctly "
            f"flagged categories; highlights per flagged category "
            f"{r['highlights_per_flagged_category']}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
