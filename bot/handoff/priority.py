"""Ticket priority and handoff reason from the rule table in data/support/priorities.yml."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from bot.urgency import UrgencyDetector, UrgencyLexicon

ORDER = ("P1", "P2", "P3")


@dataclass(frozen=True)
class Rule:
    priority: str
    keywords: Tuple[str, ...] = ()
    intents: Tuple[str, ...] = ()
    faq_urgent: bool = False
    # The customer told of theft or fraud (the theft_fraud lexicon, bot.urgency).
    theft_fraud: bool = False

    def matches(self, texts: List[str], intents: Iterable[str], faq_urgent: bool,
                urgency: Optional[UrgencyDetector] = None) -> bool:
        if self.keywords and any(k in t for t in texts for k in self.keywords):
            return True
        if self.intents and set(self.intents) & set(intents):
            return True
        if self.theft_fraud and urgency is not None and urgency.any_in(texts):
            return True
        return self.faq_urgent and faq_urgent


@dataclass(frozen=True)
class PriorityRules:
    rules: Tuple[Rule, ...]
    default: str
    raise_for_reasons: Tuple[str, ...]
    reasons: Dict[str, str]
    default_reason: str
    urgency: Optional[UrgencyDetector] = None

    @classmethod
    def load(cls, path: Path) -> "PriorityRules":
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            rules=tuple(
                Rule(r["priority"], tuple(r.get("keywords", ())), tuple(r.get("intents", ())),
                     bool(r.get("faq_urgent", False)), bool(r.get("theft_fraud", False)))
                for r in raw["priority_rules"]
            ),
            default=raw["default"],
            raise_for_reasons=tuple(raw.get("raise_for_reasons", ())),
            reasons=dict(raw.get("reasons", {})),
            default_reason=raw.get("default_reason", "other"),
            urgency=UrgencyLexicon.from_mapping(raw["theft_fraud"]) if raw.get("theft_fraud") else None,
        )

    def reason_for(self, intent: Optional[str]) -> str:
        return self.reasons.get(intent or "", self.default_reason)

    def priority_for(self, customer_texts: List[str], intents: Iterable[str], reason: str,
                     faq_urgent: bool = False) -> str:
        intents = list(intents)
        priority = next(
            (r.priority for r in self.rules
             if r.matches(customer_texts, intents, faq_urgent, self.urgency)),
            self.default,
        )
        if reason in self.raise_for_reasons:
            priority = ORDER[max(0, ORDER.index(priority) - 1)]
        return priority
