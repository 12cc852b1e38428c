"""Every table of the project's database (Rasa's tracker store keeps its own).

- ``tickets`` and ``transcript_messages``: handoffs and their masked transcripts;
- ``webchat_outbox``: every message shown in a web chat window.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

# Any: SQLAlchemy 1.4's declarative base is invisible to mypy without its plugin.
Base: Any = declarative_base()


class UtcDateTime(TypeDecorator):
    """A point in time stored as UTC and always read back with its zone.

    SQLite keeps no zone: an aware local time (an SLA due at 13:00 Shanghai)
    would come back as a naive 13:00 and be read as UTC, eight hours late.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give it a zone before storing it")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


STATUSES = ("open", "in_progress", "resolved")
PRIORITIES = ("P1", "P2", "P3")


class Ticket(Base):
    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)  # T20261122-0001
    # One ticket per handoff: the action server may retry the same handoff.
    handoff_key = Column(String(200), nullable=False, unique=True)
    sender_id = Column(String(200), nullable=False, index=True)
    channel = Column(String(50), nullable=False, default="rest")
    status = Column(String(20), nullable=False, default="open", index=True)
    priority = Column(String(2), nullable=False)
    intent = Column(String(100))
    intent_confidence = Column(Float)
    handoff_reason = Column(String(100), nullable=False)
    diagnostics = Column(JSON, nullable=False, default=dict)
    sla_due_at = Column(UtcDateTime, nullable=False)
    assigned_agent = Column(String(100))
    created_at = Column(UtcDateTime, nullable=False)
    updated_at = Column(UtcDateTime, nullable=False)

    messages = relationship(
        "TranscriptMessage", back_populates="ticket", order_by="TranscriptMessage.position",
        cascade="all, delete-orphan",
    )


class TranscriptMessage(Base):
    __tablename__ = "transcript_messages"
    __table_args__ = (UniqueConstraint("ticket_id", "position"),)

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)
    role = Column(String(10), nullable=False)  # user / bot
    text = Column(Text, nullable=False)  # always masked
    intent = Column(String(100))
    confidence = Column(Float)
    sent_at = Column(UtcDateTime)

    ticket = relationship("Ticket", back_populates="messages")


OUTBOX_ROLES = ("user", "bot", "staff")


class OutboxMessage(Base):
    """One message shown in a web chat window; its id is the Server-Sent Events id."""

    __tablename__ = "webchat_outbox"
    __table_args__ = (Index("ix_webchat_outbox_sender_id_id", "sender_id", "id"),)

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(200), nullable=False)
    role = Column(String(10), nullable=False)
    text = Column(Text, nullable=False, default="")
    # buttons, image, custom: whatever else the bot sent with the text
    extra = Column(JSON, nullable=False, default=dict)
    created_at = Column(UtcDateTime, nullable=False)
