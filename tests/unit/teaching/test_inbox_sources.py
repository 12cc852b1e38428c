"""The inbox's messages read from Rasa's events and staff's corrections, masked again,
one message read from both places folded into one."""
from datetime import datetime, timedelta, timezone

import pytest

from bot.storage.corrections import CorrectionStore
from bot.storage.engine import make_engine
from bot.storage.tickets import NewMessage, TicketStore
from bot.storage.tracker_events import TrackerEvents
from bot.teaching.inbox_sources import InboxSources
from bot.teaching.misread import ANSWER_WRONG, CORRECTED, FAQ_NOT_FOUND, LOW_CONFIDENCE, Thresholds
from tests.support.tickets import new_ticket
from tests.unit.reports.test_sources import events_table, row

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
UNSURE = {"intent": {"name": "nlu_fallback", "confidence": 0.3},
          "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "inform", "confidence": 0.2}]}
SURE = {"intent": {"name": "billing_issue", "confidence": 0.9},
        "intent_ranking": [{"name": "billing_issue", "confidence": 0.9}]}


def redact(text):
    return text.replace("13812345678", "138****5678")


@pytest.fixture
def sources(tmp_path, migrated_db_url):
    tracker = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    table = events_table(tracker)
    with tracker.begin() as connection:
        connection.execute(table.insert(), [
            row("old", "user", NOW - timedelta(days=9), text="上周的话", parse_data=UNSURE),
            row("alice", "user", NOW - timedelta(hours=5), text="月月少九块九 13812345678", parse_data=UNSURE),
            row("alice", "user", NOW - timedelta(hours=4), text="扣费不对", parse_data=SURE),
            row("alice", "slot", NOW - timedelta(hours=4), name="faq_outcome", value="not_found"),
            row("alice", "slot", NOW - timedelta(hours=4), name="problem", value="billing"),
            row("bob", "user", NOW - timedelta(hours=3), text="转人工", parse_data=SURE)])
    database = make_engine(migrated_db_url)
    tickets = TicketStore(database, clock=lambda: NOW)
    messages = [NewMessage("user", "月月少九块九 138****5678", "nlu_fallback", 0.3, sent_at=NOW - timedelta(hours=5)),
                NewMessage("bot", "抱歉没听懂"),
                NewMessage("user", "卡里莫名少了二十", "inform", 0.6, sent_at=NOW - timedelta(hours=2)),
                NewMessage("bot", "请问还有什么可以帮您")]
    number = tickets.create(new_ticket("alice:1", sender_id="alice", messages=messages)).ticket.number
    corrections = CorrectionStore(database, clock=lambda: NOW - timedelta(hours=1))
    corrections.mark_intent(number, 0, "billing_issue", "lead")
    corrections.mark_answer(number, 3, "lead")
    return InboxSources(TrackerEvents(tracker), corrections, Thresholds(0.3, 0.05), redact)


def test_unsure_turns_faq_misses_and_corrected_turns_newest_first(sources):
    found = sources.read(NOW - timedelta(days=7))
    assert [(m.sender_id, m.text, m.sources, m.intent) for m in found] == [
        ("alice", "卡里莫名少了二十", (ANSWER_WRONG,), "inform"),  # the turn the wrong answer answered
        ("alice", "扣费不对", (FAQ_NOT_FOUND,), "billing_issue"),
        ("alice", "月月少九块九 138****5678", (LOW_CONFIDENCE, CORRECTED), "billing_issue")]


def test_a_message_read_from_both_places_has_both_keys(sources):
    folded = sources.read(NOW - timedelta(days=7))[-1]
    assert len(folded.keys) == 2 and folded.keys[0].startswith("t") and folded.keys[1].startswith("c")
    assert folded.at == NOW - timedelta(hours=5)


def test_the_period_bounds_what_is_read_corrections_by_when_they_were_made(sources):
    found = sources.read(NOW - timedelta(hours=2, minutes=30))
    assert [(m.text, m.sources) for m in found] == [("卡里莫名少了二十", (ANSWER_WRONG,)),
                                                    ("月月少九块九 138****5678", (CORRECTED,))]


def test_every_text_is_masked_again(sources):
    assert all("13812345678" not in m.text for m in sources.read(NOW - timedelta(days=30)))


def test_a_tracker_store_without_events_yet(tmp_path, migrated_db_url):
    empty = InboxSources(TrackerEvents(make_engine(f"sqlite:///{tmp_path / 'none.db'}")),
                         CorrectionStore(make_engine(migrated_db_url)), Thresholds(), redact)
    assert empty.read(NOW - timedelta(days=7)) == []
