"""How long conversations are kept, and erasing one customer (PIPL / GDPR-style requests).

Two databases are involved: the tracker store (Rasa's ``events`` table, in
its own database by default) and the project's database (outbox, tickets).
Purging removes what is older than the policy allows; forgetting removes one
customer's conversations, window messages and ticket transcripts, keeping each
ticket's number, dates, status, priority and problem area for reports (its
sender id and diagnostics are erased with the rest).

The misunderstood inbox's rows go with them: an approved example (a customer's
words) is kept as long as a transcript (``transcript_days`` after its approval:
export it into data/nlu before then), the note that an inbox message was dealt
with as long as the conversation it names (``tracker_days``); ``forget`` erases
both for the customer.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.storage.models import (
    CLOSED_STATUSES,
    ApprovedExample,
    Correction,
    InboxHandled,
    OutboxMessage,
    Ticket,
    TranscriptMessage,
)
from bot.storage.tracker_events import EVENTS
from bot.storage.unit_of_work import UnitOfWork

CLOSED = CLOSED_STATUSES


@dataclass(frozen=True)
class RetentionPolicy:
    tracker_days: int
    outbox_days: int
    transcript_days: int  # after a ticket was closed


def _events_table_exists(tracker: UnitOfWork) -> bool:
    return tracker.connect(lambda connection: sa.inspect(connection).has_table("events"))


def purge(database: Engine, tracker: Engine, policy: RetentionPolicy, now: datetime) -> Dict[str, int]:
    """Delete what the policy no longer keeps; returns the rows removed per kind."""
    removed = {"tracker_events": 0, "outbox_messages": 0, "transcript_messages": 0, "approved_examples": 0,
               "inbox_handled": 0}
    tracker_unit = UnitOfWork(tracker)
    if _events_table_exists(tracker_unit):
        cutoff = (now - timedelta(days=policy.tracker_days)).timestamp()
        removed["tracker_events"] = tracker_unit.connect(lambda connection: connection.execute(
            sa.delete(EVENTS).where(EVENTS.c.timestamp < cutoff)).rowcount)

    def purge_database(connection: Connection) -> Dict[str, int]:
        old_closed = sa.select(Ticket.id).where(
            Ticket.status.in_(CLOSED), Ticket.updated_at < now - timedelta(days=policy.transcript_days))
        counts = {
            "outbox_messages": connection.execute(sa.delete(OutboxMessage).where(
                OutboxMessage.created_at < now - timedelta(days=policy.outbox_days))).rowcount,
            "transcript_messages": connection.execute(
                sa.delete(TranscriptMessage).where(TranscriptMessage.ticket_id.in_(old_closed))).rowcount,
        }
        # corrections copy transcript texts: they go with them
        connection.execute(sa.delete(Correction).where(Correction.ticket_id.in_(old_closed)))
        counts["approved_examples"] = connection.execute(sa.delete(ApprovedExample).where(
            ApprovedExample.approved_at < now - timedelta(days=policy.transcript_days))).rowcount
        counts["inbox_handled"] = connection.execute(sa.delete(InboxHandled).where(
            InboxHandled.message_at < now - timedelta(days=policy.tracker_days))).rowcount
        return counts

    removed.update(UnitOfWork(database).connect(purge_database))
    return removed


def forgotten_id() -> str:
    """What replaces a forgotten sender id on their tickets: random, so not derivable
    from the id (user ids are guessable); the same for all tickets of one request."""
    return f"forgotten-{secrets.token_hex(8)}"


def forget(database: Engine, tracker: Engine, sender_id: str) -> Dict[str, int]:
    """Erase one customer's conversations, outbox rows, ticket transcripts and inbox rows."""
    removed = {"tracker_events": 0, "outbox_messages": 0, "transcript_messages": 0, "tickets_kept": 0,
               "approved_examples": 0, "inbox_handled": 0}
    tracker_unit = UnitOfWork(tracker)
    if _events_table_exists(tracker_unit):
        removed["tracker_events"] = tracker_unit.connect(lambda connection: connection.execute(
            sa.delete(EVENTS).where(EVENTS.c.sender_id == sender_id)).rowcount)

    def forget_in_database(connection: Connection) -> Dict[str, int]:
        theirs = sa.select(Ticket.id).where(Ticket.sender_id == sender_id)
        counts = {
            "outbox_messages": connection.execute(
                sa.delete(OutboxMessage).where(OutboxMessage.sender_id == sender_id)).rowcount,
            "transcript_messages": connection.execute(
                sa.delete(TranscriptMessage).where(TranscriptMessage.ticket_id.in_(theirs))).rowcount,
        }
        connection.execute(sa.delete(Correction).where(Correction.ticket_id.in_(theirs)))
        counts["approved_examples"] = connection.execute(
            sa.delete(ApprovedExample).where(ApprovedExample.sender_id == sender_id)).rowcount
        counts["inbox_handled"] = connection.execute(
            sa.delete(InboxHandled).where(InboxHandled.sender_id == sender_id)).rowcount
        counts["tickets_kept"] = connection.execute(
            sa.update(Ticket).where(Ticket.sender_id == sender_id)
            .values(sender_id=forgotten_id(), diagnostics={},  # the key holds the sender id too
                    handoff_key=sa.literal("forgotten:") + sa.cast(Ticket.id, sa.String))).rowcount
        return counts

    removed.update(UnitOfWork(database).connect(forget_in_database))
    return removed
