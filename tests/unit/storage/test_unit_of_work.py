"""The unit of work: one session or connection per call, committed on return, rolled
back on error, transient errors (OperationalError) retried 3 times with backoff."""
import inspect
import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bot.storage.engine import make_engine
from bot.storage.models import OutboxMessage
from bot.storage.tickets import TicketStore, TicketStoreUnavailable
from bot.storage.unit_of_work import RETRIES, Store, StoreUnavailable, UnitOfWork, transaction
from tests.support.tickets import new_ticket


class Unavailable(StoreUnavailable):
    pass


@pytest.fixture
def sleeps(monkeypatch):
    """The waits of this test's thread (``time.sleep`` is patched for every thread
    the suite left running, which must not count here)."""
    waited = []
    sleep, test_thread = time.sleep, threading.get_ident()

    def record(seconds: float) -> None:
        if threading.get_ident() == test_thread:
            waited.append(seconds)
        else:
            sleep(seconds)

    monkeypatch.setattr("bot.storage.unit_of_work.time.sleep", record)
    return waited


@pytest.fixture
def unit(migrated_db_url):
    return UnitOfWork(make_engine(migrated_db_url), Unavailable)


def locked() -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception("database is locked"))


def failing(times: int, result: str = "done"):
    calls = []

    def work(_session):
        calls.append(1)
        if len(calls) <= times:
            raise locked()
        return result

    return work, calls


def message(text: str) -> OutboxMessage:
    from datetime import datetime, timezone

    return OutboxMessage(sender_id="u1", role="user", text=text, extra={}, created_at=datetime.now(timezone.utc))


def texts(unit: UnitOfWork):
    return unit.run(lambda session: list(session.execute(sa.select(OutboxMessage.text)).scalars()))


def test_a_transient_error_is_retried_with_backoff(unit, sleeps):
    work, calls = failing(RETRIES - 1)
    assert unit.run(work) == "done"
    assert len(calls) == RETRIES
    assert sleeps == [0.1, pytest.approx(0.4)]


def test_after_the_last_attempt_the_store_error_is_raised(unit, sleeps):
    work, calls = failing(RETRIES)
    with pytest.raises(Unavailable, match="database is locked") as raised:
        unit.run(work)
    assert isinstance(raised.value.__cause__, OperationalError)
    assert len(calls) == RETRIES == 3
    assert len(sleeps) == RETRIES - 1


def test_other_errors_are_not_retried(unit, sleeps):
    calls = []

    def work(_session):
        calls.append(1)
        raise LookupError("no such ticket")

    with pytest.raises(LookupError):
        unit.run(work)
    assert calls == [1] and sleeps == []


def test_work_is_committed_when_it_returns(unit):
    unit.run(lambda session: session.add(message("kept")))
    assert texts(unit) == ["kept"]


def test_work_is_rolled_back_when_it_raises(unit):
    def work(session: Session) -> None:
        session.add(message("lost"))
        session.flush()
        raise ValueError("refused")

    with pytest.raises(ValueError):
        unit.run(work)
    assert texts(unit) == []


def test_an_integrity_error_is_the_callers(unit, sleeps):
    def without_sender(session: Session) -> None:
        session.add(OutboxMessage(sender_id=None, role="user", text="x", extra={}))

    with pytest.raises(IntegrityError):
        unit.run(without_sender)
    assert sleeps == []


def test_a_core_connection_is_one_transaction(unit):
    table = OutboxMessage.__table__
    row = {"sender_id": "u1", "role": "user", "text": "core", "extra": {},
           "created_at": sa.func.current_timestamp()}
    unit.connect(lambda connection: connection.execute(sa.insert(table).values(**row)))

    def insert_then_fail(connection):
        connection.execute(sa.insert(table).values(**{**row, "text": "rolled back"}))
        raise ValueError("refused")

    with pytest.raises(ValueError):
        unit.connect(insert_then_fail)
    assert texts(unit) == ["core"]


def test_a_check_that_asks_once_does_not_wait(unit, sleeps):
    work, calls = failing(1)
    once = UnitOfWork(unit.engine, attempts=1)
    with pytest.raises(StoreUnavailable):
        once.run(work)
    assert calls == [1] and sleeps == []


class Notes(Store):
    unavailable = Unavailable

    @transaction
    def add(self, session: Session, text: str, *, sender: str = "u1") -> int:
        row = message(text)
        row.sender_id = sender
        session.add(row)
        session.flush()
        return int(row.id)


def test_a_transaction_method_is_called_without_its_session(migrated_db_url):
    notes = Notes(make_engine(migrated_db_url))
    assert notes.add("hello", sender="u2") == 1
    assert list(inspect.signature(Notes.add).parameters) == ["self", "text", "sender"]
    assert Notes.add.__name__ == "add"


def test_an_unreachable_database_raises_the_stores_error(tmp_path, sleeps):
    store = TicketStore(make_engine(f"sqlite:///{tmp_path / 'missing' / 'dir' / 't.db'}"))
    with pytest.raises(TicketStoreUnavailable):
        store.create(new_ticket())
    assert len(sleeps) == RETRIES - 1
