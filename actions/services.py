"""The one place that builds objects shared by actions, lazily on first use."""
from __future__ import annotations

import logging
from functools import lru_cache

from bot.config import Settings
from bot.diagnostics.spec import DiagnosticsSpec
from bot.faq.lookup import FaqService
from bot.pii import default_redactor
from bot.replies import Replies
from bot.text.segment import load_dictionary
from bot.tickets.db import make_engine
from bot.tickets.migrate import upgrade
from bot.tickets.priority import PriorityRules
from bot.tickets.sla import ServiceHours, SlaClock
from bot.tickets.store import TicketStore

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


@lru_cache(maxsize=1)
def faq_service() -> FaqService:
    load_dictionary(settings().dictionary_dir)
    return FaqService(settings().faq_dir)


@lru_cache(maxsize=1)
def ticket_store() -> TicketStore:
    """The ticket database, migrated to the latest schema on first use."""
    url = settings().tickets_db_url
    upgrade(url)
    return TicketStore(make_engine(url))


@lru_cache(maxsize=1)
def sla_clock() -> SlaClock:
    return SlaClock(ServiceHours.load(settings().support_dir / "service_hours.yml"))


@lru_cache(maxsize=1)
def priority_rules() -> PriorityRules:
    return PriorityRules.load(settings().support_dir / "priorities.yml")


@lru_cache(maxsize=1)
def replies() -> Replies:
    return Replies.load(settings().support_dir / "replies.yml")


@lru_cache(maxsize=1)
def diagnostics() -> DiagnosticsSpec:
    return DiagnosticsSpec.load(settings().support_dir / "diagnostics.yml")


def warm_up() -> None:
    """Build everything now instead of during the first customer's turn.

    Called when the action server starts (`rasa_sdk_plugins`). A part that
    cannot be built (the ticket database is down) is logged and left to be
    built, or to fail politely, on first use.
    """
    parts = {
        "FAQ index": lambda: faq_service().index,
        "ticket database": ticket_store,
        "PII redactor": lambda: default_redactor().redact("13800000000"),
        "replies": replies,
        "diagnostics": diagnostics,
        "SLA clock": sla_clock,
        "priority rules": priority_rules,
    }
    for name, build in parts.items():
        try:
            build()
        except Exception:  # noqa: BLE001 - a warm-up must never stop the server starting
            logger.exception("Could not prepare the %s at start; will retry on first use", name)


def reset() -> None:
    """Forget every shared object (tests point the settings elsewhere)."""
    for cached in (settings, faq_service, ticket_store, sla_clock, priority_rules, replies,
                   diagnostics):
        cached.cache_clear()
