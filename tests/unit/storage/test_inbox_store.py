"""The inbox's decisions: approved examples kept with who and when, decided messages
remembered once, and both gone with the customer (forget) or with time (purge)."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.storage.engine import make_engine
from bot.storage.inbox import Approval, Handled, InboxStore
from bot.storage.retention import RetentionPolicy, forget, purge

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def engine(migrated_db_url):
    return make_engine(migrated_db_url)


@pytest.fixture
def store(engine):
    return InboxStore(engine, clock=lambda: NOW)


def message(*keys, sender="alice", at=NOW - timedelta(days=1)):
    return Handled(keys, sender, at)


def test_an_approved_example_is_kept_and_its_message_no_longer_shows(store):
    added = store.approve([Approval(message("t1-100", "c2-200"), "月月少九块九", "billing_issue")], "lead")
    assert added == 1
    [record] = store.approved()
    assert (record.text, record.intent, record.approved_by, record.approved_at) == (
        "月月少九块九", "billing_issue", "lead", NOW)
    assert store.handled(["t1-100", "c2-200", "t3-300"]) == {"t1-100", "c2-200"}


def test_a_message_approved_twice_is_one_example(store):
    approval = Approval(message("t1-100"), "月月少九块九", "billing_issue")
    store.approve([approval], "lead")
    assert store.approve([approval, Approval(message("t1-100"), "月月少九块九", "inform")], "other") == 0
    assert [(r.intent, r.approved_by) for r in store.approved()] == [("billing_issue", "lead")]


def test_ignored_and_faq_messages_are_remembered_without_their_text(store, engine):
    assert store.mark([message("t1-100"), message("t2-200")], "ignored", "lead") == 2
    assert store.mark([message("t1-100")], "faq", "lead") == 0  # decided already
    assert store.handled(["t1-100", "t2-200"]) == {"t1-100", "t2-200"}
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT outcome FROM inbox_handled ORDER BY id")).scalars().all() == [
            "ignored", "ignored"]
    with pytest.raises(ValueError):
        store.mark([message("t3-300")], "deleted", "lead")


def test_approved_since(store, engine):
    earlier = InboxStore(engine, clock=lambda: NOW - timedelta(days=3))
    earlier.approve([Approval(message("t1-100"), "旧的", "inform")], "lead")
    store.approve([Approval(message("t2-200"), "新的", "inform")], "lead")
    assert [r.text for r in store.approved()] == ["旧的", "新的"]
    assert [r.text for r in store.approved(NOW - timedelta(days=1))] == ["新的"]


def test_forget_erases_the_customer_s_examples_and_decisions(store, engine, tmp_path):
    store.approve([Approval(message("t1-100"), "我的话", "inform")], "lead")
    store.approve([Approval(message("t2-200", sender="bob"), "他的话", "inform")], "lead")
    store.mark([message("t3-300")], "ignored", "lead")
    tracker = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    removed = forget(engine, tracker, "alice")
    assert (removed["approved_examples"], removed["inbox_handled"]) == (1, 2)
    assert [r.text for r in store.approved()] == ["他的话"]
    assert store.handled(["t1-100", "t2-200", "t3-300"]) == {"t2-200"}


def test_purge_keeps_examples_as_long_as_transcripts_and_decisions_as_long_as_conversations(engine, tmp_path):
    old = InboxStore(engine, clock=lambda: NOW - timedelta(days=400))
    old.approve([Approval(message("t1-100", at=NOW - timedelta(days=401)), "很久以前", "inform")], "lead")
    recent = InboxStore(engine, clock=lambda: NOW - timedelta(days=200))
    recent.approve([Approval(message("t2-200", at=NOW - timedelta(days=200)), "半年前", "inform")], "lead")
    tracker = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    removed = purge(engine, tracker, RetentionPolicy(180, 180, 365), NOW)
    assert (removed["approved_examples"], removed["inbox_handled"]) == (1, 2)
    assert [r.text for r in InboxStore(engine).approved()] == ["半年前"]
