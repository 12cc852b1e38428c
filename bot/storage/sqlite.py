"""SQLite connection settings shared by every engine on a SQLite file.

One list for the project's database and Rasa's tracker store, so both get the
same guarantees:
- ``foreign_keys=ON``: SQLite ignores foreign keys unless asked;
- WAL journal: readers do not block the writer (servers and the console read
  while an action writes);
- ``synchronous=NORMAL``: safe from corruption in WAL mode; a power cut (not a
  crash of a server) can lose the last commits;
- ``busy_timeout``: a writer waits for another writer instead of failing at once.
"""
from __future__ import annotations

from typing import Any

BUSY_TIMEOUT_MS = 5000
PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


def apply_pragmas(dbapi_connection: Any, _record: Any = None) -> None:
    """SQLAlchemy ``connect`` listener: set the pragmas on a new connection."""
    cursor = dbapi_connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def is_sqlite_file(url: Any) -> bool:
    """True for a SQLite URL naming a file (not ``:memory:``)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(str(url)) if not hasattr(url, "get_backend_name") else url
    return parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
