"""Staff's corrections of the bot, kept for teaching it: which customer turn was
given the wrong intent (and the right one), which bot answer was wrong.

A correction points at a transcript message (ticket + position) and copies its
masked text, so the export needs nothing else. Marking the same turn again
replaces the earlier correction (staff change their minds); `remove` undoes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Dict, List, Optional, Tuple

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.storage.desk import TicketNotFound
from bot.storage.models import NEW_FAQ_QUESTION, Correction, Ticket, TranscriptMessage
from bot.storage.tickets import TicketStoreUnavailable
from bot.storage.unit_of_work import Store, transaction


class CorrectionRefused(ValueError):
    """The turn cannot be corrected this way; ``problem`` is a fixed code for the console."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class CorrectionRecord:
    """A correction with what the export needs from its ticket."""

    ticket_number: str
    position: int
    kind: str
    text: str  # masked
    predicted_intent: Optional[str]
    corrected_intent: Optional[str]
    author: str
    created_at: datetime
    ticket_intent: Optional[str]  # the ticket's problem area (a FAQ draft's area)
    agent_reply: Optional[str]  # the first delivered staff message after the turn (a FAQ draft's answer)

    @property
    def new_faq_question(self) -> bool:
        return self.kind == "intent" and self.corrected_intent == NEW_FAQ_QUESTION


@dataclass(frozen=True)
class CorrectedTurn:
    """A customer turn staff said the bot got wrong: its intent was corrected (``intent``),
    or the bot's answer to it was marked wrong (``answer``: the turn before that answer)."""

    correction_id: int
    kind: str
    sender_id: str
    text: str  # the customer's message, masked
    sent_at: Optional[datetime]  # when the customer wrote it
    predicted_intent: Optional[str]
    corrected_intent: Optional[str]
    created_at: datetime  # of the correction


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _answered_intent(messages: List[TranscriptMessage], position: int) -> Optional[str]:
    """The intent of the customer turn a bot message answered (the last one before it)."""
    earlier = [m for m in messages if m.role == "user" and m.position < position]
    return earlier[-1].intent if earlier else None


def _customer_turn(messages: List[TranscriptMessage], correction: Correction) -> Optional[TranscriptMessage]:
    """The customer message a correction is about: the corrected turn, or the one a wrong answer answered."""
    if correction.kind == "intent":
        return next((m for m in messages if m.position == correction.position and m.role == "user"), None)
    earlier = [m for m in messages if m.role == "user" and m.position < correction.position]
    return earlier[-1] if earlier else None


def _agent_reply(messages: List[TranscriptMessage], position: int) -> Optional[str]:
    for message in messages:
        if message.position > position and message.role == "staff" and message.delivery == "delivered":
            return str(message.text)
    return None


class CorrectionStore(Store):
    unavailable = TicketStoreUnavailable

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _now) -> None:
        super().__init__(engine)
        self._clock = clock

    @transaction
    def mark_intent(self, session: Session, number: str, position: int, intent: str, author: str) -> Correction:
        """The customer turn at ``position`` meant ``intent`` (or `NEW_FAQ_QUESTION`).
        The caller checks ``intent`` is one of the domain's."""
        ticket, message = self._message(session, number, position)
        if message.role != "user":
            raise CorrectionRefused("not_a_customer_turn")
        if intent == message.intent:
            raise CorrectionRefused("same_intent")
        return self._save(session, ticket, message, "intent", message.intent, intent, author)

    @transaction
    def mark_answer(self, session: Session, number: str, position: int, author: str) -> Correction:
        """The bot message at ``position`` was a wrong answer."""
        ticket, message = self._message(session, number, position)
        if message.role != "bot":
            raise CorrectionRefused("not_a_bot_answer")
        predicted = _answered_intent(list(ticket.messages), position)
        return self._save(session, ticket, message, "answer", predicted, None, author)

    @transaction
    def remove(self, session: Session, number: str, position: int, kind: str) -> bool:
        ticket = self._ticket(session, number)
        removed = session.execute(delete(Correction).where(
            Correction.ticket_id == ticket.id, Correction.position == position,
            Correction.kind == kind)).rowcount
        session.commit()
        return bool(removed)

    @transaction
    def for_ticket(self, session: Session, number: str) -> Dict[int, List[Correction]]:
        """The ticket's corrections by transcript position."""
        ticket = self._ticket(session, number)
        rows = session.execute(select(Correction).where(Correction.ticket_id == ticket.id)
                               .order_by(Correction.position, Correction.kind)).scalars()
        found: Dict[int, List[Correction]] = {}
        for row in rows:
            found.setdefault(row.position, []).append(row)
        return found

    @transaction
    def between(self, session: Session, start: Optional[datetime] = None,
                end: Optional[datetime] = None) -> List[CorrectionRecord]:
        """Corrections made in [start, end), oldest first, with their tickets' details."""
        query = select(Correction, Ticket).join(Ticket, Ticket.id == Correction.ticket_id)
        if start is not None:
            query = query.where(Correction.created_at >= start)
        if end is not None:
            query = query.where(Correction.created_at < end)
        records = []
        for correction, ticket in session.execute(query.order_by(Correction.created_at, Correction.id)):
            records.append(CorrectionRecord(
                ticket.number, correction.position, correction.kind, correction.text,
                correction.predicted_intent, correction.corrected_intent, correction.author,
                correction.created_at, ticket.intent, _agent_reply(list(ticket.messages), correction.position)))
        return records

    @transaction
    def corrected_turns(self, session: Session, start: Optional[datetime] = None) -> List[CorrectedTurn]:
        """The customer turns behind the corrections made since ``start``, newest first."""
        query = select(Correction, Ticket).join(Ticket, Ticket.id == Correction.ticket_id)
        if start is not None:
            query = query.where(Correction.created_at >= start)
        found = []
        for correction, ticket in session.execute(query.order_by(Correction.created_at.desc(),
                                                                 Correction.id.desc())):
            turn = _customer_turn(list(ticket.messages), correction)
            if turn is not None:
                found.append(CorrectedTurn(correction.id, correction.kind, ticket.sender_id, str(turn.text),
                                           turn.sent_at, correction.predicted_intent,
                                           correction.corrected_intent, correction.created_at))
        return found

    # -- helpers --------------------------------------------------------------

    def _ticket(self, session: Session, number: str) -> Ticket:
        ticket = session.execute(select(Ticket).where(Ticket.number == number)).scalar_one_or_none()
        if ticket is None:
            raise TicketNotFound(number)
        return ticket

    def _message(self, session: Session, number: str, position: int) -> Tuple[Ticket, TranscriptMessage]:
        ticket = self._ticket(session, number)
        message = next((m for m in ticket.messages if m.position == position), None)
        if message is None:
            raise CorrectionRefused("no_such_message")
        return ticket, message

    def _save(self, session: Session, ticket: Ticket, message: TranscriptMessage, kind: str,
              predicted: Optional[str], corrected: Optional[str], author: str) -> Correction:
        row = session.execute(select(Correction).where(
            Correction.ticket_id == ticket.id, Correction.position == message.position,
            Correction.kind == kind)).scalar_one_or_none()
        if row is None:
            row = Correction(ticket_id=ticket.id, position=message.position, kind=kind)
            session.add(row)
        row.text, row.predicted_intent, row.corrected_intent = message.text, predicted, corrected
        row.author, row.created_at = author, self._clock()
        session.commit()
        return row
