"""Run a unit of database work in its own session, retrying transient errors."""
from __future__ import annotations

import time
from typing import Callable, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.storage.engine import make_session_factory

T = TypeVar("T")
RETRIES = 3


class StoreUnavailable(RuntimeError):
    """The database could not be reached after retries."""


class RetryingStore:
    """Base of the stores: ``self._retrying(work)`` runs ``work(session)`` up to
    three times (a locked SQLite file, a PostgreSQL failover) before giving up."""

    unavailable: type = StoreUnavailable

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = make_session_factory(engine)

    def _retrying(self, work: Callable[[Session], T]) -> T:
        delay = 0.1
        for attempt in range(RETRIES):
            try:
                with self._sessions() as session:
                    return work(session)
            except OperationalError as error:
                if attempt == RETRIES - 1:
                    raise self.unavailable(str(error.orig)) from error
                time.sleep(delay)
                delay *= 4
        raise AssertionError("unreachable")
