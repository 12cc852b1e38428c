"""`python -m bot purge` removes what the retention policy no longer keeps and
`python -m bot forget <sender>` erases one customer; each nothing else."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.tracker_store import CachedSQLTrackerStore
from bot.storage.engine import make_engine
from bot.storage.inbox import Approval, Handled, InboxStore
from bot.storage.outbox import Outbox
from bot.storage.tickets import NewMessage, NewTicket, TicketStore
from tests.support.servers import ROOT

DAY = 86400.0


@pytest.fixture
def stores(tmp_path, migrated_db_url):
    tracker_db = tmp_path / "tracker.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: bot.rasa_ext.tracker_store.CachedSQLTrackerStore\n'
                         f'  dialect: "sqlite"\n  db: "{tracker_db}"\n', encoding="utf-8")
    now = time.time()
    store = CachedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tracker_db))
    for sender, ages in (("alice", (400, 1)), ("bob", (1,))):
        events = [UserUttered(f"{sender} 第{i}条", timestamp=now - age * DAY) for i, age in enumerate(ages)]
        asyncio_run(store.save(DialogueStateTracker.from_events(sender, events)))
    engine = make_engine(migrated_db_url)
    Outbox(engine).append("alice", "user", "alice 的窗口消息")
    Outbox(engine).append("bob", "user", "bob 的窗口消息")
    tickets = TicketStore(engine)
    for sender in ("alice", "bob"):
        tickets.create(NewTicket(handoff_key=f"{sender}:1", sender_id=sender, channel="webchat",
                                 priority="P2", handoff_reason="customer_request",
                                 sla_due_at=datetime.now(timezone.utc) + timedelta(hours=4),
                                 diagnostics={"phone_number": "13812345678"},
                                 messages=[NewMessage("user", f"{sender} 的转写")]))
        inbox = Handled((f"t-{sender}-1",), sender, datetime.now(timezone.utc) - timedelta(days=1))
        InboxStore(engine).approve([Approval(inbox, f"{sender} 的例句", "inform")], "lead")
    env = {"DATABASE_URL": migrated_db_url, "ENDPOINTS_FILE": str(endpoints), "PATH": ""}
    return tracker_db, migrated_db_url, env


def asyncio_run(coroutine):
    import asyncio

    return asyncio.new_event_loop().run_until_complete(coroutine)


def bot_command(env, *args):
    out = subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1]), out.stderr


def rows(database, query):
    with sqlite3.connect(database) as connection:
        return connection.execute(query).fetchall()


def test_forget_erases_one_customer_and_keeps_their_ticket_for_reports(stores):
    tracker_db, url, env = stores
    report, log = bot_command(env, "forget", "alice")
    assert report["removed"] == {"tracker_events": 2, "outbox_messages": 1, "transcript_messages": 1,
                                 "tickets_kept": 1, "approved_examples": 1, "inbox_handled": 1}
    database = url[len("sqlite:///"):]
    assert rows(tracker_db, "SELECT DISTINCT sender_id FROM events") == [("bob",)]
    assert rows(database, "SELECT sender_id FROM webchat_outbox") == [("bob",)]
    tickets = rows(database, "SELECT number, sender_id, status, diagnostics, handoff_key FROM tickets ORDER BY id")
    (alice_number, alice_sender, status, diagnostics, key), bob = tickets
    assert alice_number.startswith("T") and status == "waiting" and diagnostics == "{}"
    assert "alice" not in alice_sender and "alice" not in key
    assert bob[1] == "bob" and "13812345678" in bob[3]
    assert rows(database, "SELECT text FROM transcript_messages") == [("bob 的转写",)]
    assert rows(database, "SELECT text FROM approved_examples") == [("bob 的例句",)]
    assert rows(database, "SELECT sender_id FROM inbox_handled") == [("bob",)]
    assert "forget ali…: removed" in log and "alice" not in log  # logged, the id shortened


def test_purge_removes_only_what_is_older_than_the_policy(stores):
    tracker_db, url, env = stores
    report, _ = bot_command({**env, "RETENTION_TRACKER_DAYS": "30"}, "purge")
    assert report["removed"]["tracker_events"] == 1
    assert report["removed"]["outbox_messages"] == 0 and report["removed"]["transcript_messages"] == 0
    remaining = [text for (text,) in rows(tracker_db, "SELECT data FROM events")]
    assert len(remaining) == 2 and not any("alice 第0条" in data for data in remaining)
