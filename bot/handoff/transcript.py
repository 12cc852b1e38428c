"""A conversation's events (Rasa's event dicts, from a tracker or the tracker
store's table) as the masked messages of a ticket transcript.

Customer and bot texts pass through the PII redactor; an action the bot ran
(other than listening, slot extraction and plain responses, whose text is shown)
appears as a line of its own so staff can follow what the bot did.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable, List, Mapping, Optional

from bot.pii import Redactor
from bot.storage.tickets import NewMessage

HIDDEN_ACTIONS = {"action_listen", "action_extract_slots", "action_session_start",
                  "action_ask_handoff_note"}


def event_time(event: Mapping[str, Any]) -> Optional[datetime]:
    stamp = event.get("timestamp")
    return datetime.fromtimestamp(stamp, timezone.utc) if stamp else None


def _shown_action(name: Optional[str]) -> bool:
    return bool(name) and name not in HIDDEN_ACTIONS and not str(name).startswith("utter_")


def masked_messages(events: Iterable[Mapping[str, Any]], redactor: Redactor) -> List[NewMessage]:
    messages = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            intent = (event.get("parse_data") or {}).get("intent") or {}
            messages.append(NewMessage("user", redactor.redact(event.get("text") or "").text,
                                       intent.get("name"), intent.get("confidence"), event_time(event)))
        elif kind == "bot" and event.get("text"):
            messages.append(NewMessage("bot", redactor.redact(event["text"]).text, sent_at=event_time(event)))
        elif kind == "action" and _shown_action(event.get("name")):
            messages.append(NewMessage("action", str(event["name"]), sent_at=event_time(event)))
    return messages


def newest_time(events: Iterable[Mapping[str, Any]]) -> float:
    return max((float(e.get("timestamp") or 0.0) for e in events), default=0.0)
