"""Search over every ticket (SQLite): numbers, phone tails, the customer's and the
agents' words, the details; masked text only, LIKE's wildcards taken literally.
The same cases on PostgreSQL: tests/integration/test_ticket_search_postgres.py."""
import pytest

from bot.storage.engine import make_engine
from bot.storage.ticket_queue import QueueFilter
from bot.storage.ticket_search import search_kind
from tests.support.search_tickets import CASES, add_tickets, found


@pytest.fixture
def made(migrated_db_url):
    engine = make_engine(migrated_db_url)
    return engine, add_tickets(engine)


@pytest.mark.parametrize("search, expected", CASES)
def test_search(made, search, expected):
    engine, numbers = made
    assert found(engine, numbers, search) == expected


def test_by_number_and_its_start_whatever_the_status(made):
    engine, numbers = made
    a, b, c = numbers
    assert found(engine, numbers, b) == "B"
    assert found(engine, numbers, b.lower()[1:]) == "B"  # without the T, lower case
    assert found(engine, numbers, a[:9]) == "ABC"  # the day's tickets


@pytest.mark.parametrize("text, kind", [
    pytest.param("1234", "phone", id="four-digits"),
    pytest.param("T20261202-0003", "number", id="number"),
    pytest.param("转账 失败", "text", id="words"),
    pytest.param("%_%", "invalid", id="wildcards-only"),
    pytest.param("  ", None, id="empty"),
])
def test_search_kind(text, kind):
    assert search_kind(text) == kind
    assert QueueFilter(search=text).search_kind == kind
