"""Decide what to answer from the FAQ: one entry, close alternatives, or nothing.

In order: a message that tells of theft or fraud (bot.urgency) gets the urgent
entry of its kind, whatever the scores and whatever the NLU made of it (a story of
money gone at night read as out of scope must not be told "we cannot help"); a
message the NLU did not route to the FAQ gets nothing; otherwise the best entry
answers when it reaches the threshold (higher when it lies outside the predicted
intent's area) and no topic the knowledge base does not cover (not_covered.yml)
comes close to it. Nothing else guesses: the rules then give a known problem its first aid.

``FaqService`` rebuilds its index when a file under the FAQ directory changes,
or when the console publishes another version of the entries (``PublishedEntries``,
polled: one cheap query), so editing an answer needs no retraining and no restart;
the rebuild runs in the background while the last index keeps answering. A file
that cannot be read (a half-saved edit) is logged and the last good index keeps answering.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, List, Mapping, Optional, Protocol, Sequence, Tuple

import numpy as np

from bot.faq.index import FaqIndex, Match, Ranking
from bot.faq.knowledge_base import (
    FaqEntry,
    IntentRoute,
    KnowledgeBase,
    KnowledgeBaseError,
    knowledge_base_files,
    load_knowledge_base,
)
from bot.semantics.embeddings import Embeddings
from bot.urgency import Signal, UrgencyDetector

logger = logging.getLogger(__name__)


class FaqUnavailable(RuntimeError):
    """No version of the knowledge base could ever be loaded."""


# LookupResult.reason
ANSWERED = "answered"
URGENT = "urgent"                    # theft or fraud told: the urgent entry of its kind
NOT_FOR_FAQ = "not_for_faq"          # greetings, chit-chat, out of scope
NO_KNOWN_TERMS = "no_known_terms"
BELOW_THRESHOLD = "below_threshold"
NOT_COVERED = "not_covered"          # closest to a topic no entry answers


@dataclass(frozen=True)
class LookupResult:
    answer: Optional[FaqEntry]
    score: float
    suggestions: Tuple[FaqEntry, ...]
    reason: str = ANSWERED
    signal: Optional[Signal] = None  # the theft or fraud the message tells of
    not_covered: Optional[str] = None  # the not-covered topic that kept the answer back


class PublishedEntries(Protocol):
    """Where the console publishes versions of the entries (bot.storage.faq_versions)."""

    def published_id(self) -> Optional[int]:
        """The published version's number (None: none yet, the files answer); cheap."""

    def entries_of(self, version_id: int) -> Sequence[Mapping[str, Any]]:
        """That version's entries in the exchange format."""


# How long a lookup waits for the index of an edited knowledge base before answering
# from the last one (a rebuild fits a classifier: seconds, more under load).
FRESH_WAIT_S = 3.0


class FaqService:
    """Thread-safe holder of the current index, rebuilt in the background on file changes.

    A rebuild never holds other customers up: lookups keep answering from the last
    good index and wait at most ``fresh_wait`` seconds for the new one (only the very
    first build is waited for)."""

    def __init__(self, directory: Path, fill: Callable[[str], str] = str,
                 urgency: Optional[UrgencyDetector] = None, embeddings: Optional[Embeddings] = None,
                 fresh_wait: float = FRESH_WAIT_S, published: Optional[PublishedEntries] = None) -> None:
        self._directory = directory
        self._published = published
        self._published_id: Optional[int] = None  # the last version the poll saw
        self._poll_failed_at = 0.0
        self._fill = fill
        self._urgency = urgency
        self._embeddings = embeddings
        self._fresh_wait = fresh_wait
        self._lock = threading.Lock()
        self._signature: Optional[tuple] = None  # the files the latest build read
        self._started = 0                         # builds started, in order
        self._index_build = 0                     # the build the current index came from
        self._index: Optional[FaqIndex] = None
        self._build: Optional[threading.Thread] = None

    def _files_signature(self) -> tuple:
        stats = ((p.name, p.stat()) for p in knowledge_base_files(self._directory))
        return tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats)

    def _poll_published(self) -> Optional[int]:
        """The published version; while the database cannot be read, the last one seen
        (an outage never switches the answers back to the files)."""
        if self._published is None:
            return None
        try:
            self._published_id = self._published.published_id()
        except Exception as error:  # noqa: BLE001 - the last index keeps answering
            if time.monotonic() - self._poll_failed_at > 60:
                self._poll_failed_at = time.monotonic()
                logger.error("FAQ: the published version could not be read, answering from the last one: %s",
                             error)
        return self._published_id

    def _load(self, version: Optional[int]) -> KnowledgeBase:
        entries = None
        if version is not None and self._published is not None:
            entries = self._published.entries_of(version)
        return load_knowledge_base(self._directory, self._fill, entries)

    def _rebuild(self, number: int, version: Optional[int]) -> None:
        try:
            index = FaqIndex(self._load(version), self._embeddings)
        except KnowledgeBaseError as error:
            logger.error("FAQ not reloaded, %s: %s", "no index yet" if self._index is None
                         else "answering from the last good version", error)
            return
        except Exception:  # noqa: BLE001 - a failed rebuild must leave the last index answering
            logger.exception("FAQ not reloaded: the index could not be built")
            return
        with self._lock:
            if number > self._index_build:  # an older build finishing late never replaces a newer one
                self._index, self._index_build = index, number

    @property
    def index(self) -> FaqIndex:
        """The index of the current files, else of the last files that loaded.

        Blocking (reads files; waits for the first build, and briefly for a rebuild):
        async callers run it in a thread."""
        build, waiting_for_first = self._refresh()
        if build is not None and build.is_alive():
            build.join(None if waiting_for_first else self._fresh_wait)
        with self._lock:
            if self._index is None:
                raise FaqUnavailable(f"no usable knowledge base in {self._directory}")
            return self._index

    def _refresh(self) -> Tuple[Optional[threading.Thread], bool]:
        """Start a rebuild when the files or the published version changed; the build
        in progress (if any), and whether there is no index yet."""
        version = self._poll_published()
        signature = (self._files_signature(), version)
        with self._lock:
            if signature != self._signature:
                self._signature = signature  # a broken edit is reported once, not per call
                self._started += 1
                self._build = threading.Thread(target=self._rebuild, args=(self._started, version),
                                               name="faq-index", daemon=True)
                self._build.start()
            return self._build, self._index is None

    def watch(self, every: float = 1.0) -> threading.Thread:
        """Poll in the background, so that a worker no customer is talking to has the
        published version's index ready before its next lookup."""
        def poll() -> None:
            while True:
                try:
                    self._refresh()
                except Exception:  # noqa: BLE001 - the poller must outlive a bad moment
                    logger.exception("FAQ: checking for a new version failed")
                time.sleep(every)

        watcher = threading.Thread(target=poll, name="faq-watch", daemon=True)
        watcher.start()
        return watcher

    def entry(self, entry_id: str) -> Optional[FaqEntry]:
        return self.index.kb.by_id.get(entry_id)

    def lookup(self, text: str, intent: Optional[str], vector: Optional[np.ndarray] = None,
               strict: bool = False) -> LookupResult:
        """``vector``: the message's sentence embedding, when the NLU carried it.
        ``strict``: theft or fraud read by meaning only when it is plain (the customer
        has already called off one alarm in this conversation)."""
        urgency = self._urgency.strict() if strict and self._urgency is not None else self._urgency
        return decide(self.index, urgency, text, intent, vector)


def decide(index: FaqIndex, urgency: Optional[UrgencyDetector], text: str, intent: Optional[str],
           vector: Optional[np.ndarray] = None) -> LookupResult:
    """The bot's answer decision on ``index`` (also run by the console on a draft)."""
    settings = index.kb.settings
    route = settings.intents.get(intent or "", IntentRoute())
    signals = urgency.signals(text, vector) if urgency is not None else []
    if any(s.kind in settings.emergency for s in signals):
        return _emergency(index.kb, index.rank(text, route.area, settings.area_boost, vector), signals)
    if intent is not None and intent not in settings.intents:
        # Greetings, chit-chat, out-of-scope: not questions for the FAQ.
        return LookupResult(None, 0.0, (), NOT_FOR_FAQ)
    ranking = _without_false_alarm(index.rank(text, route.area, settings.area_boost, vector),
                                   settings.emergency.values(), urgency, text, vector)
    if settings.receiver_side.sender_tells(text):
        # "我转给我老婆的钱咋还没到帐": the sender's entries, never "别人说转给我了".
        ranking = ranking.without(settings.receiver_side.entries)
    if not ranking.matches:
        return LookupResult(None, 0.0, (), NO_KNOWN_TERMS)
    best = ranking.matches[0]
    threshold = route.threshold if route.threshold is not None else settings.answer_threshold
    if route.area is not None and best.entry.area != route.area:
        threshold = max(threshold, settings.other_area_threshold)
    topic = ranking.not_covered
    if best.score < threshold:
        if topic is not None and topic.score >= threshold and topic.score > best.score:
            # Nothing answers it, and it is clearly a topic no entry covers: say which.
            return LookupResult(None, best.score, (), NOT_COVERED, not_covered=topic.topic.id)
        return LookupResult(None, best.score, (), BELOW_THRESHOLD)
    if topic is not None and topic.score >= best.score * settings.not_covered_ratio:
        return LookupResult(None, best.score, (), NOT_COVERED, not_covered=topic.topic.id)
    others = settings.other_products
    if best.entry.id in others.entries and others.names_one(text):
        # "支付宝花呗逾期了会上征信吗": our own credit answer is about our product, not theirs.
        return LookupResult(None, best.score, (), NOT_COVERED, not_covered=others.topic)
    close: List[Match] = [
        m for m in ranking.matches[1:] if m.score >= best.score * settings.suggest_ratio
    ][: settings.max_suggestions]
    return LookupResult(best.entry, best.score, tuple(m.entry for m in close))


def _without_false_alarm(ranking: Ranking, urgent: Iterable[str], urgency: Optional[UrgencyDetector],
                         text: str, vector: Optional[np.ndarray]) -> Ranking:
    """``ranking`` without the urgent answers when they come first by likeness alone and
    meaning is sure the message tells no theft or scam: "帮奶奶弄的 她账号登不上了说是锁了"
    gets the locked-account entry, not "请立即冻结账户"."""
    urgent = set(urgent)
    if not ranking.matches or ranking.matches[0].entry.id not in urgent or urgency is None \
            or not urgency.rules_out(text, vector):
        return ranking
    return ranking.without(urgent)


def _emergency(kb: KnowledgeBase, ranking: Ranking, signals: List[Signal]) -> LookupResult:
    """The urgent entry of the kind told (of the two kinds, the one that scores higher),
    or an entry that answers this story more exactly (`emergency_specific`) when it ranks
    first, with the best other entries offered beside it."""
    settings = kb.settings
    scores = {m.entry.id: m.score for m in ranking.matches}
    told = [(kb.by_id[settings.emergency[s.kind]], s) for s in signals if s.kind in settings.emergency]
    entry, signal = max(told, key=lambda pair: scores.get(pair[0].id, 0.0))
    best = ranking.matches[0] if ranking.matches else None
    if best is not None and best.entry.id in settings.emergency_specific \
            and best.score >= settings.answer_threshold and best.score > scores.get(entry.id, 0.0):
        entry = best.entry
    urgent_ids = {e.id for e, _ in told} | {entry.id}
    others = [m.entry for m in ranking.matches
              if m.entry.id not in urgent_ids and m.score >= settings.answer_threshold]
    return LookupResult(entry, scores.get(entry.id, 0.0), tuple(others[: settings.max_suggestions]),
                        URGENT, signal=signal)
