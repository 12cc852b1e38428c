"""The misunderstood inbox: what the bot was unsure of or got wrong, grouped by meaning,
and what staff decide for a group. Blocking throughout (databases, the redactor, the
encoder): the console calls it in worker threads.

A **group** is messages alike in meaning (`bot.teaching.grouping`, on the centred
sentence embeddings of `bot.teaching.inbox_vectors`; identical texts count once for
the embedding and as many times as they were written). Groups are shown **largest
first** (more messages of the period), and among groups of one size **the one with
the newest message first**; the period (the last 7 or 30 days) keeps the list
recent. Decisions: approve messages as training examples of an intent, add them as
questions of a FAQ entry (a new draft version, through the editor's flow), or
ignore them; every decided message leaves the inbox (bot.storage.inbox), new ones
like them come in again.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from bot.semantics.engine import EncoderUnavailable
from bot.storage.inbox import Approval, Handled, InboxStore
from bot.teaching.approval import Refused, approve_examples, approved_intents, faq_questions
from bot.teaching.examples import KnownExamples
from bot.teaching.grouping import group_by_meaning
from bot.teaching.inbox_sources import InboxMessage, InboxSources
from bot.teaching.inbox_vectors import MessageVectors

logger = logging.getLogger(__name__)

# Chosen on bench/inbox_sample.yml (bench/inbox_grouping.py): at a centred cosine of 0.43
# 92 % of the pairs put together mean the same and 40 % of such pairs are found (F0.5
# 0.73, the best); 0.42 and 0.44 keep 86-91 % precision, from 0.41 down unrelated
# problems join (69 % and less). A split group costs one more click, a mixed one a wrong example.
THRESHOLD = 0.43
PERIODS = (7, 30)  # days the page offers
EXAMPLES = 3  # shown per group
INLINE = 64  # messages a page embeds itself; more are embedded in the background


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class InboxGroup:
    messages: Tuple[InboxMessage, ...]  # newest first

    @property
    def count(self) -> int:
        return len(self.messages)

    @property
    def newest(self) -> datetime:
        return self.messages[0].at

    @property
    def keys(self) -> Tuple[str, ...]:
        return tuple(m.key for m in self.messages)

    def examples(self, count: int = EXAMPLES) -> List[InboxMessage]:
        """The newest messages of different texts."""
        seen, found = set(), []
        for message in self.messages:
            if message.text not in seen:
                seen.add(message.text)
                found.append(message)
            if len(found) == count:
                break
        return found

    def sources(self) -> List[Tuple[str, int]]:
        """(source, messages) in `bot.teaching.misread.SOURCES` order."""
        from bot.teaching.misread import SOURCES

        counted = Counter(s for m in self.messages for s in m.sources)
        return [(s, counted[s]) for s in SOURCES if counted[s]]

    def intent(self) -> Optional[str]:
        """The intent most of its messages were given (staff's, else the bot's reading)."""
        counted = Counter(m.intent for m in self.messages if m.intent)
        return counted.most_common(1)[0][0] if counted else None


def ordered(groups: Sequence[InboxGroup]) -> List[InboxGroup]:
    return sorted(groups, key=lambda g: (-g.count, -g.newest.timestamp(), g.messages[0].key))


def build_groups(messages: Sequence[InboxMessage], vectors: np.ndarray, threshold: float = THRESHOLD
                 ) -> List[InboxGroup]:
    """``vectors``: one row per distinct text of ``messages``, in order of first appearance."""
    texts = list(dict.fromkeys(m.text for m in messages))
    row = {text: i for i, text in enumerate(texts)}
    by_text: Dict[int, List[InboxMessage]] = {}
    for message in messages:
        by_text.setdefault(row[message.text], []).append(message)
    weights = [len(by_text[i]) for i in range(len(texts))]
    groups = []
    for members in group_by_meaning(vectors, threshold, weights):
        found = sorted((m for i in members for m in by_text[i]), key=lambda m: (m.at, m.key), reverse=True)
        groups.append(InboxGroup(tuple(found)))
    return ordered(groups)


@dataclass
class Preparing:
    """Embedding the period's new messages in the background."""

    total: int
    done: int = 0
    failed: bool = False


@dataclass(frozen=True)
class Outcome:
    done: int  # messages approved, added or ignored
    refused: List[Refused] = field(default_factory=list)
    missing: int = 0  # keys no longer in the inbox (decided meanwhile, or out of the period)


class Inbox:
    """One per console. ``known`` loads the leak guard's sentences (fresh at every decision:
    the training data may have changed)."""

    def __init__(self, sources: InboxSources, store: InboxStore, vectors: MessageVectors,
                 known: Callable[[], KnownExamples], redact: Callable[[str], str],
                 threshold: float = THRESHOLD, clock: Callable[[], datetime] = _now) -> None:
        self.sources = sources
        self.store = store
        self.vectors = vectors
        self._known = known
        self._redact = redact
        self.threshold = threshold
        self._clock = clock
        self._lock = threading.Lock()
        self._preparing: Optional[Preparing] = None
        self._no_encoder = False  # the encoder cannot run here: only identical texts are grouped

    # -- reading --------------------------------------------------------------

    def pending(self, days: int) -> List[InboxMessage]:
        """The period's messages nobody decided on yet, newest first."""
        messages = self.sources.read(self._clock() - timedelta(days=days))
        handled = self.store.handled(k for m in messages for k in m.keys)
        return [m for m in messages if not handled.intersection(m.keys)]

    def groups(self, days: int) -> Tuple[List[InboxGroup], Optional[Preparing]]:
        """The groups, or (``[]``, progress) while more than `INLINE` new messages are
        being embedded in the background (the page says so and looks again)."""
        messages = self.pending(days)
        texts = list(dict.fromkeys(m.text for m in messages))
        if not self._no_encoder:
            missing = self.vectors.missing(texts)
            if len(missing) > INLINE:
                return [], self._prepare(missing)
            try:
                return build_groups(messages, self.vectors.matrix(texts), self.threshold), None
            except EncoderUnavailable as error:
                self._unavailable(error)
        return build_groups(messages, np.eye(len(texts), dtype=np.float32), self.threshold), None

    def _unavailable(self, error: Exception) -> None:
        logger.error("inbox: messages are grouped by identical text only: %s", error)
        self._no_encoder = True

    def _prepare(self, texts: List[str]) -> Preparing:
        with self._lock:
            if self._preparing is None or self._preparing.failed:
                self._preparing = Preparing(len(texts))
                threading.Thread(target=self._embed, args=(texts, self._preparing), name="inbox-vectors",
                                 daemon=True).start()
            return self._preparing

    def _embed(self, texts: List[str], progress: Preparing) -> None:
        def step(done: int) -> None:
            progress.done = done

        try:
            self.vectors.embed(texts, step)
        except EncoderUnavailable as error:
            self._unavailable(error)
        except Exception:  # noqa: BLE001 - the next page view starts again
            logger.exception("inbox: the messages could not be embedded")
            progress.failed = True
            return
        with self._lock:
            self._preparing = None

    def find(self, keys: Sequence[str], days: int = max(PERIODS)) -> Tuple[List[InboxMessage], int]:
        """The pending messages named by ``keys`` (any of a message's keys), and how many keys named none."""
        wanted = set(keys)
        found = [m for m in self.pending(days) if wanted.intersection(m.keys)]
        named = {k for m in found for k in m.keys}
        return found, len(wanted - named)

    # -- deciding -------------------------------------------------------------

    def approve(self, keys: Sequence[str], intent: str, by: str) -> Outcome:
        """``intent`` must be one of the domain's (the caller checks)."""
        messages, missing = self.find(keys)
        known = self._known()
        approved = approved_intents([(a.text, a.intent) for a in self.store.approved()], known)
        kept, refused = approve_examples([(m, m.text) for m in messages], intent, known, approved, self._redact)
        self.store.approve([Approval(_handled(m), text, intent) for m, text in kept], by)
        return Outcome(len(kept), refused, missing)

    def ignore(self, keys: Sequence[str], by: str) -> Outcome:
        messages, missing = self.find(keys)
        self.store.mark([_handled(m) for m in messages], "ignored", by)
        return Outcome(len(messages), [], missing)

    def questions(self, keys: Sequence[str], faq_questions_known: Sequence[str]
                  ) -> Tuple[List[InboxMessage], List[str], List[Refused], int]:
        """The messages as new FAQ questions: (messages kept, their questions, refusals, missing keys)."""
        from bot.teaching.examples import normalise

        messages, missing = self.find(keys)
        known = self._known()
        existing = {normalise(q, known.catalogue) for q in faq_questions_known}
        kept, refused = faq_questions([(m, m.text) for m in messages], known, existing, self._redact)
        return [m for m, _ in kept], [q for _, q in kept], refused, missing

    def mark_in_faq(self, messages: Sequence[InboxMessage], by: str) -> int:
        return self.store.mark([_handled(m) for m in messages], "faq", by)


def _handled(message: InboxMessage) -> Handled:
    return Handled(message.keys, message.sender_id, message.at)


def known_examples(project_dir: Path, catalogue_file: Path, real_dev: Optional[Path]) -> Callable[[], KnownExamples]:
    def load() -> KnownExamples:
        from bot.text.catalogue import Catalogue

        return KnownExamples.load(project_dir, Catalogue.load(catalogue_file), real_dev)

    return load
