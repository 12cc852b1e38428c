"""A persistent embedding cache, so a retraining embeds only new examples.

Keys are a digest of the encoder's identity and the text, never the text
itself: the cache may see customers' messages (teach-the-bot retrainings) and
keeps no readable copy of them. One SQLite file; several processes may share it.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import numpy as np


def cache_key(encoder_id: str, text: str) -> bytes:
    return hashlib.blake2b(f"{encoder_id}\0{text}".encode(), digest_size=20).digest()


class EmbeddingCache:
    """Vectors by (encoder, text) in SQLite; ``float32`` rows of one dimension."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS embeddings (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        self._db.commit()

    def get_many(self, encoder_id: str, texts: Iterable[str]) -> Dict[str, np.ndarray]:
        """The cached vectors among ``texts`` (missing ones are left out)."""
        wanted = {cache_key(encoder_id, t): t for t in set(texts)}
        found: Dict[str, np.ndarray] = {}
        keys = list(wanted)
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in self._db.execute(
                        f"SELECT key, vector FROM embeddings WHERE key IN ({marks})", chunk):
                    found[wanted[bytes(key)]] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def put_many(self, encoder_id: str, vectors: Dict[str, np.ndarray]) -> None:
        rows = [(cache_key(encoder_id, t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()]
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO embeddings (key, vector) VALUES (?, ?)", rows)
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_cache(path: Optional[str]) -> Optional[EmbeddingCache]:
    return EmbeddingCache(Path(path)) if path else None


__all__: List[str] = ["EmbeddingCache", "cache_key", "open_cache"]
