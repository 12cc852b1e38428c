"""Tickets for storage and console tests, built without a conversation."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, List

from bot.storage.models import Ticket
from bot.storage.tickets import NewMessage, NewTicket, TicketStore

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def new_ticket(key: str = "u1:1", **overrides: Any) -> NewTicket:
    values: dict = dict(
        handoff_key=key, sender_id="u1", channel="rest", priority="P2",
        handoff_reason="not_solved", sla_due_at=NOW + timedelta(hours=4),
        intent="transfer_failed", intent_confidence=0.93,
        diagnostics={"amount": 5000.0},
        messages=[NewMessage("user", "转账失败 手机138****5678", "transfer_failed", 0.93),
                  NewMessage("bot", "请问问题解决了吗？")],
    )
    values.update(overrides)
    return NewTicket(**values)


def tickets_of(store: TicketStore, sender: str) -> List[Ticket]:
    """Every ticket one customer opened in the session."""
    return [t for t in store.list(limit=10_000) if t.sender_id == sender]
