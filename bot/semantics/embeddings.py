"""Embedding our own texts (cached) and customers' messages (never cached).

Components that fit on texts we wrote (the FAQ's questions and answers, the
urgency examples) embed them through the persistent cache, so a restart or a
knowledge-base edit embeds only what changed. A customer's message is embedded
without the cache: nothing of it is kept.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from bot.semantics.cache import open_cache
from bot.semantics.encoder import shared_encoder
from bot.semantics.plain import read_as_nlu
from bot.text.catalogue import Catalogue


class Embeddings:
    """The process's shared encoder on ``threads`` threads, our texts cached at ``cache_path``;
    every text read as the NLU reads it (``catalogue``'s product names as plain words), so
    a message's carried vector compares with ours."""

    def __init__(self, cache_path: Optional[Path], threads: int = 1, catalogue: Optional[Catalogue] = None) -> None:
        self.cache_path = cache_path
        self.threads = threads
        self.catalogue = catalogue

    def ours(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for texts we wrote (read from, and added to, the cache)."""
        cache = open_cache(str(self.cache_path) if self.cache_path else None)
        try:
            return shared_encoder(self.threads, cache=cache).encode([read_as_nlu(t, self.catalogue) for t in texts])
        finally:
            if cache is not None:
                cache.close()

    def message(self, text: str) -> np.ndarray:
        """The vector of one customer's message (not cached)."""
        return shared_encoder(self.threads).encode_one(read_as_nlu(text, self.catalogue))


__all__ = ["Embeddings"]
