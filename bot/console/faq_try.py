""""Which entry would answer this?": the bot's own search run on a draft version.

The same index (bot.faq.index) and the same answer decision (bot.faq.lookup.decide)
as the action server, on the version being edited. The message's intent and
sentence embedding come from the Rasa server's NLU (``/model/parse``), as for a
customer; without Rasa the whole knowledge base is searched with the message
embedded here. Theft and fraud are found by the lexicon the P1 rule uses (the
action server adds a model of their meaning).
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from bot.faq.index import FaqIndex
from bot.faq.knowledge_base import load_knowledge_base
from bot.faq.lookup import LookupResult, decide
from bot.handoff.priority import PriorityRules
from bot.semantics.carried import carried_vector
from bot.semantics.embeddings import Embeddings
from bot.semantics.encoder import DIMENSION
from bot.semantics.engine import EncoderUnavailable
from bot.settings import Settings
from bot.storage.faq_versions import Version
from bot.text.catalogue import Catalogue
from bot.text.segment import load_dictionary

logger = logging.getLogger(__name__)
KEPT_INDEXES = 2  # the draft and the published version


@dataclass(frozen=True)
class TryResult:
    result: LookupResult
    intent: Optional[str]  # what the NLU made of the message (None: Rasa not reached)


class DraftSearch:
    """Indexes of recent versions, built on first use (seconds: a classifier fit)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._indexes: "OrderedDict[int, FaqIndex]" = OrderedDict()
        self._embeddings: Optional[Embeddings] = None
        self._ready = False

    def _prepare(self) -> None:
        if self._ready:
            return
        load_dictionary(self._settings.dictionary_dir)
        try:
            from bot.semantics import shared_encoder

            shared_encoder(1)
            self._embeddings = Embeddings(self._settings.embedding_cache_file)
        except EncoderUnavailable as error:
            logger.error("console: the draft search reads words only: %s", error)
        self._ready = True

    def index(self, version: Version) -> FaqIndex:
        with self._lock:
            self._prepare()
            index = self._indexes.get(version.number)
            if index is None:
                fill = Catalogue.load(self._settings.catalogue_file).fill
                kb = load_knowledge_base(self._settings.faq_dir, fill, version.entries)
                index = self._indexes[version.number] = FaqIndex(kb, self._embeddings)
                while len(self._indexes) > KEPT_INDEXES:
                    self._indexes.popitem(last=False)
            self._indexes.move_to_end(version.number)
            return index

    def warm(self, version: Version) -> None:
        """Build ``version``'s index in the background (the editor page was opened: the
        admin will likely try a message), so that the first try does not wait for it."""
        def build() -> None:
            try:
                self.index(version)
            except Exception:  # noqa: BLE001 - the try itself reports what is wrong
                logger.exception("console: the draft index could not be built")

        threading.Thread(target=build, name="faq-draft-index", daemon=True).start()

    def ask(self, version: Version, text: str, parse: Optional[Mapping[str, Any]]) -> TryResult:
        """Blocking: run it in a thread. ``parse``: the NLU's parse data, if Rasa answered."""
        index = self.index(version)
        intent = ((parse or {}).get("intent") or {}).get("name") if parse else None
        urgency = PriorityRules.load(self._settings.support_dir / "priorities.yml").urgency
        vector = carried_vector(parse, DIMENSION)
        return TryResult(decide(index, urgency, text, intent, vector), intent)
