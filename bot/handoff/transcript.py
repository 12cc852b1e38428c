"""A conversation's events (Rasa's event dicts, from a tracker or the tracker
store's table) as the masked messages of a ticket transcript.

Customer and bot texts pass through the PII redactor; an action the bot ran
(other than listening, slot extraction and plain responses, whose text is shown)
appears as a line of its own so staff can follow what the bot did.

- A button the customer pressed arrives as its payload (``/deny``,
  ``/rate{"rating": "4"}``): it is shown as the button's title, from the bot's
  messages just before it, else as a Chinese description (【否定】, 【评分：4】),
  never as the code.
- A staff member's reply is recorded in the conversation by the console as a bot
  event whose metadata names its author (`staff_reply_event`); it is shown as a
  staff message.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from bot.names import Names
from bot.pii import Redactor
from bot.pii.code_watch import code_expectations
from bot.storage.tickets import NewMessage

HIDDEN_ACTIONS = {"action_listen", "action_extract_slots", "action_session_start",
                  "action_ask_handoff_note"}
# The metadata key of a bot event that is a staff member's reply (its value: who wrote it).
STAFF_AUTHOR = "staff_author"
DELIVERED = "delivered"
# How a pressed button reads when the bot's message with its title is not among the events.
BUTTON = "点选"


def event_time(event: Mapping[str, Any]) -> Optional[datetime]:
    stamp = event.get("timestamp")
    return datetime.fromtimestamp(stamp, timezone.utc) if stamp else None


def intent_names(names: Names) -> Dict[str, str]:
    """The Chinese names of intents (data/support/names.yml): a pressed button whose
    title is not among the events is described by them."""
    return names.section("intents")


def staff_reply_event(text: str, author: str) -> Dict[str, Any]:
    """The event the console appends to a conversation for a reply the customer was sent."""
    return {"event": "bot", "text": text, "metadata": {STAFF_AUTHOR: author}}


def staff_author(event: Mapping[str, Any]) -> Optional[str]:
    """Who wrote ``event``, when it is a staff member's reply; None for anything else."""
    if event.get("event") != "bot" or not isinstance(event.get("metadata"), Mapping):
        return None
    author = event["metadata"].get(STAFF_AUTHOR)
    return str(author) if author else None


def _shown_action(name: Optional[str]) -> bool:
    return bool(name) and name not in HIDDEN_ACTIONS and not str(name).startswith("utter_")


def _buttons(event: Mapping[str, Any]) -> List[Mapping[str, Any]]:
    data = event.get("data")
    buttons = data.get("buttons") if isinstance(data, Mapping) else None
    return [b for b in buttons or () if isinstance(b, Mapping)]


def customer_text(event: Mapping[str, Any], buttons: Sequence[Mapping[str, Any]],
                  intent_names: Mapping[str, str]) -> str:
    """What the customer said, as staff should read it (unmasked): a pressed button
    as its title (``buttons``: those the bot offered since the customer's previous
    message) or a description in Chinese (``intent_names``: the console's names)."""
    text = str(event.get("text") or "")
    parse = event.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name")
    if not text.startswith("/"):
        return text
    for button in buttons:
        if str(button.get("payload") or "").strip() == text.strip() and button.get("title"):
            return str(button["title"])
    if not intent or not text.startswith(f"/{intent}"):
        return text  # typed by the customer, not a button's payload
    values = "、".join(str(e.get("value")) for e in parse.get("entities") or [] if e.get("value") is not None)
    name = intent_names.get(intent) or BUTTON
    return f"【{name}：{values}】" if values else f"【{name}】"


def masked_messages(events: Iterable[Mapping[str, Any]], redactor: Redactor,
                    intent_names: Optional[Mapping[str, str]] = None) -> List[NewMessage]:
    names = intent_names or {}
    messages = []
    offered: List[Mapping[str, Any]] = []  # buttons the bot offered since the customer's last message
    events = list(events)
    expected = iter(code_expectations(events))  # a code sent back alone while the code problem is in hand
    for event in events:
        kind = event.get("event")
        if kind == "user":
            code_expected = next(expected)
            intent = (event.get("parse_data") or {}).get("intent") or {}
            text = customer_text(event, offered, names)
            messages.append(NewMessage("user", redactor.redact(text, code_expected=code_expected).text,
                                       intent.get("name"), intent.get("confidence"), event_time(event)))
            offered = []
        elif kind == "bot" and event.get("text"):
            author = staff_author(event)
            if author:
                # The console records only replies that reached the customer.
                messages.append(NewMessage("staff", redactor.redact(event["text"]).text,
                                           sent_at=event_time(event), author=author, delivery=DELIVERED))
                continue
            messages.append(NewMessage("bot", redactor.redact(event["text"]).text, sent_at=event_time(event)))
            offered += _buttons(event)
        elif kind == "bot":
            offered += _buttons(event)
        elif kind == "action" and _shown_action(event.get("name")):
            messages.append(NewMessage("action", str(event["name"]), sent_at=event_time(event)))
    return messages


def newest_time(events: Iterable[Mapping[str, Any]]) -> float:
    return max((float(e.get("timestamp") or 0.0) for e in events), default=0.0)
