"""The inbox messages' sentence embeddings, for grouping them by meaning.

The process's one encoder (bot.semantics.shared_encoder) reads each message as the
NLU does (product names as plain words). Customers' messages never go into the
persistent embedding cache: their vectors are kept in this process's memory only
(at most `LIMIT`, the oldest dropped first), so a page shown again embeds only the
new messages. Raw e5 similarities are all high (0.8–0.95 for unrelated support
questions), so every vector is centred on the mean vector of our own training
examples (embedded once through the persistent cache: texts we wrote) and
normalised again: on the grouping sample (bench/inbox_grouping.py) that took the
best F0.5 from 0.57 to 0.73.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, List, Optional, Sequence

import numpy as np

from bot.semantics.plain import read_as_nlu
from bot.text.catalogue import Catalogue

LIMIT = 20_000  # vectors kept (float16: 15 MB)
BACKGROUND_EXAMPLES = 512  # training examples whose mean is the centre
BATCH = 64

Embed = Callable[[Sequence[str]], np.ndarray]


def encoder_text(text: str, catalogue: Catalogue) -> str:
    """What the encoder reads, as the NLU's featurizer gives it (product names as plain words)."""
    return read_as_nlu(text, catalogue)


def centred(vectors: np.ndarray, centre: np.ndarray) -> np.ndarray:
    moved = np.asarray(vectors, dtype=np.float32) - np.asarray(centre, dtype=np.float32)
    norms = np.linalg.norm(moved, axis=1, keepdims=True)
    return moved / np.where(norms > 0, norms, 1.0)


def spread(texts: Sequence[str], count: int) -> List[str]:
    """``count`` texts taken evenly from ``texts`` (every intent's examples, not the first file's)."""
    if len(texts) <= count:
        return list(texts)
    step = len(texts) / count
    return [texts[int(i * step)] for i in range(count)]


class MessageVectors:
    """``embed``: customers' texts (never cached on disk); ``background``: the centre (computed once)."""

    def __init__(self, embed: Embed, background: Callable[[], np.ndarray], catalogue: Catalogue,
                 limit: int = LIMIT) -> None:
        self._embed = embed
        self._background = background
        self._catalogue = catalogue
        self._limit = limit
        self._known: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._centre: Optional[np.ndarray] = None
        self._lock = threading.Lock()

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue

    def missing(self, texts: Sequence[str]) -> List[str]:
        """The texts whose vectors are not in memory yet (each once)."""
        with self._lock:
            return list(dict.fromkeys(t for t in texts if encoder_text(t, self._catalogue) not in self._known))

    def embed(self, texts: Sequence[str], step: Callable[[int], None] = lambda done: None) -> None:
        """Embed ``texts`` (blocking: 10–25 ms a message on one thread); ``step`` after each batch."""
        plain = list(dict.fromkeys(encoder_text(t, self._catalogue) for t in texts))
        self.centre()
        for start in range(0, len(plain), BATCH):
            chunk = plain[start:start + BATCH]
            vectors = self._embed(chunk)
            with self._lock:
                for text, vector in zip(chunk, vectors):
                    self._known[text] = np.asarray(vector, dtype=np.float16)
                while len(self._known) > self._limit:
                    self._known.popitem(last=False)
            step(min(start + BATCH, len(plain)))

    def centre(self) -> np.ndarray:
        if self._centre is None:
            self._centre = np.asarray(self._background(), dtype=np.float32)
        return self._centre

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        """Centred, normalised rows for ``texts`` (embedding the ones still missing)."""
        missing = self.missing(texts)
        if missing:
            self.embed(missing)
        with self._lock:
            rows = [self._known.get(encoder_text(t, self._catalogue)) for t in texts]
        if any(row is None for row in rows):  # dropped meanwhile (more than LIMIT at once)
            self.embed([t for t, row in zip(texts, rows) if row is None])
            with self._lock:
                rows = [self._known[encoder_text(t, self._catalogue)] if row is None else row
                        for t, row in zip(texts, rows)]
        if not rows:
            return np.zeros((0, len(self.centre())), dtype=np.float32)
        return centred(np.stack([np.asarray(r, dtype=np.float32) for r in rows]), self.centre())


def training_centre(project_dir: Path, catalogue: Catalogue, cache_file: Optional[Path]) -> np.ndarray:
    """The mean vector of our training examples (through the persistent cache; blocking)."""
    from bot.semantics import shared_encoder
    from bot.semantics.cache import open_cache
    from bot.teaching.examples import TRAINING_DIR, examples_by_intent

    examples = examples_by_intent(sorted((project_dir / TRAINING_DIR).glob("*.yml")))
    texts = spread([e for found in examples.values() for e in found], BACKGROUND_EXAMPLES)
    cache = open_cache(str(cache_file) if cache_file else None)
    try:
        vectors = shared_encoder(1, cache=cache).encode([encoder_text(t, catalogue) for t in texts])
    finally:
        if cache is not None:
            cache.close()
    return vectors.mean(axis=0)


def for_project(project_dir: Path, catalogue: Catalogue, cache_file: Optional[Path]) -> MessageVectors:
    """The console's: the process's one encoder, one thread."""
    def embed(texts: Sequence[str]) -> np.ndarray:
        from bot.semantics import shared_encoder

        return shared_encoder(1).encode(list(texts))

    return MessageVectors(embed, lambda: training_centre(project_dir, catalogue, cache_file), catalogue)
