"""Reading what a report needs: Rasa's ``events`` table (the tracker store) and the
ticket store. Blocking: the console calls it in a worker thread.

The conversations read are those of every customer who wrote in the period, all of
their events (a conversation counts on the day it began but is read to its end;
a rating may answer a request of the day before). Retention bounds how far back
that goes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.reports.history import Conversation, TicketFact, conversations_of
from bot.reports.period import Period
from bot.storage.corrections import CorrectionRecord, CorrectionStore
from bot.storage.models import Ticket
from bot.storage.tracker_events import EVENTS
from bot.storage.unit_of_work import StoreUnavailable, UnitOfWork

CHUNK = 500  # sender ids per IN (...) of the ticket query


class ReportDataUnavailable(StoreUnavailable):
    """The tracker store or the ticket database could not be read."""


@dataclass(frozen=True)
class History:
    conversations: List[Conversation]
    tickets: List[TicketFact]
    corrections: List[CorrectionRecord]


def ticket_fact(ticket: Ticket) -> TicketFact:
    return TicketFact(ticket.number, ticket.sender_id, ticket.channel, ticket.status, ticket.priority,
                      ticket.intent, ticket.handoff_reason, ticket.created_at, ticket.sla_due_at,
                      ticket.first_response_at, ticket.closed_at, ticket.assigned_agent)


class ReportSources:
    def __init__(self, database: Engine, tracker: Engine) -> None:
        self._database = UnitOfWork(database, ReportDataUnavailable)
        self._tracker = UnitOfWork(tracker, ReportDataUnavailable)
        self._corrections = CorrectionStore(database)

    def history(self, period: Period) -> History:
        try:
            conversations = self._conversations(period)
            senders = sorted({c.sender_id for c in conversations})
            return History(conversations, self._tickets(period, senders),
                           self._corrections.between(period.start, period.end))
        except ReportDataUnavailable:
            raise
        except StoreUnavailable as error:
            raise ReportDataUnavailable(str(error)) from error

    def _conversations(self, period: Period) -> List[Conversation]:
        if not self._tracker.connect(lambda connection: sa.inspect(connection).has_table("events")):
            return []
        wrote = (sa.select(EVENTS.c.sender_id).where(
            EVENTS.c.type_name == "user", EVENTS.c.timestamp >= period.start.timestamp(),
            EVENTS.c.timestamp < period.end.timestamp()).distinct())
        query = (sa.select(EVENTS.c.sender_id, EVENTS.c.data).where(EVENTS.c.sender_id.in_(wrote))
                 .order_by(EVENTS.c.sender_id, EVENTS.c.id))
        by_sender: Dict[str, List[Dict[str, Any]]] = {}
        for sender_id, raw in self._tracker.connect(lambda connection: connection.execute(query).all()):
            try:
                by_sender.setdefault(sender_id, []).append(json.loads(raw))
            except (TypeError, ValueError):
                continue
        return [c for sender_id, events in by_sender.items() for c in conversations_of(sender_id, events)]

    def _tickets(self, period: Period, senders: Sequence[str]) -> List[TicketFact]:
        """Tickets opened in the period, and every ticket of the period's customers."""
        conditions = [sa.and_(Ticket.created_at >= period.start, Ticket.created_at < period.end)]
        conditions += [Ticket.sender_id.in_(list(senders[i:i + CHUNK])) for i in range(0, len(senders), CHUNK)]

        def read(session: Session) -> List[TicketFact]:
            found: Dict[int, TicketFact] = {}
            for condition in conditions:
                for ticket in session.execute(sa.select(Ticket).where(condition)).scalars():
                    found[ticket.id] = ticket_fact(ticket)
            return sorted(found.values(), key=lambda t: t.created_at)

        return self._database.run(read)
