"""Read a conversation out of a rasa-sdk tracker, masked for storage.

Only the tracker's applied events count: turns undone by a restart or a
rewind are not part of the conversation staff see.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from bot.handoff.transcript import masked_messages, newest_time
from bot.pii import Redactor
from bot.storage.tickets import NewMessage


def _intent_of(event: Dict[str, Any]) -> Optional[str]:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def user_events(tracker: Tracker) -> List[Dict[str, Any]]:
    return [e for e in tracker.applied_events() if e.get("event") == "user"]


def masked_transcript(tracker: Tracker, redactor: Redactor) -> List[NewMessage]:
    """User and bot messages and the bot's actions in order, texts masked."""
    return masked_messages(tracker.applied_events(), redactor)


def transcript_time(tracker: Tracker) -> float:
    """Tracker time of the newest event in the transcript: the console copies what follows."""
    return newest_time(tracker.applied_events())


def intents_seen(tracker: Tracker) -> List[str]:
    return [_intent_of(e) or "" for e in user_events(tracker)]


def form_trigger_intent(tracker: Tracker) -> Optional[str]:
    """When a diagnostic form ended in this turn: the intent that started it
    (没解决, 转人工), since the latest message only answered its last question."""
    events = tracker.applied_events()
    ended_now = False
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        kind = event.get("event")
        if kind == "active_loop" and event.get("name") is None:
            ended_now = True
        elif kind == "user" and not ended_now:
            return None
        elif kind == "active_loop" and event.get("name"):
            before = (e for e in reversed(events[:index]) if e.get("event") == "user")
            return _intent_of(next(before, {}))
    return None


def handoff_key(tracker: Tracker) -> str:
    """Same key for every retry of a handoff triggered by the same user turn."""
    events = user_events(tracker)
    last = events[-1] if events else {}
    return f"{tracker.sender_id}:{last.get('timestamp', 0)}:{len(events)}"
