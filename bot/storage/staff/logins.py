"""Signing in: the password check, and the lockout counted in the database (per
username and per address) that slows down guessing."""
from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Optional

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.storage.models import LoginFailure, Staff
from bot.storage.staff.base import StaffMember, StaffTables, member
from bot.storage.unit_of_work import transaction


class BadCredentials(Exception):
    """Unknown user, inactive user or wrong password: deliberately the same error."""


class LoginThrottled(Exception):
    """Too many failed logins for the username or the address within the lockout window."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"too many failed logins, retry after {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True)
class LoginPolicy:
    """``max_failures`` failed logins per username or per address within ``lockout``
    lock further attempts until the oldest of them leaves the window."""

    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)

    @classmethod
    def of(cls, max_failures: int, lockout_minutes: int) -> "LoginPolicy":
        return cls(max_failures, timedelta(minutes=lockout_minutes))


class StaffLogins(StaffTables):
    def authenticate(self, username: str, password: str, address: str,
                     policy: LoginPolicy = LoginPolicy()) -> StaffMember:
        """The member, or `LoginThrottled` (checked first, even for the right password)
        or `BadCredentials` (the same error, and the same hashing time, for an unknown user)."""
        username, address = username.strip().lower()[:100], address[:64]  # Alice is alice: one lock
        retry_after = self._retry_after(username, address, policy)
        if retry_after:
            raise LoginThrottled(retry_after)
        row = self._account(username)
        if not self._verify(row.password_hash if row else self._dummy_hash, password) or not (row and row.active):
            self._record_failure(username, address, policy)
            raise BadCredentials()
        assert row is not None
        rehash = self._hasher.check_needs_rehash(row.password_hash)
        self._forget_failures(username, row.id, self._hasher.hash(password) if rehash else None)
        return member(row)

    @transaction
    def clear_failures(self, session: Session, username: Optional[str] = None) -> int:
        """Unlock one username (or everyone); returns how many failures were forgotten."""
        query = delete(LoginFailure)
        if username is not None:
            query = query.where(LoginFailure.username == username)
        removed = session.execute(query).rowcount
        session.commit()
        return removed

    # -- helpers ----------------------------------------------------------------

    @cached_property
    def _dummy_hash(self) -> str:
        """Verified against for unknown users, so they cost the same time as a wrong password."""
        return self._hasher.hash(secrets.token_urlsafe(16))

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @transaction
    def _account(self, session: Session, username: str) -> Optional[Staff]:
        return session.execute(select(Staff).where(Staff.username == username)).scalar_one_or_none()

    @transaction
    def _forget_failures(self, session: Session, username: str, staff_id: int, new_hash: Optional[str]) -> None:
        """A good login forgets the username's failures (and upgrades an old hash)."""
        session.execute(delete(LoginFailure).where(LoginFailure.username == username))
        if new_hash:
            self._row(session, staff_id).password_hash = new_hash

    @transaction
    def _retry_after(self, session: Session, username: str, address: str, policy: LoginPolicy) -> int:
        """Seconds until neither the username nor the address is locked; 0 when neither is."""
        now = self._clock()
        since = now - policy.lockout
        waits = [0.0]
        for column, value in ((LoginFailure.username, username), (LoginFailure.address, address)):
            recent = select(LoginFailure.at).where(column == value, LoginFailure.at > since)
            if session.execute(select(func.count()).select_from(recent.subquery())).scalar_one() \
                    < policy.max_failures:
                continue
            # Locked until the max_failures-th newest failure leaves the window.
            at = session.execute(recent.order_by(LoginFailure.at.desc())
                                 .offset(policy.max_failures - 1).limit(1)).scalar_one()
            waits.append((at + policy.lockout - now).total_seconds())
        return max(0, math.ceil(max(waits)))

    @transaction
    def _record_failure(self, session: Session, username: str, address: str, policy: LoginPolicy) -> None:
        now = self._clock()
        session.execute(delete(LoginFailure).where(LoginFailure.at <= now - policy.lockout))
        session.add(LoginFailure(username=username, address=address, at=now))
