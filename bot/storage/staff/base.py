"""What every part of the staff store shares: the member value callers get (never an
ORM row), the errors, the hashing of stored secrets, and the store's base class."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Optional

from argon2 import PasswordHasher
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.storage.models import Staff
from bot.storage.unit_of_work import Store, StoreUnavailable


def _now() -> datetime:
    return datetime.now(timezone.utc)


def digest(secret: str) -> str:
    """What the tables keep of a session cookie or an integration token: its SHA-256."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class StaffStoreUnavailable(StoreUnavailable):
    pass


class InvalidStaffInput(ValueError):
    """A username, display name, role, password or token name that cannot be used;
    ``problem`` says which (username, taken, display_name, role, password, token_name,
    token_taken), for a page to say it in its own words."""

    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem


class StaffNotFound(LookupError):
    pass


@dataclass(frozen=True)
class StaffMember:
    id: int
    username: str
    display_name: str
    role: str
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def member(row: Staff) -> StaffMember:
    return StaffMember(row.id, row.username, row.display_name, row.role, bool(row.active))


class StaffTables(Store):
    """The engine, the clock and the password hasher (argon2id with the library's
    current parameters unless given) of every part of `bot.storage.staff.StaffStore`."""

    unavailable = StaffStoreUnavailable

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _now,
                 hasher: Optional[PasswordHasher] = None) -> None:
        super().__init__(engine)
        self._clock = clock
        self._hasher = hasher or PasswordHasher()

    @staticmethod
    def _row(session: Session, staff_id: int) -> Staff:
        row = session.get(Staff, staff_id)
        if row is None:
            raise StaffNotFound(staff_id)
        return row
