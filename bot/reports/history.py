"""What happened, as the report counts it: conversations read from Rasa's events,
tickets read from the ticket store. Pure: `bot.reports.sources` reads the rows.

A **conversation** is a Rasa session (it ends after an hour of silence,
domain.yml ``session_config``) in which the customer wrote at least once.
A **customer turn the bot answered** is a customer message after which the bot
ran an action before the next message, the conversation not paused (while a
person owns it Rasa only records). A **rating** is what `bot.ratings` says it is;
when the customer rates twice for one request, the last one counts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, List, Mapping, Optional, Tuple

from bot.ratings import HANDOFF_RATING_REQUEST, RATING_REQUESTS, rating_of

LISTEN = "action_listen"
SESSION_START = "action_session_start"
REPHRASE = "utter_please_rephrase"
BOUNDARIES = ("session_started", "restart")
UNKNOWN_CHANNEL = "unknown"


@dataclass(frozen=True)
class Rating:
    at: datetime
    value: int
    channel: str
    after_handoff: bool  # asked for after a person resolved the customer's ticket


@dataclass(frozen=True)
class Conversation:
    sender_id: str
    opened_at: datetime  # the session's first event
    started_at: datetime  # the customer's first message: the day it counts on
    channel: str  # of that first message
    answered_turns: int
    rephrase_turns: int  # answered turns in which the bot asked to rephrase
    ratings: Tuple[Rating, ...] = ()
    until: Optional[datetime] = None  # when the sender's next conversation opened


@dataclass(frozen=True)
class TicketFact:
    number: str
    sender_id: str
    channel: str
    status: str
    priority: str
    intent: Optional[str]
    reason: str
    created_at: datetime
    sla_due_at: datetime
    first_response_at: Optional[datetime] = None
    closed_at: Optional[datetime] = None
    assigned_agent: Optional[str] = None


def _time(event: Mapping[str, Any]) -> datetime:
    return datetime.fromtimestamp(float(event.get("timestamp") or 0.0), timezone.utc)


@dataclass
class _Session:
    opened_at: datetime
    started_at: Optional[datetime] = None
    channel: str = UNKNOWN_CHANNEL
    answered: int = 0
    rephrased: int = 0
    ratings: List[Rating] = field(default_factory=list)
    # the turn being read: (answered, rephrase) once the customer wrote and the bot is not paused
    turn: Optional[List[bool]] = None
    paused: bool = False
    request: Optional[str] = None  # what asked for the rating the customer gives next
    rated_request: bool = False  # a rating was already given for that request
    just_asked: bool = False  # the bot's last act was the rating question

    def end_turn(self) -> None:
        if self.turn is not None and self.turn[0]:
            self.answered += 1
            self.rephrased += int(self.turn[1])
        self.turn = None

    def user(self, event: Mapping[str, Any]) -> None:
        self.end_turn()
        at = _time(event)
        channel = str(event.get("input_channel") or UNKNOWN_CHANNEL)
        if self.started_at is None:
            self.started_at, self.channel = at, channel
        self.turn = None if self.paused else [False, False]
        value = rating_of(event, self.just_asked)
        self.just_asked = False
        if value is not None:
            rating = Rating(at, value, self.channel, self.request == HANDOFF_RATING_REQUEST)
            if self.rated_request and self.ratings:
                self.ratings[-1] = rating
            else:
                self.ratings.append(rating)
            self.rated_request = True

    def action(self, name: str) -> None:
        if name in RATING_REQUESTS:
            self.request, self.rated_request, self.just_asked = name, False, True
        elif name != LISTEN:
            self.just_asked = False
        if self.turn is not None and name not in (LISTEN, SESSION_START):
            self.turn[0] = True
            self.turn[1] = self.turn[1] or name == REPHRASE


def conversations_of(sender_id: str, events: Iterable[Mapping[str, Any]]) -> List[Conversation]:
    """One sender's conversations, from their events oldest first."""
    sessions: List[_Session] = []
    current: Optional[_Session] = None
    for event in events:
        kind = event.get("event")
        if current is None or kind in BOUNDARIES:
            if current is not None:
                current.end_turn()
            current = _Session(_time(event))
            sessions.append(current)
        if kind == "user":
            current.user(event)
        elif kind == "action" and event.get("name"):
            current.action(str(event["name"]))
        elif kind == "pause":
            current.end_turn()
            current.paused = True
        elif kind == "resume":
            current.paused = False
    if current is not None:
        current.end_turn()
    found = []
    for index, session in enumerate(sessions):
        if session.started_at is None:
            continue
        until = sessions[index + 1].opened_at if index + 1 < len(sessions) else None
        found.append(Conversation(sender_id, session.opened_at, session.started_at, session.channel,
                                  session.answered, session.rephrased, tuple(session.ratings), until))
    return found
