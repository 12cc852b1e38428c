"""Create and read handoff tickets.

A handoff is identified by a key (sender + the user turn that triggered it), so
a retried action finds the ticket it already created instead of opening a
second one. Transient database errors are retried; if the database stays
unavailable the caller gets ``TicketStoreUnavailable`` and must tell the
customer, never pretend the ticket exists.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.storage.models import Ticket, TranscriptMessage
from bot.storage.unit_of_work import Store, StoreUnavailable, transaction


class TicketStoreUnavailable(StoreUnavailable):
    """The ticket database could not be reached after retries."""


@dataclass(frozen=True)
class NewMessage:
    role: str
    text: str  # already masked by the caller
    intent: Optional[str] = None
    confidence: Optional[float] = None
    sent_at: Optional[datetime] = None
    author: Optional[str] = None
    delivery: Optional[str] = None
    delivery_note: Optional[str] = None


def message_row(position: int, message: NewMessage) -> TranscriptMessage:
    return TranscriptMessage(position=position, role=message.role, text=message.text,
                             intent=message.intent, confidence=message.confidence,
                             sent_at=message.sent_at, author=message.author,
                             delivery=message.delivery, delivery_note=message.delivery_note)


@dataclass(frozen=True)
class NewTicket:
    handoff_key: str
    sender_id: str
    channel: str
    priority: str
    handoff_reason: str
    sla_due_at: datetime
    intent: Optional[str] = None
    intent_confidence: Optional[float] = None
    diagnostics: Dict[str, Any] = field(default_factory=dict)
    messages: Sequence[NewMessage] = ()
    phone_last4: Optional[str] = None
    synced_until: float = 0.0  # tracker time of the newest event in ``messages``


@dataclass(frozen=True)
class CreatedTicket:
    ticket: Ticket
    created: bool  # False: this handoff already had its ticket


def _now() -> datetime:
    return datetime.now(timezone.utc)


class TicketStore(Store):
    unavailable = TicketStoreUnavailable

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _now) -> None:
        super().__init__(engine)
        self._clock = clock

    def _next_number(self, session: Session, now: datetime) -> str:
        prefix = f"T{now:%Y%m%d}-"
        count = session.execute(
            select(func.count()).select_from(Ticket).where(Ticket.number.like(f"{prefix}%"))
        ).scalar_one()
        return f"{prefix}{count + 1:04d}"

    def _by_key(self, session: Session, key: str) -> Optional[Ticket]:
        return session.execute(
            select(Ticket).options(selectinload(Ticket.messages)).where(Ticket.handoff_key == key)
        ).scalar_one_or_none()

    @transaction
    def create(self, session: Session, new: NewTicket) -> CreatedTicket:
        """Open the ticket for this handoff, or return the one it already has."""
        for _ in range(5):  # two handoffs may race for the same number
            existing = self._by_key(session, new.handoff_key)
            if existing is not None:
                return CreatedTicket(existing, created=False)
            now = self._clock()
            ticket = Ticket(
                number=self._next_number(session, now), handoff_key=new.handoff_key,
                sender_id=new.sender_id, channel=new.channel, status="waiting",
                priority=new.priority, intent=new.intent,
                intent_confidence=new.intent_confidence, handoff_reason=new.handoff_reason,
                diagnostics=dict(new.diagnostics), sla_due_at=new.sla_due_at,
                created_at=now, updated_at=now, phone_last4=new.phone_last4,
                synced_until=new.synced_until,
                messages=[message_row(i, m) for i, m in enumerate(new.messages)],
            )
            session.add(ticket)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                continue
            created = self._by_key(session, new.handoff_key)
            assert created is not None
            return CreatedTicket(created, created=True)
        raise TicketStoreUnavailable("could not allocate a ticket number")

    @transaction
    def get(self, session: Session, number: str) -> Optional[Ticket]:
        return session.execute(
            select(Ticket).options(selectinload(Ticket.messages)).where(Ticket.number == number)
        ).scalar_one_or_none()

    @transaction
    def latest_for_sender(self, session: Session, sender_id: str) -> Optional[Ticket]:
        return session.execute(
            select(Ticket).where(Ticket.sender_id == sender_id)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(1)
        ).scalar_one_or_none()

    @transaction
    def of_sender(self, session: Session, sender_id: str, limit: int = 20) -> List[Ticket]:
        """One customer's tickets, any status, newest first (the ticket page's history)."""
        return list(session.execute(
            select(Ticket).where(Ticket.sender_id == sender_id)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)).scalars())

    @transaction
    def list(self, session: Session, status: Optional[str] = None, limit: int = 100) -> List[Ticket]:
        query = select(Ticket).order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
        if status is not None:
            query = query.where(Ticket.status == status)
        return list(session.execute(query).scalars())
