"""The JSON API's integration tokens: random bearer tokens, one active per
integration name, of which the table keeps only the SHA-256."""
from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import IntegrationToken
from bot.storage.staff.base import InvalidStaffInput, StaffTables, digest
from bot.storage.unit_of_work import transaction

TOKEN_NAME = re.compile(r"[A-Za-z0-9_.-]{2,64}")


@dataclass(frozen=True)
class IntegrationTokenInfo:
    name: str
    created_at: datetime
    revoked_at: Optional[datetime]


class IntegrationTokens(StaffTables):
    def create_integration_token(self, name: str) -> str:
        """A new bearer token for ``name``, returned once (only its hash is kept).
        A revoked name can be given a new token; an active one must be revoked first."""
        name = name.strip()
        if not TOKEN_NAME.fullmatch(name):
            raise InvalidStaffInput("token_name", "a token name has 2 to 64 of A-Z a-z 0-9 _ . -")
        token = secrets.token_urlsafe(32)
        self._keep(name, digest(token))
        return token

    def integration_name(self, token: str) -> Optional[str]:
        """The integration a bearer token belongs to; None when unknown or revoked."""
        return self._name_of(digest(token)) if token else None

    @transaction
    def revoke_integration_token(self, session: Session, name: str) -> bool:
        """False when there is no active token of that name."""
        row = session.execute(select(IntegrationToken).where(
            IntegrationToken.name == name, IntegrationToken.revoked_at.is_(None))).scalar_one_or_none()
        if row is None:
            return False
        row.revoked_at = self._clock()
        return True

    @transaction
    def list_integration_tokens(self, session: Session) -> List[IntegrationTokenInfo]:
        return [IntegrationTokenInfo(row.name, row.created_at, row.revoked_at) for row in session.execute(
            select(IntegrationToken).order_by(IntegrationToken.name)).scalars()]

    # -- helpers ----------------------------------------------------------------

    @transaction
    def _keep(self, session: Session, name: str, token_hash: str) -> None:
        row = session.execute(select(IntegrationToken).where(IntegrationToken.name == name)).scalar_one_or_none()
        if row is not None and row.revoked_at is None:
            raise InvalidStaffInput("token_taken", f"the integration {name} has a token: revoke it first")
        if row is None:
            row = IntegrationToken(name=name)
            session.add(row)
        row.token_hash, row.created_at, row.revoked_at = token_hash, self._clock(), None

    @transaction
    def _name_of(self, session: Session, token_hash: str) -> Optional[str]:
        row = session.execute(select(IntegrationToken).where(IntegrationToken.token_hash == token_hash)
                              ).scalar_one_or_none()
        if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, token_hash):
            return None
        return str(row.name)
