"""Jieba word segmentation with the product dictionary (config.yml's ``dictionary_path``).

The FAQ search and PII masking segment text exactly as the NLU tokenizer does
(same dictionary, HMM off), so a product term is one word everywhere.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import List, Set

import jieba

_loaded: Set[Path] = set()
_lock = threading.Lock()


def load_dictionary(directory: Path) -> None:
    """Load every dictionary file in ``directory`` into jieba, once per process."""
    directory = directory.resolve()
    with _lock:
        if directory in _loaded:
            return
        jieba.setLogLevel(jieba.logging.WARNING)
        for path in sorted(directory.glob("*")):
            if path.is_file():
                jieba.load_userdict(str(path))
        _loaded.add(directory)


def words(text: str) -> List[str]:
    """Segment ``text`` into words, dropping whitespace."""
    return [w for w in jieba.cut(text, HMM=False) if w.strip()]
