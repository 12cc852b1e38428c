"""Reading Rasa's tracker store table (``events``) without Rasa.

Rasa's SQL tracker store keeps one row per event with its JSON in ``data``.
The console follows a conversation from here (what the customer wrote while
a person owns it), and retention deletes from here; only Rasa writes.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.storage.unit_of_work import Store

# What tells how a customer's turn went: the message, the FAQ's outcome, a person taking over.
TURN_EVENTS = ("user", "slot", "pause", "resume", "restart")
TURN_SLOTS = ("faq_outcome",)

EVENTS = sa.table("events", sa.column("id"), sa.column("sender_id"), sa.column("type_name"),
                  sa.column("timestamp"), sa.column("data"))


class TrackerEvents(Store):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._table_seen = False  # Rasa creates it on its first start; once there, it stays

    def _has_table(self) -> bool:
        if not self._table_seen:
            self._table_seen = self._unit.connect(lambda connection: sa.inspect(connection).has_table("events"))
        return self._table_seen

    def after(self, sender_id: str, timestamp: float, limit: int = 500) -> List[Dict[str, Any]]:
        """The conversation's events newer than ``timestamp`` (tracker time), oldest first."""
        if not self._has_table():
            return []
        query = (sa.select(EVENTS.c.data).where(EVENTS.c.sender_id == sender_id,
                                                 EVENTS.c.timestamp > timestamp)
                 .order_by(EVENTS.c.id).limit(limit))
        rows = self._unit.connect(lambda connection: connection.execute(query).scalars().all())
        events = []
        for raw in rows:
            try:
                events.append(json.loads(raw))
            except (TypeError, ValueError):
                continue
        return events

    def turns_since(self, timestamp: float) -> List[Tuple[int, str, Dict[str, Any]]]:
        """(row id, sender id, event) of the turn events (`TURN_EVENTS`; slots only `TURN_SLOTS`)
        of every customer who wrote since ``timestamp``: their messages since then, and every
        pause and resume (a person may have taken over before), by sender and oldest first."""
        if not self._has_table():
            return []
        wrote = (sa.select(EVENTS.c.sender_id).where(EVENTS.c.type_name == "user", EVENTS.c.timestamp >= timestamp)
                 .distinct())
        slots = sa.or_(*[EVENTS.c.data.like(f'%"{name}"%') for name in TURN_SLOTS])
        query = (sa.select(EVENTS.c.id, EVENTS.c.sender_id, EVENTS.c.data)
                 .where(EVENTS.c.sender_id.in_(wrote), EVENTS.c.type_name.in_(TURN_EVENTS),
                        sa.or_(EVENTS.c.type_name.in_(("pause", "resume", "restart")),
                               sa.and_(EVENTS.c.timestamp >= timestamp,
                                       sa.or_(EVENTS.c.type_name == "user", slots))))
                 .order_by(EVENTS.c.sender_id, EVENTS.c.id))
        found = []
        for row_id, sender_id, raw in self._unit.connect(lambda connection: connection.execute(query).all()):
            try:
                found.append((int(row_id), str(sender_id), json.loads(raw)))
            except (TypeError, ValueError):
                continue
        return found
