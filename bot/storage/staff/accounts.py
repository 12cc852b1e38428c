"""Staff accounts: who may sign in to the console, with which role and password."""
from __future__ import annotations

import re
from typing import Callable, List, Optional

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.storage.models import ROLES, Staff, StaffSession
from bot.storage.staff.base import InvalidStaffInput, StaffMember, StaffTables, member
from bot.storage.unit_of_work import transaction

USERNAME = re.compile(r"[a-z0-9_.-]{2,32}")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_DISPLAY_NAME = 100


def validate_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidStaffInput("password", f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")


def check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidStaffInput("role", f"a role is one of {', '.join(ROLES)}")


class StaffAccounts(StaffTables):
    def add(self, username: str, display_name: str, role: str, password: str) -> StaffMember:
        username, display_name = username.strip(), display_name.strip()
        if not USERNAME.fullmatch(username):
            raise InvalidStaffInput("username", "a username has 2 to 32 of a-z 0-9 _ . -")
        if not 0 < len(display_name) <= MAX_DISPLAY_NAME:
            raise InvalidStaffInput("display_name", f"a display name has 1 to {MAX_DISPLAY_NAME} characters")
        check_role(role)
        validate_password(password)
        return self._insert(username, display_name, role, self._hasher.hash(password))  # hashed once, not per retry

    @transaction
    def _insert(self, session: Session, username: str, display_name: str, role: str,
                password_hash: str) -> StaffMember:
        if session.execute(select(Staff.id).where(Staff.username == username)).first():
            raise InvalidStaffInput("taken", f"the username {username} is taken")
        row = Staff(username=username, display_name=display_name, role=role,
                    password_hash=password_hash, active=1, created_at=self._clock())
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # added by someone else just now
            raise InvalidStaffInput("taken", f"the username {username} is taken") from None
        return member(row)

    @transaction
    def get(self, session: Session, staff_id: int) -> StaffMember:
        return member(self._row(session, staff_id))

    @transaction
    def list_staff(self, session: Session) -> List[StaffMember]:
        return [member(row) for row in session.execute(select(Staff).order_by(Staff.username)).scalars()]

    @transaction
    def display_name(self, session: Session, username: str) -> Optional[str]:
        """The name colleagues and customers see, or None for no such account."""
        return session.execute(select(Staff.display_name).where(Staff.username == username)).scalar_one_or_none()

    @transaction
    def active_agents(self, session: Session) -> List[StaffMember]:
        """Everyone who can take a ticket now: active staff of either role."""
        return [member(row) for row in session.execute(
            select(Staff).where(Staff.active == 1).order_by(Staff.display_name, Staff.username)).scalars()]

    def set_role(self, staff_id: int, role: str) -> StaffMember:
        check_role(role)
        return self._change(staff_id, lambda row: setattr(row, "role", role))

    def set_active(self, staff_id: int, active: bool) -> StaffMember:
        """Deactivating also ends the member's sessions."""
        return self._change(staff_id, lambda row: setattr(row, "active", int(active)),
                            end_sessions=not active)

    def set_password(self, staff_id: int, password: str) -> StaffMember:
        """A new password (a reset) ends the member's sessions."""
        validate_password(password)
        password_hash = self._hasher.hash(password)
        return self._change(staff_id, lambda row: setattr(row, "password_hash", password_hash),
                            end_sessions=True)

    @transaction
    def _change(self, session: Session, staff_id: int, change: Callable[[Staff], None],
                end_sessions: bool = False) -> StaffMember:
        row = self._row(session, staff_id)
        change(row)
        if end_sessions:
            session.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))
        session.commit()
        return member(row)
