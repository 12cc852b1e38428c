"""Suggested answers for the console: the bot's own FAQ search (`bot.faq.lookup.FaqService`,
the fused TF-IDF + sentence-embedding index) and the canned replies by the same meaning.

The console never loads Rasa: only the FAQ's classes and the sentence encoder.
Building the index fits a classifier (15 s and more on a busy machine), so it is
built once, in a background thread started by the first ticket that asks
(`prepare`), while pages keep answering; afterwards the FaqService rebuilds it in
the background when a file under data/faq changes, as in the action server.
Everything here blocks: the routes call it through ``asyncio.to_thread``.
"""
from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Callable, List, Optional, Sequence, Tuple

import numpy as np

from bot.console.canned import CannedLibrary, CannedReply, CannedReplyError
from bot.console.suggestion_ranking import CANNED, FAQ, Suggestion, meaning_probabilities, rank_suggestions
from bot.faq.knowledge_base import IntentRoute
from bot.settings import Settings

if TYPE_CHECKING:  # imported when first built: a console nobody asks for suggestions stays light
    from bot.faq.lookup import FaqService
    from bot.semantics.embeddings import Embeddings
    from bot.storage.faq_versions import FaqVersionStore

logger = logging.getLogger(__name__)

IDLE, PREPARING, READY, FAILED = "idle", "preparing", "ready", "failed"
Search = Tuple["FaqService", Optional["Embeddings"]]


def faq_search(settings: Settings, fill: Callable[[str], str], published: "FaqVersionStore") -> Search:
    """The FAQ search as the action server builds it (`actions.services.faq_service`),
    without the theft-and-fraud detector (agents read the message themselves), and the
    encoder it reads meaning with (None: words only, where the encoder cannot run).
    Like the bot, it answers from the version published in the knowledge-base editor."""
    from bot.faq.lookup import FaqService
    from bot.semantics import shared_encoder
    from bot.semantics.embeddings import Embeddings
    from bot.semantics.engine import EncoderUnavailable
    from bot.text.catalogue import Catalogue
    from bot.text.segment import load_dictionary

    load_dictionary(settings.dictionary_dir)
    embeddings: Optional["Embeddings"] = None
    try:
        shared_encoder(1)
        embeddings = Embeddings(settings.embedding_cache_file, catalogue=Catalogue.load(settings.catalogue_file))
    except EncoderUnavailable as error:
        logger.error("Suggestions read the FAQ's words only, and no canned replies: %s", error)
    return FaqService(settings.faq_dir, fill, None, embeddings, published=published), embeddings


def canned_text(reply: CannedReply) -> str:
    """What a canned reply means: its title and its text."""
    return f"{reply.title}：{reply.text}"


class Suggester:
    """One per console. ``build`` makes the search (`faq_search` by default; tests pass
    a stand-in)."""

    def __init__(self, canned: CannedLibrary, build: Callable[[], Search]) -> None:
        self._canned = canned
        self._build = build
        self._lock = threading.Lock()
        self._state = IDLE
        self._search: Optional[Search] = None
        self._canned_vectors: Tuple[Tuple[CannedReply, ...], Optional[np.ndarray]] = ((), None)

    @classmethod
    def for_settings(cls, settings: Settings, canned: CannedLibrary, published: "FaqVersionStore") -> "Suggester":
        """``published``: the knowledge-base versions (the console's one store of them)."""
        return cls(canned, lambda: faq_search(settings, canned.catalogue.fill, published))

    @property
    def state(self) -> str:
        return self._state

    def prepare(self) -> str:
        """Start building the search in the background, once (again after a failure);
        never waits. The state: preparing, ready or failed."""
        with self._lock:
            if self._state in (IDLE, FAILED):
                self._state = PREPARING
                threading.Thread(target=self._prepare, name="console-suggestions", daemon=True).start()
            return self._state

    def _prepare(self) -> None:
        try:
            service, embeddings = self._build()
            service.index  # noqa: B018 - the first build, waited for here and not by a page
            if embeddings is not None:
                self._vectors(self._canned_replies(), embeddings)
        except Exception:  # noqa: BLE001 - logged; the next request tries again
            logger.exception("console: suggestions could not be prepared")
            with self._lock:
                self._state = FAILED
            return
        with self._lock:
            self._search, self._state = (service, embeddings), READY

    def _canned_replies(self) -> Tuple[CannedReply, ...]:
        """As staff send them; none while the file is broken (the FAQ's answers still come)."""
        try:
            return tuple(self._canned.filled())
        except CannedReplyError as error:
            logger.error("console: canned replies unusable for suggestions: %s", error)
            return ()

    def _vectors(self, replies: Tuple[CannedReply, ...], embeddings: "Embeddings") -> np.ndarray:
        """The canned replies' embeddings (through the persistent cache), again after an edit."""
        known, vectors = self._canned_vectors
        if vectors is None or known != replies:
            vectors = embeddings.ours([canned_text(r) for r in replies])
            self._canned_vectors = (replies, vectors)
        return vectors

    def suggest(self, text: str, intent: Optional[str] = None) -> List[Suggestion]:
        """At most three answers for ``text`` (a masked customer message), best first.
        ``intent``: the one the NLU read in it, whose area the bot's search favours too."""
        if self._search is None:
            raise RuntimeError("suggestions are not prepared yet: call prepare() first")
        service, embeddings = self._search
        index = service.index
        vector = embeddings.message(text) if embeddings is not None else None
        settings = index.kb.settings
        route = settings.intents.get(intent or "", IntentRoute())
        # A probability, boosted for the intent's area as the bot does: at most 1 again
        # (the ranking is the boosted one, ties kept in its order).
        faq = [Suggestion(FAQ, m.entry.id, m.entry.title, m.entry.answer.strip(), min(m.score, 1.0))
               for m in index.rank(text, route.area, settings.area_boost, vector).matches]
        canned: List[Suggestion] = []
        if embeddings is not None and vector is not None:
            replies = self._canned_replies()
            canned = self._by_meaning(replies, self._vectors(replies, embeddings), vector)
        return rank_suggestions(faq, canned)

    @staticmethod
    def _by_meaning(replies: Sequence[CannedReply], vectors: np.ndarray, vector: np.ndarray) -> List[Suggestion]:
        if not replies:
            return []
        similarities = [float(value) for value in vectors @ vector]
        return [Suggestion(CANNED, r.code, r.title, r.text, p)
                for r, p in zip(replies, meaning_probabilities(similarities))]
