"""The window's messages, kept in the tickets database.

Every message shown in a web chat window is a row here: what the customer
sent, what the bot answered, and what staff pushed later. The row id is the
Server-Sent Events id, so an open window (in any worker or process) reads the
rows after the last one it has, and a reloaded window reads them all.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Text, select
from sqlalchemy.engine import Engine

from bot.tickets.db import make_engine, make_session_factory
from bot.tickets.models import Base

ROLES = ("user", "bot", "staff")
HISTORY_LIMIT = 200


class OutboxMessage(Base):
    __tablename__ = "webchat_outbox"
    __table_args__ = (Index("ix_webchat_outbox_sender_id_id", "sender_id", "id"),)

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(200), nullable=False)
    role = Column(String(10), nullable=False)
    text = Column(Text, nullable=False, default="")
    # buttons, image, custom: whatever else the bot sent with the text
    extra = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime(timezone=True), nullable=False)


def to_dict(row: OutboxMessage) -> Dict[str, Any]:
    created_at = row.created_at
    if created_at.tzinfo is None:  # SQLite keeps no time zone; we store UTC
        created_at = created_at.replace(tzinfo=timezone.utc)
    return {"id": row.id, "role": row.role, "text": row.text,
            "created_at": created_at.isoformat(), **(row.extra or {})}


class Outbox:
    def __init__(self, engine: Engine) -> None:
        self._sessions = make_session_factory(engine)

    def append(self, sender_id: str, role: str, text: str,
               extra: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        with self._sessions.begin() as session:
            row = OutboxMessage(sender_id=sender_id, role=role, text=text or "",
                                extra=extra or {}, created_at=datetime.now(timezone.utc))
            session.add(row)
            session.flush()
            return to_dict(row)

    def after(self, sender_id: str, after_id: int = 0,
              limit: int = HISTORY_LIMIT) -> List[Dict[str, Any]]:
        """Messages newer than ``after_id``, oldest first."""
        with self._sessions() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.sender_id == sender_id, OutboxMessage.id > after_id)
                .order_by(OutboxMessage.id)
                .limit(limit)
            ).all()
            return [to_dict(row) for row in rows]

    def history(self, sender_id: str, limit: int = HISTORY_LIMIT) -> List[Dict[str, Any]]:
        """The latest ``limit`` messages, oldest first."""
        with self._sessions() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.sender_id == sender_id)
                .order_by(OutboxMessage.id.desc())
                .limit(limit)
            ).all()
            return [to_dict(row) for row in reversed(rows)]


def push_to_customer(sender_id: str, text: str, db_url: Optional[str] = None) -> Dict[str, Any]:
    """Show ``text`` as a staff message in ``sender_id``'s chat window, now or when it opens.

    For the staff console: it needs only the database, not the Rasa server.
    """
    from bot.config import Settings

    text = (text or "").strip()
    if not text:
        raise ValueError("empty message")
    engine = make_engine(db_url or Settings.from_env().tickets_db_url)
    try:
        return Outbox(engine).append(sender_id, "staff", text)
    finally:
        engine.dispose()
