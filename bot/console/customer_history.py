"""The ticket page's side panel about the customer: their other tickets (any status)
and their conversations with the bot (Rasa sessions, newest first), each with the
first thing they wrote, masked, and the tickets it opened.

`customer_history` works out what the panel shows (pure); `HistoryReader` reads it,
blocking (call it in a thread).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.names import Names
from bot.pii import Redactor
from bot.reports.history import Conversation, conversations_of
from bot.storage.models import Ticket
from bot.storage.tickets import TicketStore
from bot.storage.tracker_events import TrackerEvents

MAX_TICKETS = 20
MAX_CONVERSATIONS = 10
MAX_EVENTS = 5000  # a customer's whole history is rarely more; older events are left out
FIRST_WORDS = 40


@dataclass(frozen=True)
class EarlierTicket:
    number: str
    created_at: datetime
    status: str  # in Chinese
    problem: str  # the intent's Chinese name
    reason: str


@dataclass(frozen=True)
class PastConversation:
    started_at: datetime
    channel: str  # in Chinese
    first_words: str  # masked, shortened
    answered_turns: int
    ratings: Tuple[int, ...]
    tickets: Tuple[str, ...]  # opened in it
    current: bool  # the one this ticket was opened in


@dataclass(frozen=True)
class CustomerHistory:
    tickets: List[EarlierTicket]
    conversations: List[PastConversation]


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= FIRST_WORDS else text[: FIRST_WORDS - 1] + "…"


def _key(stamp: float) -> float:
    """Tracker times to the millisecond: a datetime keeps microseconds, a float more."""
    return round(stamp, 3)


def _first_words(events: Iterable[Mapping[str, Any]], names: Names) -> Mapping[float, str]:
    """The customer's messages by their time (a conversation starts with one of them)."""
    found = {}
    for event in events:
        if event.get("event") == "user" and event.get("timestamp"):
            text = str(event.get("text") or "")
            found[_key(float(event["timestamp"]))] = names.payload(text) or text
    return found


def _in(conversation: Conversation, ticket: Ticket) -> bool:
    return conversation.opened_at <= ticket.created_at and (
        conversation.until is None or ticket.created_at < conversation.until)


def customer_history(ticket: Ticket, tickets: Sequence[Ticket], events: Sequence[Mapping[str, Any]],
                     names: Names, redact: Callable[[str], str]) -> CustomerHistory:
    """What the panel shows for ``ticket``: the customer's other ``tickets`` and the
    conversations in their ``events`` (oldest first, as Rasa stored them)."""
    others = [EarlierTicket(t.number, t.created_at, names.label("statuses", t.status),
                            names.label("intents", t.intent) if t.intent else "未识别问题类型",
                            names.label("reasons", t.handoff_reason))
              for t in tickets if t.number != ticket.number][:MAX_TICKETS]
    said = _first_words(events, names)
    shown = []
    for conversation in reversed(conversations_of(ticket.sender_id, events)):
        opened = tuple(t.number for t in tickets if _in(conversation, t))
        first = said.get(_key(conversation.started_at.timestamp()), "")
        shown.append(PastConversation(conversation.started_at, names.label("channels", conversation.channel),
                                      _shorten(redact(first)), conversation.answered_turns,
                                      tuple(r.value for r in conversation.ratings), opened,
                                      ticket.number in opened))
    return CustomerHistory(others, shown[:MAX_CONVERSATIONS])


class HistoryReader:
    """Reads a customer's tickets and events (``tracker``: None when the console has no
    tracker store configured: then tickets only)."""

    def __init__(self, tickets: TicketStore, tracker: Optional[TrackerEvents], names: Names,
                 redactor: Callable[[], Redactor]) -> None:
        self._tickets, self._tracker, self._names, self._redactor = tickets, tracker, names, redactor

    def read(self, ticket: Ticket) -> CustomerHistory:
        tickets = self._tickets.of_sender(ticket.sender_id, MAX_TICKETS + 1)
        events = self._tracker.after(ticket.sender_id, 0.0, MAX_EVENTS) if self._tracker else []
        redactor = self._redactor()
        return customer_history(ticket, tickets, events, self._names, lambda text: redactor.redact(text).text)

