"""Fixtures shared by the tests of bot/ modules."""
import pytest

from bot.tickets.migrate import upgrade


@pytest.fixture
def db_url(tmp_path) -> str:
    """A fresh SQLite database migrated to the latest schema (tickets, web chat outbox)."""
    url = f"sqlite:///{tmp_path / 'tickets.db'}"
    upgrade(url)
    return url
