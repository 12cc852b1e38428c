"""Reading the history from the two databases: Rasa's ``events`` table and the tickets."""
import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from dateutil import tz

from bot.reports.period import Period
from bot.reports.sources import ReportSources
from bot.storage.corrections import CorrectionStore
from bot.storage.engine import make_engine
from bot.storage.tickets import NewMessage, TicketStore
from tests.support.tickets import new_ticket
from tests.unit.test_imports import loaded_after

SH = tz.gettz("Asia/Shanghai")
DAY = datetime(2026, 12, 2, 10, 0, tzinfo=SH)


def events_table(engine):
    """The columns of Rasa's SQL tracker store that matter here."""
    metadata = sa.MetaData()
    table = sa.Table("events", metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("sender_id", sa.String), sa.Column("type_name", sa.String),
                     sa.Column("timestamp", sa.Float), sa.Column("data", sa.Text))
    metadata.create_all(engine)
    return table


def row(sender, kind, when, **data):
    event = {"event": kind, "timestamp": when.timestamp(), **data}
    return {"sender_id": sender, "type_name": kind, "timestamp": when.timestamp(), "data": json.dumps(event)}


@pytest.fixture
def sources(tmp_path, migrated_db_url):
    tracker = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    table = events_table(tracker)
    user = {"text": "收不到验证码", "input_channel": "webchat",
            "parse_data": {"intent": {"name": "sms_code_delay"}, "entities": []}}
    with tracker.begin() as connection:
        connection.execute(table.insert(), [
            row("old", "session_started", DAY - timedelta(days=1)),
            row("old", "user", DAY - timedelta(days=1), **user),  # wrote only before the period
            row("u1", "session_started", DAY - timedelta(days=1)),
            row("u1", "user", DAY - timedelta(days=1), **user),
            row("u1", "session_started", DAY),
            row("u1", "user", DAY, **user), row("u1", "action", DAY, name="action_lookup_faq"),
            row("u2", "session_started", DAY), row("u2", "user", DAY + timedelta(minutes=1), **user)])
    database = make_engine(migrated_db_url)
    clock = iter([DAY - timedelta(days=3), DAY])
    store = TicketStore(database, clock=lambda: next(clock))
    store.create(new_ticket("u1:old", sender_id="u1"))  # before the period, but u1's
    store.create(new_ticket("x:1", sender_id="nobody-in-the-tracker",
                            messages=[NewMessage("user", "转账失败", "billing_issue", 0.5)]))
    number = store.list()[0].number
    CorrectionStore(database, clock=lambda: DAY).mark_intent(number, 0, "transfer_failed", "wang")
    return ReportSources(database, tracker)


def test_the_period_s_customers_with_all_their_conversations_and_tickets(sources):
    history = sources.history(Period.of("2026-12-02", "2026-12-02", SH, DAY))
    assert sorted((c.sender_id, c.answered_turns) for c in history.conversations) == [
        ("u1", 0), ("u1", 1), ("u2", 0)]  # u1's conversation of the day before is read too
    assert sorted(t.sender_id for t in history.tickets) == ["nobody-in-the-tracker", "u1"]
    assert [c.corrected_intent for c in history.corrections] == ["transfer_failed"]


def test_a_tracker_store_without_events_yet(tmp_path, migrated_db_url):
    empty = ReportSources(make_engine(migrated_db_url), make_engine(f"sqlite:///{tmp_path / 'none.db'}"))
    assert empty.history(Period.of(None, None, SH, datetime.now(timezone.utc))).conversations == []


def test_the_reports_and_the_export_never_load_rasa_or_tensorflow():
    assert loaded_after("import bot.console.reports, bot.console.corrections, bot.reports.sources, "
                        "bot.teaching.exporter") == []
