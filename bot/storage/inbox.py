"""The misunderstood inbox's decisions: training examples staff approved, and which inbox
messages were dealt with (approved, added to the FAQ, ignored) so that they no longer show.

A message is named by its key (bot.teaching.inbox_sources: a tracker event or a
correction); a key is handled once (a second decision on it changes nothing). An
approved example keeps its customer's id and its message's time, as every row that
holds a customer's words does, for retention (bot.storage.retention).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, List, Optional, Sequence, Set

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.storage.models import INBOX_OUTCOMES, ApprovedExample, InboxHandled
from bot.storage.unit_of_work import Store, StoreUnavailable, transaction

CHUNK = 500  # keys per IN (...)


class InboxStoreUnavailable(StoreUnavailable):
    pass


@dataclass(frozen=True)
class Handled:
    """One inbox message dealt with: its keys (a message read from two places has two)."""

    keys: Sequence[str]
    sender_id: str
    message_at: datetime


@dataclass(frozen=True)
class Approval:
    message: Handled
    text: str  # the training example (masked)
    intent: str


@dataclass(frozen=True)
class ApprovedRecord:
    text: str
    intent: str
    approved_by: str
    approved_at: datetime


def _now() -> datetime:
    return datetime.now(timezone.utc)


class InboxStore(Store):
    unavailable = InboxStoreUnavailable

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _now) -> None:
        super().__init__(engine)
        self._clock = clock

    @transaction
    def handled(self, session: Session, keys: Iterable[str]) -> Set[str]:
        """Which of ``keys`` were dealt with."""
        wanted = sorted(set(keys))
        found: Set[str] = set()
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            found.update(session.execute(select(InboxHandled.message_key)
                                         .where(InboxHandled.message_key.in_(chunk))).scalars())
        return found

    @transaction
    def mark(self, session: Session, messages: Sequence[Handled], outcome: str, by: str) -> int:
        """Record ``messages`` as dealt with (``faq`` or ``ignored``); returns how many were new."""
        if outcome not in INBOX_OUTCOMES:
            raise ValueError(outcome)
        return self._mark(session, messages, outcome, by)

    @transaction
    def approve(self, session: Session, approvals: Sequence[Approval], by: str) -> int:
        """Keep each approval's example and mark its message dealt with; a message
        approved before is left as it is. Returns how many examples were added."""
        taken = self._taken(session, [a.message.keys[0] for a in approvals])
        added = 0
        for approval in approvals:
            key = approval.message.keys[0]
            if key in taken:
                continue
            taken.add(key)
            session.add(ApprovedExample(message_key=key, sender_id=approval.message.sender_id,
                                        text=approval.text, intent=approval.intent, approved_by=by,
                                        approved_at=self._clock(), message_at=approval.message.message_at))
            added += 1
        self._mark(session, [a.message for a in approvals], "approved", by)
        return added

    @transaction
    def approved(self, session: Session, since: Optional[datetime] = None) -> List[ApprovedRecord]:
        """Approved examples (approved at or after ``since``), oldest first."""
        query = select(ApprovedExample).order_by(ApprovedExample.approved_at, ApprovedExample.id)
        if since is not None:
            query = query.where(ApprovedExample.approved_at >= since)
        return [ApprovedRecord(row.text, row.intent, row.approved_by, row.approved_at)
                for row in session.execute(query).scalars()]

    # -- helpers --------------------------------------------------------------

    @staticmethod
    def _taken(session: Session, keys: Sequence[str]) -> Set[str]:
        found: Set[str] = set()
        for start in range(0, len(keys), CHUNK):
            found.update(session.execute(select(ApprovedExample.message_key).where(
                ApprovedExample.message_key.in_(list(keys[start:start + CHUNK])))).scalars())
        return found

    def _mark(self, session: Session, messages: Sequence[Handled], outcome: str, by: str) -> int:
        keys = [key for message in messages for key in message.keys]
        known: Set[str] = set()
        for start in range(0, len(keys), CHUNK):
            known.update(session.execute(select(InboxHandled.message_key).where(
                InboxHandled.message_key.in_(keys[start:start + CHUNK]))).scalars())
        added = 0
        for message in messages:
            fresh = [key for key in message.keys if key not in known]
            for key in fresh:
                known.add(key)
                session.add(InboxHandled(message_key=key, sender_id=message.sender_id, outcome=outcome,
                                         handled_by=by, handled_at=self._clock(), message_at=message.message_at))
            added += bool(fresh)
        return added
