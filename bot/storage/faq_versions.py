"""Versions of the FAQ knowledge base's entries, and which one is published.

Every save in the console's editor is a new version on top of the newest one (the
draft), with its author, time and a summary; versions are never changed. Publishing
adds a row to ``faq_publications``: the newest row is the published version, so
exactly one is published and a publish is one insert (atomic). A rollback copies an
older version's entries as a new version and publishes it, in one transaction.
The action servers poll ``published_id`` (one indexed query) and rebuild their index
in the background when it changes (bot.faq.lookup).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.storage.models import FaqPublication, FaqVersion
from bot.storage.unit_of_work import Store, transaction

ROOT_PARENT = 0  # the first version's parent_id


class FaqVersionConflict(RuntimeError):
    """Someone saved another version since the editor's page was loaded."""


class FaqVersionNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Version:
    number: int
    parent: int
    entries: List[Dict[str, Any]]
    summary: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class Publication:
    version: int
    published_by: str
    published_at: datetime


def _version(row: FaqVersion) -> Version:
    return Version(row.id, row.parent_id, json.loads(row.entries), row.summary, row.author, row.created_at)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class FaqVersionStore(Store):
    @transaction
    def published_id(self, session: Session) -> Optional[int]:
        """The published version's number; None while nothing was ever published."""
        return session.execute(select(FaqPublication.version_id)
                               .order_by(FaqPublication.id.desc()).limit(1)).scalar()

    def entries_of(self, version_id: int) -> List[Dict[str, Any]]:
        return self.version(version_id).entries

    @transaction
    def version(self, session: Session, number: int) -> Version:
        row = session.get(FaqVersion, number)
        if row is None:
            raise FaqVersionNotFound(number)
        return _version(row)

    @transaction
    def head(self, session: Session) -> Optional[Version]:
        """The newest version (the draft the editor works on)."""
        row = session.execute(select(FaqVersion).order_by(FaqVersion.id.desc()).limit(1)).scalar()
        return _version(row) if row is not None else None

    def published(self) -> Optional[Version]:
        number = self.published_id()
        return self.version(number) if number is not None else None

    @transaction
    def history(self, session: Session, limit: int = 100) -> List[Version]:
        """The newest versions first."""
        rows = session.execute(select(FaqVersion).order_by(FaqVersion.id.desc()).limit(limit)).scalars()
        return [_version(row) for row in rows]

    @transaction
    def publications(self, session: Session, limit: int = 100) -> List[Publication]:
        rows = session.execute(select(FaqPublication).order_by(FaqPublication.id.desc()).limit(limit)).scalars()
        return [Publication(r.version_id, r.published_by, r.published_at) for r in rows]

    def _add(self, session: Session, entries: Sequence[Mapping[str, Any]], author: str, summary: str,
             parent: int) -> FaqVersion:
        row = FaqVersion(parent_id=parent, entries=json.dumps(list(entries), ensure_ascii=False),
                         summary=summary[:500], author=author, created_at=_now())
        session.add(row)
        session.flush()
        return row

    def save(self, entries: Sequence[Mapping[str, Any]], author: str, summary: str, base: int) -> Version:
        """A new version on top of ``base``, which must be the newest one (else
        `FaqVersionConflict`: someone saved meanwhile). ``base`` 0: the first version."""
        try:
            return self._save(entries, author, summary, base)
        except IntegrityError as error:  # another save took the same parent at the same moment
            raise FaqVersionConflict(base) from error

    @transaction
    def _save(self, session: Session, entries: Sequence[Mapping[str, Any]], author: str, summary: str,
              base: int) -> Version:
        newest = session.execute(select(FaqVersion.id).order_by(FaqVersion.id.desc()).limit(1)).scalar()
        if (newest or ROOT_PARENT) != base:
            raise FaqVersionConflict(base)
        return _version(self._add(session, entries, author, summary, base))

    @transaction
    def publish(self, session: Session, number: int, author: str) -> None:
        if session.get(FaqVersion, number) is None:
            raise FaqVersionNotFound(number)
        session.add(FaqPublication(version_id=number, published_by=author, published_at=_now()))

    def roll_back(self, number: int, author: str, summary: str) -> Version:
        """Publish ``number``'s entries again, as a new newest version."""
        try:
            return self._roll_back(number, author, summary)
        except IntegrityError as error:
            raise FaqVersionConflict(number) from error

    @transaction
    def _roll_back(self, session: Session, number: int, author: str, summary: str) -> Version:
        old = session.get(FaqVersion, number)
        if old is None:
            raise FaqVersionNotFound(number)
        newest = session.execute(select(FaqVersion.id).order_by(FaqVersion.id.desc()).limit(1)).scalar()
        row = self._add(session, json.loads(old.entries), author, summary, newest or ROOT_PARENT)
        session.add(FaqPublication(version_id=row.id, published_by=author, published_at=_now()))
        return _version(row)

    def seed(self, entries: Sequence[Mapping[str, Any]], author: str, summary: str) -> Optional[Version]:
        """The first version, published, when there is none yet; None if there is one
        (another process seeded first)."""
        if self.head() is not None:
            return None
        try:
            return self._seed(entries, author, summary)
        except IntegrityError:
            return None

    @transaction
    def _seed(self, session: Session, entries: Sequence[Mapping[str, Any]], author: str, summary: str) -> Version:
        row = self._add(session, entries, author, summary, ROOT_PARENT)
        session.add(FaqPublication(version_id=row.id, published_by=author, published_at=_now()))
        return _version(row)
