"""Who has a ticket open in the console, and who is typing a reply on it.

Each open ticket page renews its row every few seconds (`PresenceStore.beat`);
a row not renewed for `VIEWING_SECONDS` means nothing any more, and a typing
mark lapses after `TYPING_SECONDS`. The rows are in the database, so every
console worker sees the same people; stale rows are deleted as beats come in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, List

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.storage.desk import TicketNotFound
from bot.storage.models import Ticket, TicketPresence
from bot.storage.tickets import TicketStoreUnavailable
from bot.storage.unit_of_work import Store, transaction

VIEWING_SECONDS = 15
TYPING_SECONDS = 6
FORGET_AFTER = timedelta(hours=1)


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Presence:
    username: str
    typing: bool


class PresenceStore(Store):
    unavailable = TicketStoreUnavailable

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _now) -> None:
        super().__init__(engine)
        self._clock = clock

    @transaction
    def beat(self, session: Session, number: str, username: str, typing: bool = False) -> None:
        """``username`` has the ticket open now (and is typing, when ``typing``)."""
        ticket_id = self._ticket_id(session, number)
        now = self._clock()
        values = {"seen_at": now, **({"typing_at": now} if typing else {})}
        changed = session.execute(update(TicketPresence).where(
            TicketPresence.ticket_id == ticket_id, TicketPresence.username == username)
            .values(**values)).rowcount
        if not changed:
            session.add(TicketPresence(ticket_id=ticket_id, username=username, seen_at=now,
                                       typing_at=now if typing else None))
        session.execute(delete(TicketPresence).where(TicketPresence.seen_at < now - FORGET_AFTER))
        try:
            session.commit()
        except IntegrityError:  # the same person's other tab inserted first: theirs stands
            session.rollback()

    @transaction
    def leave(self, session: Session, number: str, username: str) -> None:
        """The page was closed: nobody needs to wait for the row to lapse."""
        ticket_id = self._ticket_id(session, number)
        session.execute(delete(TicketPresence).where(TicketPresence.ticket_id == ticket_id,
                                                     TicketPresence.username == username))

    @transaction
    def present(self, session: Session, number: str) -> List[Presence]:
        """The people with the ticket open now, in the order they came."""
        ticket_id = self._ticket_id(session, number)
        now = self._clock()
        rows = session.execute(select(TicketPresence).where(
            TicketPresence.ticket_id == ticket_id,
            TicketPresence.seen_at >= now - timedelta(seconds=VIEWING_SECONDS))
            .order_by(TicketPresence.id)).scalars()
        typing_since = now - timedelta(seconds=TYPING_SECONDS)
        return [Presence(row.username, row.typing_at is not None and row.typing_at >= typing_since)
                for row in rows]

    @staticmethod
    def _ticket_id(session: Session, number: str) -> int:
        ticket_id = session.execute(select(Ticket.id).where(Ticket.number == number)).scalar_one_or_none()
        if ticket_id is None:
            raise TicketNotFound(number)
        return int(ticket_id)
