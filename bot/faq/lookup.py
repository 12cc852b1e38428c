"""Decide what to answer from the FAQ: one entry, close alternatives, or nothing.

``FaqService`` rebuilds its index when a file under the FAQ directory changes,
so editing an answer needs no retraining and no restart. A file that cannot be
read (a half-saved edit) is logged and the last good index keeps answering.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Tuple

from bot.faq.index import FaqIndex, Match
from bot.faq.knowledge_base import (
    FaqEntry,
    IntentRoute,
    KnowledgeBaseError,
    knowledge_base_files,
    load_knowledge_base,
)

logger = logging.getLogger(__name__)


class FaqUnavailable(RuntimeError):
    """No version of the knowledge base could ever be loaded."""


@dataclass(frozen=True)
class LookupResult:
    answer: Optional[FaqEntry]
    score: float
    suggestions: Tuple[FaqEntry, ...]


class FaqService:
    """Thread-safe holder of the current index, rebuilt on file changes."""

    def __init__(self, directory: Path, fill: Callable[[str], str] = str) -> None:
        self._directory = directory
        self._fill = fill
        self._lock = threading.Lock()
        self._signature: Optional[tuple] = None
        self._index: Optional[FaqIndex] = None

    def _files_signature(self) -> tuple:
        stats = ((p.name, p.stat()) for p in knowledge_base_files(self._directory))
        return tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats)

    @property
    def index(self) -> FaqIndex:
        """The index of the current files, else of the last files that loaded.

        Blocking (reads files, fits a classifier for seconds after an edit):
        async callers run it in a thread."""
        signature = self._files_signature()
        with self._lock:
            if signature != self._signature:
                self._signature = signature  # a broken edit is reported once, not per call
                try:
                    self._index = FaqIndex(load_knowledge_base(self._directory, self._fill))
                except KnowledgeBaseError as error:
                    logger.error("FAQ not reloaded, %s: %s", "no index yet" if self._index is None
                                 else "answering from the last good version", error)
            if self._index is None:
                raise FaqUnavailable(f"no usable knowledge base in {self._directory}")
            return self._index

    def entry(self, entry_id: str) -> Optional[FaqEntry]:
        return self.index.kb.by_id.get(entry_id)

    def lookup(self, text: str, intent: Optional[str]) -> LookupResult:
        index = self.index
        settings = index.kb.settings
        if intent is not None and intent not in settings.intents:
            # Greetings, chit-chat, out-of-scope: not questions for the FAQ.
            return LookupResult(None, 0.0, ())
        route = settings.intents.get(intent or "", IntentRoute())
        threshold = route.threshold if route.threshold is not None else settings.answer_threshold
        matches = index.search(text, route.area, settings.area_boost)
        if not matches or matches[0].score < threshold:
            score = matches[0].score if matches else 0.0
            return LookupResult(None, score, ())
        best = matches[0]
        close: List[Match] = [
            m for m in matches[1:] if m.score >= best.score * settings.suggest_ratio
        ][: settings.max_suggestions]
        return LookupResult(best.entry, best.score, tuple(m.entry for m in close))
