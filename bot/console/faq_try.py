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
from typing import Any, Dict, Mapping, Optional

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
TRY_WAIT_S = 10.0  # well under the console's response timeout


@dataclass(frozen=True)
class TryResult:
    result: LookupResult
    intent: Optional[str]  # what the NLU made of the message (None: Rasa not reached)


class DraftSearch:
    """Indexes of recent versions, each built once in the background (a classifier fit:
    seconds, a minute on a busy machine); a try waits a little for it, never a minute."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._prepare_lock = threading.Lock()
        self._indexes: "OrderedDict[int, FaqIndex]" = OrderedDict()
        self._building: Dict[int, threading.Thread] = {}
        self._embeddings: Optional[Embeddings] = None
        self._ready = False

    def _prepare(self) -> None:
        with self._prepare_lock:
            if self._ready:
                return
            load_dictionary(self._settings.dictionary_dir)
            try:
                from bot.semantics import shared_encoder

                shared_encoder(1)
                self._embeddings = Embeddings(self._settings.embedding_cache_file,
                                              catalogue=Catalogue.load(self._settings.catalogue_file))
            except EncoderUnavailable as error:
                logger.error("console: the draft search reads words only: %s", error)
            self._ready = True

    def _build(self, version: Version) -> None:
        try:
            self._prepare()
            fill = Catalogue.load(self._settings.catalogue_file).fill
            index = FaqIndex(load_knowledge_base(self._settings.faq_dir, fill, version.entries), self._embeddings)
        except Exception:  # noqa: BLE001 - the page says the search is not ready; the log says why
            logger.exception("console: the index of FAQ version %s could not be built", version.number)
            with self._lock:
                self._building.pop(version.number, None)
            return
        with self._lock:
            self._indexes[version.number] = index
            while len(self._indexes) > KEPT_INDEXES:
                self._indexes.popitem(last=False)
            self._building.pop(version.number, None)

    def warm(self, version: Version) -> Optional[threading.Thread]:
        """Start building ``version``'s index unless it is built or being built (the
        editor page was opened: the admin will likely try a message)."""
        with self._lock:
            if version.number in self._indexes:
                self._indexes.move_to_end(version.number)
                return None
            build = self._building.get(version.number)
            if build is None:
                build = threading.Thread(target=self._build, args=(version,), name="faq-draft-index", daemon=True)
                self._building[version.number] = build
                build.start()
            return build

    def index(self, version: Version, wait: float) -> Optional[FaqIndex]:
        """The index, waiting at most ``wait`` seconds for it; None while it is being built."""
        build = self.warm(version)
        if build is not None:
            build.join(wait)
        with self._lock:
            return self._indexes.get(version.number)

    def ask(self, version: Version, text: str, parse: Optional[Mapping[str, Any]],
            wait: float = TRY_WAIT_S) -> Optional[TryResult]:
        """Blocking: run it in a thread. ``parse``: the NLU's parse data, if Rasa answered.
        None: the index is still being built (try again in a moment)."""
        index = self.index(version, wait)
        if index is None:
            return None
        intent = ((parse or {}).get("intent") or {}).get("name") if parse else None
        urgency = PriorityRules.load(self._settings.support_dir / "priorities.yml").urgency
        vector = carried_vector(parse, DIMENSION)
        return TryResult(decide(index, urgency, text, intent, vector), intent)
