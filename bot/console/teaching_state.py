"""What the corrections, the misunderstood inbox and the model page share: the
corrections store, the intents staff pick from, the inbox's approved examples."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Optional, Tuple

from sqlalchemy.engine import Engine

from bot.handoff.sla import ServiceHours
from bot.names import Names
from bot.reports.period import zone
from bot.settings import Settings
from bot.storage.corrections import CorrectionStore
from bot.storage.inbox import InboxStore
from bot.storage.models import NEW_FAQ_QUESTION
from bot.teaching.intents import NEW_FAQ_LABEL, IntentChoice, domain_intents, intent_choices


@dataclass(frozen=True)
class Teaching:
    corrections: CorrectionStore
    choices: Tuple[IntentChoice, ...]
    zone: tzinfo  # of the service hours: the day ``since`` begins
    approved: InboxStore  # the inbox's approved examples (exported with the corrections)

    @classmethod
    def build(cls, settings: Settings, names: Names, database: Engine) -> "Teaching":
        intents = domain_intents(settings.project_dir / "domain.yml")
        choices = intent_choices(intents, names.section("intents"), lambda name: names.label("intents", name))
        where = zone(ServiceHours.load(settings.support_dir / "service_hours.yml").timezone)
        return cls(CorrectionStore(database), choices, where, InboxStore(database))

    def label(self, intent: Optional[str]) -> str:
        if intent == NEW_FAQ_QUESTION:
            return NEW_FAQ_LABEL
        return next((c.label for c in self.choices if c.name == intent), intent or "")
