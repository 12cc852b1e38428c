"""What happens to a ticket after it is opened: ownership, staff messages,
notes, the synced transcript, and the audit trail of all of it.

Every change writes its audit row in the same transaction. Texts arrive
masked: callers pass them through the PII redactor first.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, List, Optional, Sequence, Union

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.storage.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Ticket,
    TicketAudit,
    TicketNote,
    TranscriptMessage,
)
from bot.storage.tickets import NewMessage, TicketStoreUnavailable, message_row
from bot.storage.unit_of_work import Store, transaction


class TicketNotFound(LookupError):
    pass


class TicketClosed(RuntimeError):
    """The ticket was already resolved, handed back or cancelled."""


class TicketOwnedByOther(RuntimeError):
    """Someone else owns the ticket: taking it from them is a take-over, said out loud."""

    def __init__(self, number: str, owner: Optional[str]) -> None:
        super().__init__(f"{number} is owned by {owner}")
        self.owner = owner


class AnyOwner:
    """`TicketDesk.assign`'s default: whoever owns the ticket now."""


ANYONE = AnyOwner()


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class TicketView:
    """A ticket with everything its page shows, read in one session."""

    ticket: Ticket
    messages: List[TranscriptMessage]
    notes: List[TicketNote]
    audit: List[TicketAudit]


class TicketDesk(Store):
    unavailable = TicketStoreUnavailable

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _now) -> None:
        super().__init__(engine)
        self._clock = clock

    # -- reading --------------------------------------------------------------

    @transaction
    def view(self, session: Session, number: str) -> TicketView:
        ticket = self._ticket(session, number)
        notes = session.execute(select(TicketNote).where(TicketNote.ticket_id == ticket.id)
                                .order_by(TicketNote.id)).scalars().all()
        audit = session.execute(select(TicketAudit).where(TicketAudit.ticket_id == ticket.id)
                                .order_by(TicketAudit.id)).scalars().all()
        return TicketView(ticket, list(ticket.messages), list(notes), list(audit))

    @transaction
    def ticket(self, session: Session, number: str) -> Ticket:
        """The ticket row alone (no transcript, notes or audit): for the live feed's polls."""
        ticket = session.execute(select(Ticket).where(Ticket.number == number)).scalar_one_or_none()
        if ticket is None:
            raise TicketNotFound(number)
        return ticket

    @transaction
    def messages_after(self, session: Session, number: str, position: int) -> List[TranscriptMessage]:
        ticket = self._ticket(session, number)
        return list(session.execute(
            select(TranscriptMessage).where(TranscriptMessage.ticket_id == ticket.id,
                                            TranscriptMessage.position > position)
            .order_by(TranscriptMessage.position)).scalars())

    @transaction
    def open_for_sender(self, session: Session, sender_id: str) -> Optional[Ticket]:
        """The sender's newest ticket that is still waiting or assigned."""
        return session.execute(
            select(Ticket).where(Ticket.sender_id == sender_id, Ticket.status.in_(OPEN_STATUSES))
            .order_by(Ticket.id.desc()).limit(1)).scalar_one_or_none()

    # -- ownership ------------------------------------------------------------

    @transaction
    def assign(self, session: Session, number: str, agent: str, actor: str,
               expected_owner: Union[Optional[str], AnyOwner] = ANYONE) -> Ticket:
        """``agent`` owns the ticket from now on (the caller pauses the bot first).

        With ``expected_owner`` (a username, or None for nobody) the change happens only
        if that is still the owner, checked and written in one statement, so two people
        answering one waiting ticket at once cannot both take it: the second gets
        `TicketOwnedByOther`. Taking a ticket from someone else is audited as ``taken_over``."""
        ticket = self._open_ticket(session, number)
        now = self._clock()
        previous = ticket.assigned_agent
        if not isinstance(expected_owner, AnyOwner):
            owner_is = (Ticket.assigned_agent.is_(None) if expected_owner is None
                        else Ticket.assigned_agent == expected_owner)
            claimed = session.execute(update(Ticket).where(Ticket.id == ticket.id, owner_is)
                                      .values(assigned_agent=agent)
                                      .execution_options(synchronize_session=False)).rowcount
            if not claimed:
                session.rollback()
                raise TicketOwnedByOther(number, self._ticket(session, number).assigned_agent)
            previous = expected_owner
        ticket.status, ticket.assigned_agent, ticket.updated_at = "assigned", agent, now
        ticket.assigned_at = ticket.assigned_at or now
        detail = agent if not previous or previous == agent else f"{previous} → {agent}"
        taken = bool(previous) and previous != agent and actor == agent
        self._audit(session, ticket, actor, "taken_over" if taken else "assigned", detail)
        return ticket

    @transaction
    def close(self, session: Session, number: str, status: str, actor: str, note: str = "") -> Ticket:
        """Resolve, hand back or cancel: the bot owns the conversation again."""
        if status not in CLOSED_STATUSES:
            raise ValueError(f"not a closing status: {status!r}")
        ticket = self._open_ticket(session, number)
        now = self._clock()
        ticket.status, ticket.updated_at, ticket.closed_at = status, now, now
        if note:
            ticket.resolution_note = note
        self._audit(session, ticket, actor, status, note)
        return ticket

    @transaction
    def escalate(self, session: Session, number: str, priority: str, due: datetime, actor: str,
                 detail: str = "") -> Ticket:
        """The ticket becomes ``priority`` (more urgent), due by the earlier of its due time
        and ``due``: the customer told of theft or a scam after it was opened."""
        ticket = self._open_ticket(session, number)
        if ticket.priority == priority:
            return ticket
        ticket.priority, ticket.updated_at = priority, self._clock()
        ticket.sla_due_at = min(ticket.sla_due_at, due)
        self._audit(session, ticket, actor, "escalated", detail)
        return ticket

    # -- messages, notes, transcript -----------------------------------------

    @transaction
    def add_staff_message(self, session: Session, number: str, author: str, text: str, delivery: str,
                          delivery_note: str = "") -> TranscriptMessage:
        ticket = self._ticket(session, number)
        now = self._clock()
        row = self._append(session, ticket, [NewMessage(
            "staff", text, sent_at=now, author=author, delivery=delivery,
            delivery_note=delivery_note or None)])[0]
        if delivery == "delivered" and ticket.first_response_at is None:
            ticket.first_response_at = now
        ticket.updated_at = now
        self._audit(session, ticket, author, "replied" if delivery == "delivered" else f"reply_{delivery}",
                    delivery_note)
        return row

    @transaction
    def add_note(self, session: Session, number: str, author: str, text: str) -> TicketNote:
        ticket = self._ticket(session, number)
        note = TicketNote(ticket_id=ticket.id, author=author, text=text, created_at=self._clock())
        session.add(note)
        self._audit(session, ticket, author, "note", "")
        return note

    @transaction
    def record(self, session: Session, number: str, actor: str, action: str, detail: str = "") -> None:
        """An audit row on its own (a failed pause, a delivery kept for later)."""
        self._audit(session, self._ticket(session, number), actor, action, detail)

    @transaction
    def append_synced(self, session: Session, number: str, messages: Sequence[NewMessage],
                      synced_until: float) -> int:
        """Add conversation events newer than the ticket's ``synced_until``.

        Two console workers syncing at once: the second one's positions collide
        (unique per ticket), it rolls back and the first one's copy stands."""
        ticket = self._ticket(session, number)
        if synced_until <= (ticket.synced_until or 0.0):
            return 0
        self._append(session, ticket, messages)
        ticket.synced_until = synced_until
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return 0
        return len(messages)

    # -- helpers --------------------------------------------------------------

    def _ticket(self, session: Session, number: str) -> Ticket:
        ticket = session.execute(select(Ticket).options(selectinload(Ticket.messages))
                                 .where(Ticket.number == number)).scalar_one_or_none()
        if ticket is None:
            raise TicketNotFound(number)
        return ticket

    def _open_ticket(self, session: Session, number: str) -> Ticket:
        ticket = self._ticket(session, number)
        if ticket.status in CLOSED_STATUSES:
            raise TicketClosed(f"{number} is {ticket.status}")
        return ticket

    def _append(self, session: Session, ticket: Ticket,
                messages: Sequence[NewMessage]) -> List[TranscriptMessage]:
        last = session.execute(select(func.max(TranscriptMessage.position))
                               .where(TranscriptMessage.ticket_id == ticket.id)).scalar()
        start = -1 if last is None else last
        rows = [message_row(start + 1 + i, m) for i, m in enumerate(messages)]
        for row in rows:
            row.ticket_id = ticket.id
            session.add(row)
        return rows

    def _audit(self, session: Session, ticket: Ticket, actor: str, action: str, detail: str) -> None:
        session.add(TicketAudit(ticket_id=ticket.id, actor=actor, action=action, detail=detail or "",
                                at=self._clock()))
