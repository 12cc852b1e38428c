"""Which customer turns the bot was unsure of, read from one conversation's Rasa events (pure).

A turn is unsure when the NLU fell back (``nlu_fallback``), when its top intent's
confidence is under the FallbackClassifier's ``threshold``, or when its top two
intents are closer than its ``ambiguity_threshold`` (both read from config.yml, so
the inbox and the bot agree); and a FAQ search found no answer when the FAQ action
set ``faq_outcome`` to ``not_found`` (actions/faq.py) after the customer's message.
Buttons (``/intent`` payloads) and turns while a person owns the conversation (the
bot only records them) are left out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_COMPONENT = "FallbackClassifier"
NOT_FOUND = "not_found"  # actions/faq.py NOT_FOUND
FAQ_OUTCOME_SLOT = "faq_outcome"

# Where an inbox message came from (the page names them, data/support/texts.yml ``inbox.sources``).
FALLBACK = "fallback"  # the NLU fell back for another reason (no known word)
LOW_CONFIDENCE = "low_confidence"
AMBIGUOUS = "ambiguous"
FAQ_NOT_FOUND = "faq_not_found"
CORRECTED = "corrected"  # staff gave the turn another intent
ANSWER_WRONG = "answer_wrong"  # staff marked the bot's answer to it wrong
SOURCES = (LOW_CONFIDENCE, AMBIGUOUS, FALLBACK, FAQ_NOT_FOUND, CORRECTED, ANSWER_WRONG)


@dataclass(frozen=True)
class Thresholds:
    threshold: float = 0.3
    ambiguity: float = 0.1  # Rasa's defaults

    @classmethod
    def from_config(cls, config_file: Path) -> "Thresholds":
        """The FallbackClassifier's settings in config.yml (Rasa's defaults without one)."""
        raw = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
        for component in raw.get("pipeline") or []:
            if isinstance(component, Mapping) and str(component.get("name", "")).endswith(FALLBACK_COMPONENT):
                return cls(float(component.get("threshold", cls.threshold)),
                           float(component.get("ambiguity_threshold", cls.ambiguity)))
        return cls()


@dataclass(frozen=True)
class UnsureTurn:
    """A customer message of the conversation and why it is in the inbox."""

    event_id: int  # the tracker store's row
    timestamp: float  # tracker time
    text: str  # as stored (masked by the tracker store)
    sources: Tuple[str, ...]
    intent: Optional[str]  # the bot's best reading besides the fallback

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp, timezone.utc)


def _ranking(parse: Mapping[str, Any]) -> List[Tuple[str, float]]:
    ranked = [(str(i.get("name")), float(i.get("confidence") or 0.0)) for i in parse.get("intent_ranking") or []
              if isinstance(i, Mapping) and i.get("name") and i.get("name") != FALLBACK_INTENT]
    if not ranked:
        intent = parse.get("intent") or {}
        if isinstance(intent, Mapping) and intent.get("name") and intent.get("name") != FALLBACK_INTENT:
            ranked = [(str(intent["name"]), float(intent.get("confidence") or 0.0))]
    return sorted(ranked, key=lambda pair: -pair[1])


def unsure_reasons(parse: Mapping[str, Any], limits: Thresholds) -> Tuple[Tuple[str, ...], Optional[str]]:
    """Why the NLU's reading of one message is unsure (nothing when it is sure), and
    the intent it would have picked."""
    ranked = _ranking(parse)
    top = ranked[0] if ranked else None
    intent = parse.get("intent") or {}
    fell_back = isinstance(intent, Mapping) and intent.get("name") == FALLBACK_INTENT
    reasons: List[str] = []
    if top is None or top[1] < limits.threshold:
        reasons.append(LOW_CONFIDENCE)
    elif len(ranked) > 1 and top[1] - ranked[1][1] < limits.ambiguity:
        reasons.append(AMBIGUOUS)
    elif fell_back:
        reasons.append(FALLBACK)
    if top is None and not fell_back:
        return (), None  # no NLU reading at all (an old or a hand-written event)
    return tuple(reasons), top[0] if top else None


def unsure_turns(events: Iterable[Tuple[int, Mapping[str, Any]]], limits: Thresholds) -> List[UnsureTurn]:
    """The unsure turns of one conversation: ``events`` are (row id, event) oldest first."""
    found: List[UnsureTurn] = []
    current: Optional[Dict[str, Any]] = None
    paused = False

    def close() -> None:
        if current is not None and current["sources"]:
            found.append(UnsureTurn(current["id"], current["timestamp"], current["text"],
                                    tuple(s for s in SOURCES if s in current["sources"]), current["intent"]))

    for event_id, event in events:
        kind = event.get("event")
        if kind == "user":
            close()
            current = None
            text = event.get("text")
            if paused or not isinstance(text, str) or not text.strip() or text.startswith("/"):
                continue
            parse = event.get("parse_data")
            reasons, intent = unsure_reasons(parse if isinstance(parse, Mapping) else {}, limits)
            current = {"id": event_id, "timestamp": float(event.get("timestamp") or 0.0), "text": text,
                       "sources": set(reasons), "intent": intent}
        elif kind == "slot" and event.get("name") == FAQ_OUTCOME_SLOT and current is not None:
            if event.get("value") == NOT_FOUND:
                current["sources"].add(FAQ_NOT_FOUND)
        elif kind == "pause":
            paused = True
        elif kind in ("resume", "restart"):
            paused = False
    close()
    return found


def turns_of(rows: Sequence[Tuple[int, str, Mapping[str, Any]]], limits: Thresholds) -> Dict[str, List[UnsureTurn]]:
    """Unsure turns by sender from (row id, sender id, event) rows ordered by sender and id."""
    by_sender: Dict[str, List[Tuple[int, Mapping[str, Any]]]] = {}
    for event_id, sender_id, event in rows:
        by_sender.setdefault(sender_id, []).append((event_id, event))
    return {sender: turns for sender, events in by_sender.items() if (turns := unsure_turns(events, limits))}
