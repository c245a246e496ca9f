"""Train the detector's learned stage from the dev corpus and write journal/slips/model/."""

import time

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand

from journal.slips import corpus, detect, meaning, training


class Command(BaseCommand):
    help = "Train the slip detector's learned stage from the dev corpus (needs scikit-learn)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cross-validate",
            action="store_true",
            help="first score the whole detector on each fresh dev writer, trained without them",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = corpus.dev()
        data = training.build_units(rows)
        cache = settings.DATA_DIR / "cache" / "slips-embeddings.npz"
        vectors = training.embed(data.texts, cache)
        self.stdout.write(
            f"{len(rows)} dev rows, {len(data.texts)} units ({int(data.fresh.sum())} from writers "
            f"the rules were not tuned on), encoded in {time.monotonic() - started:.0f} s"
        )
        if options["cross_validate"]:
            self._cross_validate(rows, data, vectors)
        model = training.train(rows, vectors, data)
        model.save()
        meaning.model.cache_clear()
        for name, (thresholds, vetoes) in (
            ("short notes", model.bars(1)),
            ("long texts", model.bars(meaning.LONG_TEXT_SENTENCES)),
        ):
            bars = ", ".join(
                f"{c} {t:.3f}/{v:.2f}"
                for c, t, v in zip(model.categories, thresholds, vetoes, strict=True)
            )
            self.stdout.write(f"thresholds/vetoes, {name}: {bars}")
        self.stdout.write(
            self.style.SUCCESS(
                f"wrote {meaning.MODEL_PATH.name} (corpus {model.corpus_sha256[:12]}) in "
                f"{time.monotonic() - started:.0f} s"
            )
        )

    def _cross_validate(self, rows, data, vectors):
        """Rules alone and rules + learned stage on each fresh writer, trained without them."""
        writers = sorted({row.writer for row in rows if row.fresh})
        predictions = {}
        for number, writer in enumerate(writers, start=1):
            keep = np.array([rows[g].writer != writer for g in data.groups])
            subset = training.Units(
                texts=[t for t, k in zip(data.texts, keep, strict=True) if k],
                labels=data.labels[keep],
                hits=data.hits[keep],
                markers=data.markers[keep],
                groups=data.groups[keep],
                fresh=data.fresh[keep],
                read=data.read[keep],
                sentences=data.sentences[keep],
            )
            model = training.train(rows, vectors[keep], subset)
            for row in rows:
                if row.writer == writer:
                    predictions[row.id] = {
                        learned: [
                            (f.category, f.start, f.end)
                            for f in detect(row.text, row.lang, learned=learned, model=model)
                        ]
                        for learned in (False, True)
                    }
            self.stdout.write(f"  {number}/{len(writers)} held out {writer}")
        held_out = [row for row in rows if row.fresh]
        for kind in ("passage", "entry"):
            subset = [row for row in held_out if row.kind == kind]
            for name, learned in (("rules alone", False), ("rules + learned", True)):
                summary = corpus.score(
                    subset, lambda row, learned=learned: predictions[row.id][learned]
                ).summary()
                self.stdout.write(
                    f"{kind}s, {name}: macro-F1 {summary['macro_f1']} {summary['by_lang']} "
                    f"slip-free flagged {summary['negatives_flagged']}, evidence on crossing "
                    f"{summary['evidence_on_crossing']}"
                )
                for category, values in summary["by_category"].items():
                    self.stdout.write(f"    {category:20} {values}")
