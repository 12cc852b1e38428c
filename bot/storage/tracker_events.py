"""Reading Rasa's tracker store table (``events``) without Rasa.

Rasa's SQL tracker store keeps one row per event with its JSON in ``data``.
The console follows a conversation from here (what the customer wrote while
a person owns it), and retention deletes from here; only Rasa writes.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List

import sqlalchemy as sa
from sqlalchemy.engine import Engine

EVENTS = sa.table("events", sa.column("id"), sa.column("sender_id"), sa.column("type_name"),
                  sa.column("timestamp"), sa.column("data"))


class TrackerEvents:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._table_seen = False  # Rasa creates it on its first start; once there, it stays

    def after(self, sender_id: str, timestamp: float, limit: int = 500) -> List[Dict[str, Any]]:
        """The conversation's events newer than ``timestamp`` (tracker time), oldest first."""
        if not self._table_seen:
            if not sa.inspect(self._engine).has_table("events"):
                return []
            self._table_seen = True
        query = (sa.select(EVENTS.c.data).where(EVENTS.c.sender_id == sender_id,
                                                 EVENTS.c.timestamp > timestamp)
                 .order_by(EVENTS.c.id).limit(limit))
        with self._engine.connect() as connection:
            rows = connection.execute(query).scalars().all()
        events = []
        for raw in rows:
            try:
                events.append(json.loads(raw))
            except (TypeError, ValueError):
                continue
        return events
