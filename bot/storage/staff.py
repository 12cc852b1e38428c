"""Staff accounts of the console: passwords (argon2id), logins with a lockout
counted in the database, browser sessions and the JSON API's integration tokens.

Secrets are never stored: a session cookie and an integration token are random
strings of which the tables keep only the SHA-256. Callers get `StaffMember`
values, never ORM rows.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Any, Callable, List, NamedTuple, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.storage.models import ROLES, IntegrationToken, LoginFailure, Staff, StaffSession
from bot.storage.retrying import RetryingStore, StoreUnavailable

USERNAME = re.compile(r"[a-z0-9_.-]{2,32}")
TOKEN_NAME = re.compile(r"[A-Za-z0-9_.-]{2,64}")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_DISPLAY_NAME = 100


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _digest(secret: str) -> str:
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


class SignedIn(NamedTuple):
    """A live session: who, and the CSRF token of their forms."""

    member: StaffMember
    csrf_token: str


@dataclass(frozen=True)
class IntegrationTokenInfo:
    name: str
    created_at: datetime
    revoked_at: Optional[datetime]


def _member(row: Staff) -> StaffMember:
    return StaffMember(row.id, row.username, row.display_name, row.role, bool(row.active))


def validate_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidStaffInput("password", f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")


class StaffStore(RetryingStore):
    unavailable = StaffStoreUnavailable

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _now,
                 hasher: Optional[PasswordHasher] = None) -> None:
        super().__init__(engine)
        self._clock = clock
        self._hasher = hasher or PasswordHasher()  # argon2id with the library's current parameters

    # -- accounts ---------------------------------------------------------------

    @transaction
    def add(self, session: Session, username: str, display_name: str, role: str, password: str) -> StaffMember:
        username, display_name = username.strip(), display_name.strip()
        if not USERNAME.fullmatch(username):
            raise InvalidStaffInput("username", "a username has 2 to 32 of a-z 0-9 _ . -")
        if not 0 < len(display_name) <= MAX_DISPLAY_NAME:
            raise InvalidStaffInput("display_name", f"a display name has 1 to {MAX_DISPLAY_NAME} characters")
        self._check_role(role)
        validate_password(password)
        password_hash = self._hasher.hash(password)
        if session.execute(select(Staff.id).where(Staff.username == username)).first():
            raise InvalidStaffInput("taken", f"the username {username} is taken")
        row = Staff(username=username, display_name=display_name, role=role,
                    password_hash=password_hash, active=1, created_at=self._clock())
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # added by someone else just now
            raise InvalidStaffInput("taken", f"the username {username} is taken") from None
        return _member(row)

    def get(self, staff_id: int) -> StaffMember:
        return self._retrying(lambda session: _member(self._row(session, staff_id)))

    def list_staff(self) -> List[StaffMember]:
        return self._retrying(lambda session: [
            _member(row) for row in session.execute(select(Staff).order_by(Staff.username)).scalars()])

    def display_name(self, username: str) -> Optional[str]:
        """The name colleagues and customers see, or None for no such account."""
        return self._retrying(lambda session: session.execute(
            select(Staff.display_name).where(Staff.username == username)).scalar_one_or_none())

    def active_agents(self) -> List[StaffMember]:
        """Everyone who can take a ticket now: active staff of either role."""
        return self._retrying(lambda session: [
            _member(row) for row in session.execute(
                select(Staff).where(Staff.active == 1).order_by(Staff.display_name, Staff.username)).scalars()])

    def set_role(self, staff_id: int, role: str) -> StaffMember:
        self._check_role(role)
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

    # -- logins -----------------------------------------------------------------

    def authenticate(self, username: str, password: str, address: str,
                     policy: LoginPolicy = LoginPolicy()) -> StaffMember:
        """The member, or `LoginThrottled` (checked first, even for the right password)
        or `BadCredentials` (the same error, and the same hashing time, for an unknown user)."""
        username, address = username.strip().lower()[:100], address[:64]  # Alice is alice: one lock
        retry_after = self._retry_after(username, address, policy)
        if retry_after:
            raise LoginThrottled(retry_after)
        row = self._retrying(lambda session: session.execute(
            select(Staff).where(Staff.username == username)).scalar_one_or_none())
        if not self._verify(row.password_hash if row else self._dummy_hash, password) or not (row and row.active):
            self._record_failure(username, address, policy)
            raise BadCredentials()
        assert row is not None
        rehash = self._hasher.check_needs_rehash(row.password_hash)
        new_hash = self._hasher.hash(password) if rehash else None

        def work(session: Session) -> None:
            session.execute(delete(LoginFailure).where(LoginFailure.username == username))
            if new_hash:
                self._row(session, row.id).password_hash = new_hash
            session.commit()

        self._retrying(work)
        return _member(row)

    @transaction
    def clear_failures(self, session: Session, username: Optional[str] = None) -> int:
        """Unlock one username (or everyone); returns how many failures were forgotten."""
        query = delete(LoginFailure)
        if username is not None:
            query = query.where(LoginFailure.username == username)
        removed = session.execute(query).rowcount
        session.commit()
        return removed

    # -- sessions ---------------------------------------------------------------

    def open_session(self, member: StaffMember, hours: int) -> tuple[str, str]:
        """A new session: (cookie token, CSRF token). Expired sessions are purged on the way."""
        token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)

        def work(session: Session) -> None:
            now = self._clock()
            session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
            session.add(StaffSession(token_hash=_digest(token), staff_id=member.id, csrf_token=csrf_token,
                                     created_at=now, expires_at=now + timedelta(hours=hours)))
            session.commit()

        self._retrying(work)
        return token, csrf_token

    def session(self, token: str) -> Optional[SignedIn]:
        """The live session of a cookie token; None when unknown, expired or the member is inactive."""
        def work(session: Session) -> Optional[SignedIn]:
            found = session.execute(
                select(StaffSession, Staff).join(Staff, Staff.id == StaffSession.staff_id)
                .where(StaffSession.token_hash == _digest(token))).first()
            if found is None:
                return None
            row, staff = found
            if row.expires_at <= self._clock() or not staff.active:
                return None
            return SignedIn(_member(staff), row.csrf_token)

        return self._retrying(work) if token else None

    def close_session(self, token: str) -> None:
        self._delete_sessions(StaffSession.token_hash == _digest(token))

    def close_sessions_of(self, staff_id: int) -> None:
        self._delete_sessions(StaffSession.staff_id == staff_id)

    # -- integration tokens -----------------------------------------------------

    def create_integration_token(self, name: str) -> str:
        """A new bearer token for ``name``, returned once (only its hash is kept).
        A revoked name can be given a new token; an active one must be revoked first."""
        name = name.strip()
        if not TOKEN_NAME.fullmatch(name):
            raise InvalidStaffInput("token_name", "a token name has 2 to 64 of A-Z a-z 0-9 _ . -")
        token = secrets.token_urlsafe(32)

        def work(session: Session) -> None:
            row = session.execute(select(IntegrationToken).where(IntegrationToken.name == name)).scalar_one_or_none()
            if row is not None and row.revoked_at is None:
                raise InvalidStaffInput("token_taken", f"the integration {name} has a token: revoke it first")
            if row is None:
                row = IntegrationToken(name=name)
                session.add(row)
            row.token_hash, row.created_at, row.revoked_at = _digest(token), self._clock(), None
            session.commit()

        self._retrying(work)
        return token

    def integration_name(self, token: str) -> Optional[str]:
        """The integration a bearer token belongs to; None when unknown or revoked."""
        digest = _digest(token)

        def work(session: Session) -> Optional[str]:
            row = session.execute(select(IntegrationToken).where(IntegrationToken.token_hash == digest)
                                  ).scalar_one_or_none()
            if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, digest):
                return None
            return str(row.name)

        return self._retrying(work) if token else None

    @transaction
    def revoke_integration_token(self, session: Session, name: str) -> bool:
        """False when there is no active token of that name."""
        row = session.execute(select(IntegrationToken).where(
            IntegrationToken.name == name, IntegrationToken.revoked_at.is_(None))).scalar_one_or_none()
        if row is None:
            return False
        row.revoked_at = self._clock()
        session.commit()
        return True

    def list_integration_tokens(self) -> List[IntegrationTokenInfo]:
        return self._retrying(lambda session: [
            IntegrationTokenInfo(row.name, row.created_at, row.revoked_at) for row in session.execute(
                select(IntegrationToken).order_by(IntegrationToken.name)).scalars()])

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
        session.commit()

    def _row(self, session: Session, staff_id: int) -> Staff:
        row = session.get(Staff, staff_id)
        if row is None:
            raise StaffNotFound(staff_id)
        return row

    @transaction
    def _change(self, session: Session, staff_id: int, change: Callable[[Staff], None], end_sessions: bool = False) -> StaffMember:
        row = self._row(session, staff_id)
        change(row)
        if end_sessions:
            session.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))
        session.commit()
        return _member(row)

    @transaction
    def _delete_sessions(self, session: Session, condition: Any) -> None:
        session.execute(delete(StaffSession).where(condition))
        session.commit()

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in ROLES:
            raise InvalidStaffInput("role", f"a role is one of {', '.join(ROLES)}")
