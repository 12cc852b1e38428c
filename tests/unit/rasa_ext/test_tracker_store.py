"""CachedSQLTrackerStore stores and returns exactly what Rasa's SQL store does."""
import json
from pathlib import Path
from typing import List

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.rasa_ext.tracker_store import CachedSQLTrackerStore
from tests.support.servers import ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return str(tmp_path / "tracker.db")


@pytest.fixture()
def store(domain: Domain, db: str) -> CachedSQLTrackerStore:
    return CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=db)


def rasas_store(domain: Domain, db: str) -> SQLTrackerStore:
    return SQLTrackerStore(domain=domain, dialect="sqlite", db=db)


def a_turn(text: str = "转账失败了", intent: str = "transfer_failed") -> List[Event]:
    return [
        UserUttered(text, {"name": intent, "confidence": 0.97}),
        SlotSet("problem", intent),
        ActionExecuted("action_lookup_faq"),
        BotUttered("请问转账金额是多少？"),
        ActionExecuted("action_listen"),
    ]


def dumped(tracker: DialogueStateTracker) -> List[dict]:
    return [event.as_dict() for event in tracker.events]


def rows(db: str) -> List[tuple]:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        return list(connection.execute(sa.text(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
            "FROM events ORDER BY id")))


async def two_turns(store, sender: str = "customer-1") -> DialogueStateTracker:
    tracker = await store.get_or_create_tracker(sender)
    for event in a_turn():
        tracker.update(event)
    await store.save(tracker)
    tracker = await store.retrieve(sender)
    for event in a_turn("还是不行", "not_solved"):
        tracker.update(event)
    await store.save(tracker)
    return tracker


def without_timestamps(table: List[tuple]) -> List[tuple]:
    def data(row):
        return {key: value for key, value in json.loads(row[5]).items() if key != "timestamp"}

    return [(row[0], row[1], row[3], row[4], data(row)) for row in table]


async def test_rows_are_the_ones_rasas_store_writes(domain, db, tmp_path):
    await two_turns(CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=db))
    theirs_db = str(tmp_path / "rasa.db")
    await two_turns(rasas_store(domain, theirs_db))
    assert without_timestamps(rows(db)) == without_timestamps(rows(theirs_db))


async def test_what_it_returns_is_what_rasas_store_returns(store, domain, db):
    saved = await two_turns(store)
    ours = await store.retrieve("customer-1")
    theirs = await rasas_store(domain, db).retrieve("customer-1")
    assert dumped(ours) == dumped(theirs) == dumped(saved)
    assert ours.current_slot_values() == theirs.current_slot_values()


async def test_saving_twice_stores_each_event_once(store, db):
    tracker = await two_turns(store)
    await store.save(tracker)
    await store.save(await store.retrieve("customer-1"))
    assert len(rows(db)) == len(tracker.events)


async def test_only_the_latest_session_comes_back(store, domain, db):
    tracker = await two_turns(store)
    for event in [ActionExecuted("action_session_start"), SessionStarted(),
                  SlotSet("problem", "transfer_failed"), ActionExecuted("action_listen")]:
        tracker.update(event)
    await store.save(tracker)
    tracker.update(UserUttered("你好", {"name": "greet", "confidence": 1.0}))
    await store.save(tracker)
    ours = await store.retrieve("customer-1")
    theirs = await rasas_store(domain, db).retrieve("customer-1")
    assert dumped(ours) == dumped(theirs)
    assert ours.events[0].type_name == "session_started"
    full = await store.retrieve_full_tracker("customer-1")
    assert len(full.events) == len(rows(db))


async def test_events_written_by_another_server_are_seen(store, domain, db):
    await two_turns(store)
    await store.retrieve("customer-1")  # now cached
    other = rasas_store(domain, db)
    tracker = await other.retrieve("customer-1")
    tracker.update(UserUttered("转人工", {"name": "request_human", "confidence": 0.99}))
    await other.save(tracker)
    seen = await store.retrieve("customer-1")
    assert seen.latest_message.text == "转人工"
    assert dumped(seen) == dumped(await other.retrieve("customer-1"))


async def test_another_servers_write_between_our_retrieve_and_save_is_kept(store, domain, db):
    await two_turns(store)
    ours = await store.retrieve("customer-1")
    other = rasas_store(domain, db)
    theirs = await other.retrieve("customer-1")
    theirs.update(BotUttered("客服小李：您好"))
    await other.save(theirs)
    ours.update(UserUttered("在吗", {"name": "greet", "confidence": 0.9}))
    await store.save(ours)
    texts = [event.text for event in (await store.retrieve("customer-1")).events
             if isinstance(event, (UserUttered, BotUttered))]
    assert texts[-2:] == ["客服小李：您好", "在吗"]


async def test_a_tracker_it_did_not_hand_out_is_saved_the_way_rasa_saves_it(store, domain, db):
    saved = await two_turns(store)
    copy = DialogueStateTracker.from_dict("customer-1", dumped(saved), domain.slots)
    copy.update(UserUttered("好的", {"name": "affirm", "confidence": 0.9}))
    await store.save(copy)
    assert len(rows(db)) == len(copy.events)


async def test_a_failed_save_raises_and_forgets_the_cached_copy(store, db, monkeypatch):
    tracker = await two_turns(store)
    tracker.update(UserUttered("再试一次", {"name": "transfer_failed", "confidence": 0.9}))

    def broken_session():
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(store, "sessionmaker", broken_session)
    with pytest.raises(sa.exc.OperationalError):
        await store.save(tracker)
    monkeypatch.undo()
    assert store._cache.get("customer-1") is None
    await store.save(tracker)
    assert (await store.retrieve("customer-1")).latest_message.text == "再试一次"


async def test_an_unknown_conversation_is_none(store):
    assert await store.retrieve("nobody") is None


async def test_sqlite_uses_the_wal_journal(store, db):
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_endpoints_yml_loads_this_store(domain, tmp_path, monkeypatch):
    """A typo in the class path would make Rasa fall back to an in-memory store."""
    monkeypatch.chdir(tmp_path)
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    config.kwargs["db"] = str(tmp_path / "tracker.db")
    store = create_tracker_store(config, domain)
    assert isinstance(store, CachedSQLTrackerStore)


async def test_no_secret_reaches_the_database_and_the_phones_last_digits_do(store, domain, db, tmp_path):
    raw = ["13812345678", "6222021234567890127", "11010519491231002X", "667788"]
    text = f"手机{raw[0]} 卡号{raw[1]} 身份证{raw[2]} 验证码{raw[3]}"
    tracker = await store.get_or_create_tracker("customer-secrets")
    for event in [UserUttered(text, {"name": "inform", "confidence": 0.9},
                              [{"entity": "phone_number", "start": 2, "end": 13, "value": raw[0]}]),
                  SlotSet("account_phone", raw[0]), BotUttered(f"收到，{raw[0]}"), ActionExecuted("action_listen")]:
        tracker.update(event)
    await store.save(tracker)
    stored = "\n".join(row[5] for row in rows(db))
    assert [secret for secret in raw if secret in stored] == []
    for reader in (store, CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=db)):
        again = await reader.retrieve("customer-secrets")
        assert again.get_slot("account_phone") == "138****5678"
    database_files = b"".join(path.read_bytes() for path in tmp_path.glob("tracker.db*"))
    assert [secret for secret in raw if secret.encode() in database_files] == []
