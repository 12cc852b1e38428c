"""The one place that builds objects shared by actions, lazily on first use.

Everything here may block (files, the database, a classifier fit, spaCy):
actions call these objects through `blocking`, never on the event loop.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.complaints import ComplaintWords
from bot.diagnostics.spec import DiagnosticsSpec
from bot.faq.knowledge_base import KnowledgeBaseError, load_knowledge_base
from bot.faq.lookup import FaqService
from bot.handoff.phrases import HandoffPhrases
from bot.handoff.priority import PriorityRules
from bot.handoff.sla import ServiceHours, SlaClock
from bot.names import Names
from bot.pii import Redactor, default_redactor
from bot.semantics import shared_encoder
from bot.semantics.embeddings import Embeddings
from bot.semantics.engine import EncoderUnavailable
from bot.settings import Settings, process_settings
from bot.storage.desk import TicketDesk
from bot.storage.engine import make_engine
from bot.storage.faq_versions import FaqVersionStore
from bot.storage.migrate import SchemaNotCurrent, require_current
from bot.storage.tickets import TicketStore, TicketStoreUnavailable
from bot.text.catalogue import Catalogue
from bot.text.segment import load_dictionary
from bot.texts import Replies, Texts
from bot.urgency_by_meaning import EitherUrgency, MeaningUrgency, load_meaning, ordinary_questions

logger = logging.getLogger(__name__)
T = TypeVar("T")


async def blocking(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``work`` in a worker thread, so one slow call never stalls other customers."""
    return await asyncio.to_thread(work, *args, **kwargs)


def settings() -> Settings:
    return process_settings()


@lru_cache(maxsize=1)
def texts() -> Texts:
    return Texts.load(settings().support_dir)


@lru_cache(maxsize=1)
def names() -> Names:
    """The Chinese names of intents, actions ... (a pressed button described in a transcript)."""
    return Names.load(settings().support_dir)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    return Catalogue.load(settings().catalogue_file)


@lru_cache(maxsize=1)
def embeddings() -> Optional[Embeddings]:
    """The sentence encoder for the FAQ search; None (words only) if it cannot run here."""
    try:
        shared_encoder(1)
    except EncoderUnavailable as error:
        logger.error("The FAQ is searched by its words only: %s", error)
        return None
    return Embeddings(settings().embedding_cache_file, catalogue=catalogue())


class PublishedFaq:
    """The version of the entries the console published (bot.storage.faq_versions), read
    through the ticket database as it is reachable (raises while it is down)."""

    def published_id(self) -> Optional[int]:
        return faq_versions().published_id()

    def entries_of(self, version_id: int) -> List[Dict[str, Any]]:
        return faq_versions().entries_of(version_id)


@lru_cache(maxsize=1)
def faq_service() -> FaqService:
    """Theft and fraud reach the urgent answers through the detector the P1 rule uses;
    entries are found by meaning beside their words; the console's published version,
    once there is one, replaces the files' entries."""
    load_dictionary(settings().dictionary_dir)
    return FaqService(settings().faq_dir, catalogue().fill, priority_rules().urgency, embeddings(),
                      published=PublishedFaq())


@lru_cache(maxsize=1)
def _ticket_engine() -> Engine:
    """The ticket database; `TicketStoreUnavailable` while it is down or not migrated
    (`python -m bot db-upgrade`). A failure is not cached: the next call tries again."""
    url = settings().database_url
    try:
        require_current(url)
    except (SchemaNotCurrent, SQLAlchemyError) as error:
        raise TicketStoreUnavailable(str(error)) from error
    return make_engine(url)


@lru_cache(maxsize=1)
def ticket_store() -> TicketStore:
    return TicketStore(_ticket_engine())


@lru_cache(maxsize=1)
def faq_versions() -> FaqVersionStore:
    return FaqVersionStore(_ticket_engine())


@lru_cache(maxsize=1)
def desk() -> TicketDesk:
    """What happens to tickets after they are opened (cancelling, the audit trail)."""
    return TicketDesk(_ticket_engine())


@lru_cache(maxsize=1)
def handoff_phrases() -> HandoffPhrases:
    return HandoffPhrases.load(settings().support_dir)


@lru_cache(maxsize=1)
def sla_clock() -> SlaClock:
    return SlaClock(ServiceHours.load(settings().support_dir / "service_hours.yml"),
                    texts().replies("due_times"))


@lru_cache(maxsize=1)
def meaning_urgency() -> Optional[MeaningUrgency]:
    """The model that reads theft and fraud by meaning; None (the lexicon alone) if the
    sentence encoder cannot run here or the examples are missing."""
    examples = settings().support_dir / "urgency_examples.yml"
    if not examples.is_file():
        logger.warning("No %s: theft and fraud are found by the lexicon's words only", examples.name)
        return None
    try:
        kb = load_knowledge_base(settings().faq_dir, catalogue().fill)
        return load_meaning(examples, settings().embedding_cache_file, ordinary_questions(kb), catalogue())
    except KnowledgeBaseError as error:
        logger.error("No knowledge base to read theft and fraud against: %s", error)
        return None
    except EncoderUnavailable as error:
        logger.error("Theft and fraud are found by the lexicon's words only: %s", error)
        return None


@lru_cache(maxsize=1)
def priority_rules() -> PriorityRules:
    """The rule table; theft and fraud told in words the lexicon knows or by meaning."""
    rules = PriorityRules.load(settings().support_dir / "priorities.yml")
    if rules.urgency is None:
        return rules
    return replace(rules, urgency=EitherUrgency(rules.urgency, meaning_urgency()))


@lru_cache(maxsize=1)
def complaint_words() -> ComplaintWords:
    return ComplaintWords.load(settings().support_dir / "handoff.yml")


@lru_cache(maxsize=1)
def replies() -> Replies:
    return texts().replies("actions")


@lru_cache(maxsize=1)
def diagnostics() -> DiagnosticsSpec:
    return DiagnosticsSpec.load(settings().support_dir)


def redactor() -> Redactor:
    return default_redactor()


def warm_up() -> None:
    """Build everything now instead of during the first customer's turn.

    Called when the action server starts (`rasa_sdk_plugins`). A part that
    cannot be built (the ticket database is down or not migrated) is logged
    and left to be built, or to fail politely, on first use.
    """
    parts: Dict[str, Callable[[], object]] = {
        "FAQ index": lambda: faq_service().index,
        "FAQ publications watch": _watch_faq,
        "ticket database": ticket_store,
        "PII redactor": lambda: redactor().redact("13800000000"),
        "texts": replies,
        "handoff phrases": handoff_phrases,
        "diagnostics": diagnostics,
        "SLA clock": sla_clock,
        "priority rules": priority_rules,
    }
    for name, build in parts.items():
        try:
            build()
        except Exception as error:  # noqa: BLE001 - a warm-up must never stop the server starting
            logger.error("Could not prepare the %s at start (will retry on first use): %s", name, error)


@lru_cache(maxsize=1)
def _watch_faq() -> object:
    """Once per process: a publish reaches this worker even while no customer talks to it."""
    return faq_service().watch()


def reset() -> None:
    """Forget every shared object (tests point the settings elsewhere)."""
    cached: List[Any] = [process_settings, texts, names, catalogue, embeddings, faq_service, _ticket_engine,
                         ticket_store, desk, faq_versions, handoff_phrases, sla_clock, meaning_urgency,
                         priority_rules, complaint_words, replies, diagnostics]
    for built in cached:
        built.cache_clear()
