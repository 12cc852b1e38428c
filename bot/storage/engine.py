"""Engines and sessions. No global engine: callers build one from a URL."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.sqlite import apply_pragmas, is_sqlite_file


def make_engine(url: str) -> Engine:
    """A 2.0-style engine; a SQLite file gets its folder and the shared pragmas."""
    parsed = make_url(url)
    if is_sqlite_file(parsed):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", apply_pragmas)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> "sessionmaker[Session]":
    return sessionmaker(engine, future=True, expire_on_commit=False)
