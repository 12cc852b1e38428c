"""Create or upgrade the database schema (Alembic), and check it is current.

Only ``python -m bot db-upgrade`` (run first by ``make run``) migrates. Two
migrations at once on a fresh database race (``table alembic_version already
exists``), so ``upgrade`` holds a lock while it works: a file lock beside a
SQLite file, an advisory lock on PostgreSQL. Servers only call
``require_current``, which says clearly what to run when the schema is behind.
"""
from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from bot.storage.engine import make_engine
from bot.storage.sqlite import is_sqlite_file

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant; it only has to be the same for every process of this project.
_PG_LOCK_KEY = 0x5B07DB


class SchemaNotCurrent(RuntimeError):
    """The database is not at the latest schema; the message says what to run."""


def alembic_config(url: str, connection: Optional[Connection] = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at ``url`` to ``revision``; safe to call from several processes."""
    parsed = make_url(url)
    if is_sqlite_file(parsed):
        with _file_lock(Path(f"{parsed.database}.migrate-lock")):
            command.upgrade(alembic_config(url), revision)
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if parsed.get_backend_name() == "postgresql":
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
            try:
                command.upgrade(alembic_config(url, connection), revision)
                connection.commit()
            finally:
                if parsed.get_backend_name() == "postgresql":
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
                    connection.commit()
    finally:
        engine.dispose()


def hold_schema_lock(connection: Connection) -> None:
    """Inside ``connection``'s transaction, wait for the lock migrations hold (PostgreSQL):
    released when the transaction ends."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def current_revision(url: str) -> Optional[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def require_current(url: str) -> None:
    """Raise `SchemaNotCurrent` unless the database at ``url`` is at the latest schema."""
    current, head = current_revision(url), head_revision()
    if current != head:
        where = make_url(url).render_as_string(hide_password=True)
        raise SchemaNotCurrent(
            f"the database {where} is at schema {current or 'none'}, the code needs {head}: "
            f"run `python -m bot db-upgrade` (make run does it first)")
