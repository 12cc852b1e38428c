from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.storage.engine import make_engine
from bot.storage.models import Base
from bot.storage.tickets import TicketStore, TicketStoreUnavailable
from tests.support.tickets import NOW, new_ticket


@pytest.fixture
def store(migrated_db_url):
    return TicketStore(make_engine(migrated_db_url), clock=lambda: NOW)


def test_migrations_match_the_models(migrated_db_url):
    engine = make_engine(migrated_db_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_ticket_is_created_with_readable_number_and_transcript(store):
    result = store.create(new_ticket())
    assert result.created
    ticket = store.get(result.ticket.number)
    assert ticket.number == "T20261123-0001"
    assert ticket.status == "waiting" and ticket.priority == "P2"
    assert ticket.diagnostics == {"amount": 5000.0}
    assert [(m.position, m.role) for m in ticket.messages] == [(0, "user"), (1, "bot")]


def test_retried_handoff_returns_the_same_ticket(store):
    first = store.create(new_ticket())
    again = store.create(new_ticket())
    assert not again.created
    assert again.ticket.number == first.ticket.number
    assert len(store.list()) == 1


def test_numbers_count_up_within_a_day(store):
    numbers = [store.create(new_ticket(key=f"u1:{i}")).ticket.number for i in range(3)]
    assert numbers == ["T20261123-0001", "T20261123-0002", "T20261123-0003"]


def test_latest_ticket_for_a_sender(store):
    store.create(new_ticket(key="a"))
    second = store.create(new_ticket(key="b")).ticket
    assert store.latest_for_sender("u1").number == second.number
    assert [t.number for t in store.list(status="waiting")] == ["T20261123-0002", "T20261123-0001"]


def test_unreachable_database_raises_instead_of_losing_the_ticket(tmp_path):
    store = TicketStore(make_engine(f"sqlite:///{tmp_path / 'missing' / 'dir' / 't.db'}"))
    with pytest.raises(TicketStoreUnavailable):
        store.create(new_ticket())


def test_cli_db_upgrade_creates_the_schema(tmp_path):
    from bot.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["db-upgrade", "--url", url]) == 0
    store = TicketStore(make_engine(url), clock=lambda: NOW)
    assert store.create(new_ticket()).created


def test_a_local_due_time_reads_back_as_the_same_instant(store):
    shanghai = timezone(timedelta(hours=8))
    due = datetime(2026, 11, 24, 13, 0, tzinfo=shanghai)
    number = store.create(new_ticket(key="tz:1", sla_due_at=due)).ticket.number
    assert store.get(number).sla_due_at == due
    assert store.get(number).sla_due_at.tzinfo is not None
