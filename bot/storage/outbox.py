"""The web chat windows' messages (table ``webchat_outbox``).

Every message shown in a window is a row here: what the customer sent, what
the bot answered, and what staff pushed later. The row id is the Server-Sent
Events id, so an open window (in any worker or process) reads the rows after
the last one it has, and a reloaded window reads them all.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.storage.models import OUTBOX_ROLES, OutboxMessage
from bot.storage.unit_of_work import Store, transaction

if TYPE_CHECKING:
    from bot.storage.outbox_wakeups import OutboxWakeups

HISTORY_LIMIT = 200


def to_dict(row: OutboxMessage) -> Dict[str, Any]:
    return {"id": row.id, "role": row.role, "text": row.text,
            "created_at": row.created_at.isoformat(), **(row.extra or {})}


class Outbox(Store):
    """``wakeups``: told of each committed row, so open windows of any process
    show it at once (bot.storage.outbox_wakeups)."""

    def __init__(self, engine: Engine, wakeups: Optional["OutboxWakeups"] = None) -> None:
        super().__init__(engine)
        self._wakeups = wakeups

    def append(self, sender_id: str, role: str, text: str,
               extra: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        if role not in OUTBOX_ROLES:
            raise ValueError(f"unknown role {role!r}")
        stored = self._insert(sender_id, role, text, extra)
        if self._wakeups is not None:
            self._wakeups.notify(sender_id)
        return stored

    @transaction
    def _insert(self, session: Session, sender_id: str, role: str, text: str,
                extra: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        row = OutboxMessage(sender_id=sender_id, role=role, text=text or "",
                            extra=extra or {}, created_at=datetime.now(timezone.utc))
        session.add(row)
        session.flush()
        return to_dict(row)

    @transaction
    def after(self, session: Session, sender_id: str, after_id: int = 0,
              limit: int = HISTORY_LIMIT) -> List[Dict[str, Any]]:
        """Messages newer than ``after_id``, oldest first."""
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sender_id == sender_id, OutboxMessage.id > after_id)
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
        return [to_dict(row) for row in rows]

    @transaction
    def history(self, session: Session, sender_id: str, limit: int = HISTORY_LIMIT) -> List[Dict[str, Any]]:
        """The latest ``limit`` messages, oldest first."""
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sender_id == sender_id)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        ).all()
        return [to_dict(row) for row in reversed(rows)]
