"""What a customer's rating is, in Rasa's events: read by the reports (CSAT) and by
the tickets (the rating of a person's help is the last part of that ticket).

A rating is a customer message with the intent ``rate`` and a ``rating`` entity of
1–5; right after a rating question, a bare number the NLU read as a detail
(``inform`` with a rating entity) is one too, as the rules take it.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

RATE_INTENT = "rate"
INFORM_INTENT = "inform"
RATING_ENTITY = "rating"
# What asks for a rating: the bot after a solved problem, the console after a person resolved a ticket.
BOT_RATING_REQUEST = "utter_ask_rating"
HANDOFF_RATING_REQUEST = "action_handoff_resolved"
RATING_REQUESTS = (BOT_RATING_REQUEST, HANDOFF_RATING_REQUEST)


def rating_of(event: Mapping[str, Any], just_asked: bool = False) -> Optional[int]:
    """The 1–5 rating a customer message gives, if it is one: a ``rate`` message, or,
    right after the rating question (``just_asked``), a bare number read as a detail
    (``inform`` with a rating entity, as the rules take it)."""
    parse = event.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name")
    if intent != RATE_INTENT and not (just_asked and intent == INFORM_INTENT):
        return None
    for entity in parse.get("entities") or []:
        if entity.get("entity") == RATING_ENTITY:
            raw = entity.get("normalized", entity.get("value"))
            try:
                value = float(str(raw).strip())
            except ValueError:
                continue
            if value.is_integer() and 1 <= value <= 5:
                return int(value)
    return None
