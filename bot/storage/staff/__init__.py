"""Staff accounts of the console: passwords (argon2id), logins with a lockout
counted in the database, browser sessions and the JSON API's integration tokens,
one module each; `StaffStore` is all of them on one engine.

Secrets are never stored: a session cookie and an integration token are random
strings of which the tables keep only the SHA-256. Callers get `StaffMember`
values, never ORM rows.
"""
from __future__ import annotations

from bot.storage.staff.accounts import (
    MAX_DISPLAY_NAME,
    MAX_PASSWORD,
    MIN_PASSWORD,
    USERNAME,
    StaffAccounts,
    validate_password,
)
from bot.storage.staff.base import InvalidStaffInput, StaffMember, StaffNotFound, StaffStoreUnavailable
from bot.storage.staff.logins import BadCredentials, LoginPolicy, LoginThrottled, StaffLogins
from bot.storage.staff.sessions import SignedIn, StaffSessions
from bot.storage.staff.tokens import TOKEN_NAME, IntegrationTokenInfo, IntegrationTokens


class StaffStore(StaffAccounts, StaffLogins, StaffSessions, IntegrationTokens):
    """Accounts, logins, sessions and integration tokens of the console's staff."""


__all__ = [
    "MAX_DISPLAY_NAME", "MAX_PASSWORD", "MIN_PASSWORD", "TOKEN_NAME", "USERNAME",
    "BadCredentials", "IntegrationTokenInfo", "InvalidStaffInput", "LoginPolicy", "LoginThrottled",
    "SignedIn", "StaffMember", "StaffNotFound", "StaffStore", "StaffStoreUnavailable", "validate_password",
]
