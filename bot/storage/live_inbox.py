"""The live inbox: for every open ticket, how many of the customer's messages its
owner has not read yet, and since when the customer has been waiting for a person.

A read mark (`TicketRead`) is the newest transcript position a person was shown.
Unread counts only what the customer wrote after the handoff: against the owner's
mark, or, on a ticket nobody owns, against the newest mark of anyone who opened it.
The customer waits from the handoff, or from their first message after a person's
last delivered reply, until a person answers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Dict, List, Optional, Tuple

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.storage.desk import TicketNotFound
from bot.storage.models import OPEN_STATUSES, Ticket, TicketRead, TranscriptMessage
from bot.storage.tickets import TicketStoreUnavailable
from bot.storage.unit_of_work import Store, transaction


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class LiveTicket:
    number: str
    status: str
    owner: Optional[str]
    created_at: datetime
    unread: int
    waiting_since: Optional[datetime]  # None: a person answered the customer's last message


def _threshold(owner: Optional[str], marks: Dict[str, int]) -> int:
    """The position up to which the ticket counts as read."""
    if owner:
        return marks.get(owner, -1)
    return max(marks.values(), default=-1)


def _waiting_since(created_at: datetime, messages: List[Tuple[int, str, Optional[datetime], Optional[str]]]
                   ) -> Optional[datetime]:
    """``messages``: (position, role, sent_at, delivery) after the handoff, in order."""
    since: Optional[datetime] = created_at
    for _, role, sent_at, delivery in messages:
        if role == "staff" and delivery == "delivered":
            since = None
        elif role == "user" and since is None:
            since = sent_at
    return since


class LiveInbox(Store):
    unavailable = TicketStoreUnavailable

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _now) -> None:
        super().__init__(engine)
        self._clock = clock

    @transaction
    def open_tickets(self, session: Session) -> List[LiveTicket]:
        tickets = session.execute(select(Ticket.id, Ticket.number, Ticket.status, Ticket.assigned_agent,
                                         Ticket.created_at)
                                  .where(Ticket.status.in_(OPEN_STATUSES)).order_by(Ticket.id)).all()
        ids = [row.id for row in tickets]
        if not ids:
            return []
        marks: Dict[int, Dict[str, int]] = {}
        for ticket_id, username, position in session.execute(
                select(TicketRead.ticket_id, TicketRead.username, TicketRead.position)
                .where(TicketRead.ticket_id.in_(ids))):
            marks.setdefault(ticket_id, {})[username] = position
        since_handoff: Dict[int, List[Tuple[int, str, Optional[datetime], Optional[str]]]] = {}
        for ticket_id, position, role, sent_at, delivery in session.execute(
                select(TranscriptMessage.ticket_id, TranscriptMessage.position, TranscriptMessage.role,
                       TranscriptMessage.sent_at, TranscriptMessage.delivery)
                .join(Ticket, Ticket.id == TranscriptMessage.ticket_id)
                .where(Ticket.status.in_(OPEN_STATUSES), TranscriptMessage.role.in_(("user", "staff")),
                       TranscriptMessage.sent_at > Ticket.created_at)
                .order_by(TranscriptMessage.ticket_id, TranscriptMessage.position)):
            since_handoff.setdefault(ticket_id, []).append((position, role, sent_at, delivery))
        live = []
        for row in tickets:
            messages = since_handoff.get(row.id, [])
            read_up_to = _threshold(row.assigned_agent, marks.get(row.id, {}))
            unread = sum(1 for position, role, _, _ in messages if role == "user" and position > read_up_to)
            live.append(LiveTicket(row.number, row.status, row.assigned_agent, row.created_at, unread,
                                   _waiting_since(row.created_at, messages)))
        return live

    @transaction
    def mark_read(self, session: Session, number: str, username: str, position: int) -> None:
        """``username`` was shown the transcript up to ``position`` (a mark never goes back)."""
        ticket_id = session.execute(select(Ticket.id).where(Ticket.number == number)).scalar_one_or_none()
        if ticket_id is None:
            raise TicketNotFound(number)
        now = self._clock()
        changed = session.execute(update(TicketRead).where(
            TicketRead.ticket_id == ticket_id, TicketRead.username == username,
            TicketRead.position < position).values(position=position, read_at=now)).rowcount
        if not changed and session.execute(select(TicketRead.id).where(
                TicketRead.ticket_id == ticket_id, TicketRead.username == username)).first() is None:
            session.add(TicketRead(ticket_id=ticket_id, username=username, position=position, read_at=now))
        try:
            session.commit()
        except IntegrityError:  # another tab of the same person got there first
            session.rollback()
