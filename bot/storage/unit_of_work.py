"""The one way to the project's database (and to the tracker store's tables read
without Rasa): a unit of work opens a session or a connection, commits when the
work returns, rolls back when it raises, and runs it again on a transient error.

Transient means `OperationalError` (a locked SQLite file, a PostgreSQL failover,
a dropped connection): the work runs up to `RETRIES` times, waiting 0.1 s then
0.4 s, and then the store's ``unavailable`` error is raised. Any other error
(an `IntegrityError`, a `LookupError` of the store) is not retried.

Stores subclass `Store` and write their methods as plain functions of a session
with `@transaction`; work that must happen once (hashing a password, making a
token) stays in a public method around a private transactional one.
"""
from __future__ import annotations

import functools
import inspect
import time
from typing import Callable, Concatenate, ParamSpec, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.storage.engine import make_session_factory

T = TypeVar("T")
P = ParamSpec("P")
S = TypeVar("S", bound="Store")
W = TypeVar("W", Session, Connection)
RETRIES = 3
FIRST_DELAY = 0.1  # seconds before the second attempt
BACKOFF = 4  # each further wait is this many times longer


class StoreUnavailable(RuntimeError):
    """The database could not be reached after retries."""


class UnitOfWork:
    """Runs ``work(session)`` or ``work(connection)`` in one transaction, retried
    (``attempts``: a check that must answer at once asks once)."""

    def __init__(self, engine: Engine, unavailable: type[StoreUnavailable] = StoreUnavailable,
                 attempts: int = RETRIES) -> None:
        self.engine = engine
        self._unavailable = unavailable
        self._attempts = attempts
        self._sessions = make_session_factory(engine)

    def run(self, work: Callable[[Session], T]) -> T:
        """``work`` in an ORM session; committed when it returns (rows it returns stay readable)."""
        return self._retrying(work, self._in_session)

    def connect(self, work: Callable[[Connection], T]) -> T:
        """``work`` on a Core connection inside one transaction."""
        return self._retrying(work, self._in_connection)

    def _in_session(self, work: Callable[[Session], T]) -> T:
        with self._sessions() as session:
            result = work(session)
            session.commit()
            return result

    def _in_connection(self, work: Callable[[Connection], T]) -> T:
        with self.engine.begin() as connection:
            return work(connection)

    def _retrying(self, work: Callable[[W], T], attempt_once: Callable[[Callable[[W], T]], T]) -> T:
        delay = FIRST_DELAY
        for attempt in range(self._attempts):
            try:
                return attempt_once(work)
            except OperationalError as error:
                if attempt == self._attempts - 1:
                    raise self._unavailable(str(error.orig)) from error
                time.sleep(delay)
                delay *= BACKOFF
        raise AssertionError("unreachable")


class Store:
    """Base of the stores: the engine and its unit of work. ``unavailable`` is the
    error a store's callers catch when the database stays out of reach."""

    unavailable: type[StoreUnavailable] = StoreUnavailable

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._unit = UnitOfWork(engine, self.unavailable)


def transaction(method: Callable[Concatenate[S, Session, P], T]) -> Callable[Concatenate[S, P], T]:
    """A store method written as ``def name(self, session, ...)`` is called as
    ``store.name(...)``: its body runs in its store's unit of work."""

    @functools.wraps(method)
    def run(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._unit.run(lambda session: method(self, session, *args, **kwargs))

    signature = inspect.signature(method)
    parameters = list(signature.parameters.values())
    run.__signature__ = signature.replace(parameters=parameters[:1] + parameters[2:])  # type: ignore[attr-defined]
    return run
