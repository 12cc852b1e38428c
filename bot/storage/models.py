"""Every table of the project's database (Rasa's tracker store keeps its own).

- ``tickets`` and ``transcript_messages``: handoffs and their masked transcripts;
- ``ticket_notes`` and ``ticket_audit``: staff's private notes and who did what;
- ``webchat_outbox``: every message shown in a web chat window;
- ``staff``, ``staff_sessions``, ``login_failures``, ``integration_tokens``: the console's accounts.
- ``corrections``: staff's corrections of the bot's intents and answers (teaching the bot).
- ``ticket_reads`` and ``ticket_presence``: the live inbox (how far each person read a
  ticket; who has it open or is typing on it, for a few seconds).
- ``faq_versions`` and ``faq_publications``: the knowledge base edited in the console, and what is published.
- ``model_registry`` and ``model_activations``: models trained in the console, their figures,
  and who activated which (with the reason when the gate was overridden).
- ``approved_examples`` and ``inbox_handled``: the misunderstood inbox's training examples staff
  approved, and which inbox messages were dealt with (approved, added to the FAQ, ignored).
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


# waiting: handed off, nobody owns it yet (the bot keeps the customer company);
# assigned: a person owns it (the conversation is paused in Rasa);
# resolved / handed_back / cancelled: closed, the bot owns the conversation again.
STATUSES = ("waiting", "assigned", "resolved", "handed_back", "cancelled")
OPEN_STATUSES = ("waiting", "assigned")
CLOSED_STATUSES = ("resolved", "handed_back", "cancelled")
PRIORITIES = ("P1", "P2", "P3")
ROLES = ("agent", "admin")


class Ticket(Base):
    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)  # T20261122-0001
    # One ticket per handoff: the action server may retry the same handoff.
    handoff_key = Column(String(200), nullable=False, unique=True)
    sender_id = Column(String(200), nullable=False, index=True)
    channel = Column(String(50), nullable=False, default="rest")
    status = Column(String(20), nullable=False, default="waiting", index=True)
    priority = Column(String(2), nullable=False)
    intent = Column(String(100))
    intent_confidence = Column(Float)
    handoff_reason = Column(String(100), nullable=False)
    diagnostics = Column(JSON, nullable=False, default=dict)
    sla_due_at = Column(UtcDateTime, nullable=False)
    assigned_agent = Column(String(100))
    # Last 4 digits of the account phone, the one part staff may search by.
    phone_last4 = Column(String(4), index=True)
    # Tracker time of the newest event copied into the transcript.
    synced_until = Column(Float, nullable=False, default=0.0)
    resolution_note = Column(Text)
    created_at = Column(UtcDateTime, nullable=False)
    updated_at = Column(UtcDateTime, nullable=False)
    assigned_at = Column(UtcDateTime)
    first_response_at = Column(UtcDateTime)
    closed_at = Column(UtcDateTime)

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
    role = Column(String(10), nullable=False)  # user / bot / action / staff
    text = Column(Text, nullable=False)  # always masked; an action's name for role action
    intent = Column(String(100))
    confidence = Column(Float)
    sent_at = Column(UtcDateTime)
    author = Column(String(100))  # the staff member who wrote a staff message
    # A staff message: delivered, kept (the channel cannot take it now) or failed.
    delivery = Column(String(20))
    delivery_note = Column(Text)

    ticket = relationship("Ticket", back_populates="messages")


# notice: a line about the conversation itself ("客服小王已接入"), neither bot nor person.
OUTBOX_ROLES = ("user", "bot", "staff", "notice")


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


class TicketNote(Base):
    """A private note of staff on a ticket: never sent to the customer."""

    __tablename__ = "ticket_notes"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(100), nullable=False)
    text = Column(Text, nullable=False)  # masked
    created_at = Column(UtcDateTime, nullable=False)


class TicketAudit(Base):
    """Who did what to a ticket, and when (created, assigned, replied, resolved ...)."""

    __tablename__ = "ticket_audit"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    actor = Column(String(100), nullable=False)  # a staff username, "customer", "bot" or "api:<name>"
    action = Column(String(30), nullable=False)
    detail = Column(Text, nullable=False, default="")  # masked
    at = Column(UtcDateTime, nullable=False)


class Staff(Base):
    __tablename__ = "staff"

    id = Column(Integer, primary_key=True)
    username = Column(String(100), nullable=False, unique=True)
    display_name = Column(String(100), nullable=False)
    role = Column(String(10), nullable=False, default="agent")
    password_hash = Column(String(255), nullable=False)  # argon2id
    active = Column(Integer, nullable=False, default=1)
    created_at = Column(UtcDateTime, nullable=False)


class StaffSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its hash."""

    __tablename__ = "staff_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    staff_id = Column(Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)


class LoginFailure(Base):
    __tablename__ = "login_failures"

    id = Column(Integer, primary_key=True)
    username = Column(String(100), nullable=False, index=True)
    address = Column(String(64), nullable=False, index=True)
    at = Column(UtcDateTime, nullable=False)


class IntegrationToken(Base):
    """A bearer token of one integration (a team's own desk) for the console's JSON API."""

    __tablename__ = "integration_tokens"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False, unique=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    created_at = Column(UtcDateTime, nullable=False)
    revoked_at = Column(UtcDateTime)


CORRECTION_KINDS = ("intent", "answer")
# What staff pick instead of an intent when a customer asked something the FAQ should answer.
NEW_FAQ_QUESTION = "__new_faq__"


class Correction(Base):
    """Staff said the bot got a turn wrong: the intent of a customer message (``intent``,
    with the right intent or `NEW_FAQ_QUESTION`) or a bot answer (``answer``).

    One per turn and kind: a later correction of the same turn replaces it. The text
    is the transcript's, masked; it goes when the transcript goes (retention)."""

    __tablename__ = "corrections"
    __table_args__ = (UniqueConstraint("ticket_id", "position", "kind"),)

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)  # of the transcript message
    kind = Column(String(10), nullable=False)
    text = Column(Text, nullable=False)  # masked
    predicted_intent = Column(String(100))  # the bot's intent of the (answered) customer turn
    corrected_intent = Column(String(100))  # an intent or NEW_FAQ_QUESTION; empty for answers
    author = Column(String(100), nullable=False)
    created_at = Column(UtcDateTime, nullable=False, index=True)


class TicketRead(Base):
    """How far a staff member has read a ticket's transcript (the newest position shown to
    them): the queue counts the customer's messages after the owner's mark as unread."""

    __tablename__ = "ticket_reads"
    __table_args__ = (UniqueConstraint("ticket_id", "username"),)

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    username = Column(String(100), nullable=False)
    position = Column(Integer, nullable=False)
    read_at = Column(UtcDateTime, nullable=False)


class TicketPresence(Base):
    """A staff member with a ticket's page open (``seen_at``, renewed every few seconds) and
    typing a reply (``typing_at``). Rows older than a few seconds mean nothing; they are kept
    in the database so that every console worker sees the same people."""

    __tablename__ = "ticket_presence"
    __table_args__ = (UniqueConstraint("ticket_id", "username"),)

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    username = Column(String(100), nullable=False)
    seen_at = Column(UtcDateTime, nullable=False, index=True)
    typing_at = Column(UtcDateTime)


class FaqVersion(Base):
    """One version of the FAQ knowledge base's entries (the exchange format of
    bot.faq.exchange, as JSON), written by the console's editor or imported.

    Versions form one line: each has at most one successor (``parent_id`` is unique;
    the first version's is 0), so two admins saving at once cannot fork the history."""

    __tablename__ = "faq_versions"
    __table_args__ = (UniqueConstraint("parent_id", name="uq_faq_versions_parent_id"),)

    id = Column(Integer, primary_key=True)  # the version number staff see
    parent_id = Column(Integer, nullable=False)
    entries = Column(Text, nullable=False)  # JSON list of entries
    summary = Column(String(500), nullable=False)
    author = Column(String(100), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)


class FaqPublication(Base):
    """A version was published (a rollback too): the newest row names the version the
    bot answers from, so exactly one is published and the change is one insert."""

    __tablename__ = "faq_publications"

    id = Column(Integer, primary_key=True)
    version_id = Column(Integer, ForeignKey("faq_versions.id"), nullable=False)
    published_by = Column(String(100), nullable=False)
    published_at = Column(UtcDateTime, nullable=False)


# training -> ready | failed; ready -> active -> retired (another one was activated) -> active ...
MODEL_STATUSES = ("training", "ready", "failed", "active", "retired")


class ModelRecord(Base):
    """A model the console trained (or the project's own, registered when first replaced):
    who trained it, from which data (``data_version``: a digest of the training data with
    the approved examples, and their count), its figures and its gate result."""

    __tablename__ = "model_registry"

    id = Column(Integer, primary_key=True)
    file_name = Column(String(200))  # in var/models/ (candidates) or models/; empty until trained
    trained_by = Column(String(100), nullable=False)
    started_at = Column(UtcDateTime, nullable=False)
    finished_at = Column(UtcDateTime)
    data_version = Column(String(64), nullable=False, default="")
    approved_examples = Column(Integer, nullable=False, default=0)
    figures = Column(JSON, nullable=False, default=dict)  # bot.teaching.gate: per evaluation set
    status = Column(String(10), nullable=False, default="training", index=True)
    gate_passed = Column(Integer)  # 1 / 0; empty while training or for the project's model
    override_reason = Column(Text)  # of its latest activation despite a failed gate
    error = Column(Text)  # why a training failed (no customer text)


class ModelActivation(Base):
    """Every activation (and rollback): the audit of which model served when, and why."""

    __tablename__ = "model_activations"

    id = Column(Integer, primary_key=True)
    model_id = Column(Integer, ForeignKey("model_registry.id", ondelete="CASCADE"), nullable=False, index=True)
    activated_by = Column(String(100), nullable=False)
    activated_at = Column(UtcDateTime, nullable=False)
    override_reason = Column(Text)  # written by an admin who activated despite a failed gate


class ApprovedExample(Base):
    """A customer's message approved in the misunderstood inbox as a training example of
    ``intent``: the text as it is written into training data (masked again, product names
    as placeholders, one line). Kept with its customer's id and the message's time for
    retention (``purge``, ``forget``)."""

    __tablename__ = "approved_examples"

    id = Column(Integer, primary_key=True)
    message_key = Column(String(100), nullable=False, unique=True)  # bot.teaching.inbox_sources
    sender_id = Column(String(200), nullable=False, index=True)
    text = Column(Text, nullable=False)  # masked
    intent = Column(String(100), nullable=False)
    approved_by = Column(String(100), nullable=False)
    approved_at = Column(UtcDateTime, nullable=False, index=True)
    message_at = Column(UtcDateTime, nullable=False)


INBOX_OUTCOMES = ("approved", "faq", "ignored")


class InboxHandled(Base):
    """An inbox message staff dealt with: it is no longer shown (a new message like it is).
    No text: the key names the message in the tracker store or the corrections."""

    __tablename__ = "inbox_handled"

    id = Column(Integer, primary_key=True)
    message_key = Column(String(100), nullable=False, unique=True)
    sender_id = Column(String(200), nullable=False, index=True)
    outcome = Column(String(10), nullable=False)  # INBOX_OUTCOMES
    handled_by = Column(String(100), nullable=False)
    handled_at = Column(UtcDateTime, nullable=False)
    message_at = Column(UtcDateTime, nullable=False, index=True)
