"""Re-masking what is already stored (``python -m bot remask``).

Rows written before every secret was masked at the store boundary (or by an
older redactor: a mistyped card number used to stay whole) are masked again in
place: the tracker store's events (per conversation, as
`bot.security.stored_events` masks a batch), web chat window messages, ticket
transcripts, notes, audit details, diagnostics, staff corrections and the examples
approved in the misunderstood inbox.
Idempotent: a second run changes nothing. ``dry_run`` counts what would
change and writes nothing.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.pii import Redactor
from bot.security.stored_events import masked_events, masked_text, masked_value
from bot.storage.models import (
    ApprovedExample,
    Correction,
    OutboxMessage,
    Ticket,
    TicketAudit,
    TicketNote,
    TranscriptMessage,
)
from bot.storage.tracker_events import EVENTS
from bot.storage.unit_of_work import UnitOfWork

TEXT_COLUMNS: List[Tuple[Any, str]] = [(OutboxMessage, "text"), (TranscriptMessage, "text"), (TicketNote, "text"),
                (TicketAudit, "detail"), (Correction, "text"), (ApprovedExample, "text")]


def _remask_events(connection: Connection, redactor: Redactor, dry_run: bool) -> int:
    changed = 0
    senders = [row[0] for row in connection.execute(sa.select(EVENTS.c.sender_id).distinct())]
    for sender in senders:
        rows = connection.execute(sa.select(EVENTS.c.id, EVENTS.c.data).where(EVENTS.c.sender_id == sender)
                                  .order_by(EVENTS.c.id)).all()
        events = [json.loads(data) for _, data in rows]
        for (row_id, _), event, masked in zip(rows, events, masked_events(events, redactor)):
            if masked != event:
                changed += 1
                if not dry_run:
                    connection.execute(sa.update(EVENTS).where(EVENTS.c.id == row_id)
                                       .values(data=json.dumps(masked)))
    return changed


def _remask_column(connection: Connection, model: Any, column: str, redactor: Redactor, dry_run: bool) -> int:
    changed = 0
    field = getattr(model, column)
    for row_id, value in connection.execute(sa.select(model.id, field)).all():
        masked = masked_text(value, redactor)
        if masked != value:
            changed += 1
            if not dry_run:
                connection.execute(sa.update(model).where(model.id == row_id).values({column: masked}))
    return changed


def _remask_diagnostics(connection: Connection, redactor: Redactor, dry_run: bool) -> int:
    changed = 0
    for row_id, diagnostics in connection.execute(sa.select(Ticket.id, Ticket.diagnostics)).all():
        masked = masked_value(diagnostics, redactor)
        if masked != diagnostics:
            changed += 1
            if not dry_run:
                connection.execute(sa.update(Ticket).where(Ticket.id == row_id).values(diagnostics=masked))
    return changed


def remask(database: Engine, tracker: Engine, redactor: Redactor, dry_run: bool = False) -> Dict[str, int]:
    """Mask every stored secret again; returns the rows changed (or that would change) per kind."""
    counts: Dict[str, int] = {}
    tracker_unit = UnitOfWork(tracker)
    if tracker_unit.connect(lambda connection: sa.inspect(connection).has_table("events")):
        counts["tracker_events"] = tracker_unit.connect(
            lambda connection: _remask_events(connection, redactor, dry_run))

    def remask_database(connection: Connection) -> Dict[str, int]:
        changed = {f"{model.__tablename__}.{column}": _remask_column(connection, model, column, redactor, dry_run)
                   for model, column in TEXT_COLUMNS}
        changed["tickets.diagnostics"] = _remask_diagnostics(connection, redactor, dry_run)
        return changed

    counts.update(UnitOfWork(database).connect(remask_database))
    return counts


__all__: List[str] = ["remask"]
