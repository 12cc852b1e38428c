"""The export end to end: the corrections (and the examples approved in the inbox) since
a moment, the project's files they are compared with, the two texts to write. Blocking
(database, files, the PII redactor): the console runs it in a worker thread. The CLI's
``export-nlu``, the admin's download buttons and a candidate's training data all call
`export_corrections`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from bot.faq.knowledge_base import load_knowledge_base
from bot.pii import default_redactor
from bot.settings import Settings
from bot.storage.corrections import CorrectionStore
from bot.storage.inbox import InboxStore
from bot.teaching.examples import KnownExamples, normalise
from bot.teaching.faq_drafts import FaqDrafts, faq_drafts
from bot.teaching.intents import domain_intents
from bot.teaching.nlu_export import NluExport, export_nlu
from bot.text.catalogue import Catalogue


@dataclass(frozen=True)
class Exports:
    nlu: NluExport
    faq: FaqDrafts
    corrections: int  # read from the store
    approved: int = 0  # examples approved in the inbox, read from its store


def export_corrections(settings: Settings, store: CorrectionStore, since: Optional[datetime],
                       now: datetime, inbox: Optional[InboxStore] = None) -> Exports:
    """Corrections made (and inbox examples approved) at or after ``since`` (all of them when None)."""
    records = store.between(since)
    approved = inbox.approved(since) if inbox is not None else []
    catalogue = Catalogue.load(settings.catalogue_file)
    known = KnownExamples.load(settings.project_dir, catalogue, settings.real_dev_file)
    redactor = default_redactor()

    def redact(text: str) -> str:
        return redactor.redact(text).text

    knowledge = load_knowledge_base(settings.faq_dir)
    questions = frozenset(normalise(q, catalogue) for entry in knowledge.entries for q in entry.questions)
    routes = {intent: route.area for intent, route in knowledge.settings.intents.items()}
    nlu = export_nlu(records, known, domain_intents(settings.project_dir / "domain.yml"), redact, now,
                     [(a.text, a.intent) for a in approved])
    return Exports(nlu, faq_drafts(records, known, questions, routes, redact, now), len(records), len(approved))
