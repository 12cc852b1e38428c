"""Ticket search on PostgreSQL: the cases of tests/unit/storage/test_ticket_search.py
(LIKE over masked text and over the details' JSON, the wildcards taken literally)."""
import pytest

from bot.storage.engine import make_engine
from bot.storage.migrate import upgrade
from tests.support.search_tickets import CASES, add_tickets, found

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def made(postgres_server):
    from tests.support.services import postgres_database

    with postgres_database(postgres_server) as url:
        upgrade(url)
        engine = make_engine(url)
        yield engine, add_tickets(engine)
        engine.dispose()


@pytest.mark.parametrize("search, expected", CASES)
def test_search(made, search, expected):
    engine, numbers = made
    assert found(engine, numbers, search) == expected
