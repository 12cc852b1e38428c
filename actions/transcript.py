"""Read a conversation out of a rasa-sdk tracker, masked for storage."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from bot.pii import redact
from bot.tickets.store import NewMessage

PROBLEM_INTENTS = ("account_locked", "transfer_failed", "sms_code_delay", "billing_issue")


def _time(event: Dict[str, Any]) -> Optional[datetime]:
    stamp = event.get("timestamp")
    return datetime.fromtimestamp(stamp, timezone.utc) if stamp else None


def user_events(tracker: Tracker) -> List[Dict[str, Any]]:
    return [e for e in tracker.events if e.get("event") == "user"]


def masked_transcript(tracker: Tracker) -> List[NewMessage]:
    """User and bot messages in order, every text passed through the PII redactor."""
    messages = []
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {})
            messages.append(NewMessage("user", redact(event.get("text") or ""), intent.get("name"),
                                       intent.get("confidence"), _time(event)))
        elif kind == "bot" and event.get("text"):
            messages.append(NewMessage("bot", redact(event["text"]), sent_at=_time(event)))
    return messages


def intents_seen(tracker: Tracker) -> List[str]:
    return [_intent_of(e) or "" for e in user_events(tracker)]


def main_problem(tracker: Tracker) -> Optional[str]:
    """The last of the four problem intents the customer raised, if any."""
    return next((i for i in reversed(intents_seen(tracker)) if i in PROBLEM_INTENTS), None)


def _intent_of(event: Dict[str, Any]) -> Optional[str]:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def form_trigger_intent(tracker: Tracker) -> Optional[str]:
    """When a diagnostic form ended in this turn: the intent that started it
    (没解决, 转人工), since the latest message only answered its last question."""
    ended_now = False
    for index in range(len(tracker.events) - 1, -1, -1):
        event = tracker.events[index]
        kind = event.get("event")
        if kind == "active_loop" and event.get("name") is None:
            ended_now = True
        elif kind == "user" and not ended_now:
            return None
        elif kind == "active_loop" and event.get("name"):
            before = (e for e in reversed(tracker.events[:index]) if e.get("event") == "user")
            return _intent_of(next(before, {}))
    return None


def handoff_key(tracker: Tracker) -> str:
    """Same key for every retry of a handoff triggered by the same user turn."""
    events = user_events(tracker)
    last = events[-1] if events else {}
    return f"{tracker.sender_id}:{last.get('timestamp', 0)}:{len(events)}"


def channel_of(tracker: Tracker) -> str:
    events = user_events(tracker)
    return (events[-1].get("input_channel") if events else None) or "rest"
