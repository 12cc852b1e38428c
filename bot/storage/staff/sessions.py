"""Browser sessions of the console: a random cookie token (the table keeps its
SHA-256) and the CSRF token of the session's forms."""
from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any, NamedTuple, Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.storage.models import Staff, StaffSession
from bot.storage.staff.base import StaffMember, StaffTables, digest, member
from bot.storage.unit_of_work import transaction


class SignedIn(NamedTuple):
    """A live session: who, and the CSRF token of their forms."""

    member: StaffMember
    csrf_token: str


class StaffSessions(StaffTables):
    def open_session(self, member: StaffMember, hours: int) -> tuple[str, str]:
        """A new session: (cookie token, CSRF token). Expired sessions are purged on the way."""
        token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self._open(member.id, digest(token), csrf_token, hours)
        return token, csrf_token

    def session(self, token: str) -> Optional[SignedIn]:
        """The live session of a cookie token; None when unknown, expired or the member is inactive."""
        return self._live(digest(token)) if token else None

    def close_session(self, token: str) -> None:
        self._delete_sessions(StaffSession.token_hash == digest(token))

    def close_sessions_of(self, staff_id: int) -> None:
        self._delete_sessions(StaffSession.staff_id == staff_id)

    # -- helpers ----------------------------------------------------------------

    @transaction
    def _open(self, session: Session, staff_id: int, token_hash: str, csrf_token: str, hours: int) -> None:
        now = self._clock()
        session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
        session.add(StaffSession(token_hash=token_hash, staff_id=staff_id, csrf_token=csrf_token,
                                 created_at=now, expires_at=now + timedelta(hours=hours)))

    @transaction
    def _live(self, session: Session, token_hash: str) -> Optional[SignedIn]:
        found = session.execute(
            select(StaffSession, Staff).join(Staff, Staff.id == StaffSession.staff_id)
            .where(StaffSession.token_hash == token_hash)).first()
        if found is None:
            return None
        row, staff = found
        if row.expires_at <= self._clock() or not staff.active:
            return None
        return SignedIn(member(staff), row.csrf_token)

    @transaction
    def _delete_sessions(self, session: Session, condition: Any) -> None:
        session.execute(delete(StaffSession).where(condition))
