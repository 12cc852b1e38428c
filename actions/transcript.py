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
    return [((e.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            for e in user_events(tracker)]


def main_problem(tracker: Tracker) -> Optional[str]:
    """The last of the four problem intents the customer raised, if any."""
    return next((i for i in reversed(intents_seen(tracker)) if i in PROBLEM_INTENTS), None)


def handoff_key(tracker: Tracker) -> str:
    """Same key for every retry of a handoff triggered by the same user turn."""
    events = user_events(tracker)
    last = events[-1] if events else {}
    return f"{tracker.sender_id}:{last.get('timestamp', 0)}:{len(events)}"


def channel_of(tracker: Tracker) -> str:
    events = user_events(tracker)
    return (events[-1].get("input_channel") if events else None) or "rest"
