"""The ticket page's history panel: the customer's other tickets, and their
conversations with the bot newest first, with their first words (masked, a
button as its description) and the tickets each opened."""
from datetime import datetime, timedelta, timezone

from bot.console.customer_history import customer_history
from bot.names import Names
from bot.storage.models import Ticket
from tests.support.faq_kb import ROOT

NAMES = Names.load(ROOT / "data" / "support")
START = datetime(2026, 12, 1, 2, 0, 0, 123456, tzinfo=timezone.utc)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def event(kind: str, minutes: float, **fields):
    return {"event": kind, "timestamp": at(minutes).timestamp(), **fields}


def ticket(number: str, minutes: float, status: str = "resolved", intent: str = "transfer_failed") -> Ticket:
    return Ticket(number=number, sender_id="u1", status=status, intent=intent, handoff_reason="not_solved",
                  created_at=at(minutes))


def user(minutes: float, text: str, channel: str = "webchat"):
    return event("user", minutes, text=text, input_channel=channel, parse_data={"intent": {"name": "inform"}})


EVENTS = [
    event("action", 0, name="action_session_start"), event("session_started", 0),
    user(0.1, "给招商银行转账失败 我的手机13812345678"), event("action", 0.2, name="action_lookup_faq"),
    event("action", 0.3, name="action_listen"),
    event("session_started", 120), user(120.1, "/request_human"),
    event("action", 120.2, name="action_handoff_to_human"),
    event("action", 120.3, name="action_listen"),
    event("session_started", 300), user(300.1, "你好"), event("action", 300.2, name="utter_greet"),
]


def redact(text: str) -> str:
    return text.replace("13812345678", "138****5678")


def test_other_tickets_and_conversations_newest_first():
    current = ticket("T20261201-0002", 120.25, status="waiting")
    tickets = [current, ticket("T20261201-0001", 0.25)]
    history = customer_history(current, tickets, EVENTS, NAMES, redact)

    [other] = history.tickets
    assert (other.number, other.status, other.problem, other.reason) == ("T20261201-0001", "已解决", "转账失败",
                                                                        "自助未解决")
    latest, handoff, first = history.conversations
    assert latest.first_words == "你好" and latest.tickets == () and not latest.current
    assert handoff.first_words == "【要求转人工】" and handoff.tickets == ("T20261201-0002",) and handoff.current
    assert first.first_words == "给招商银行转账失败 我的手机138****5678"  # masked
    assert first.tickets == ("T20261201-0001",) and first.channel == "网页" and first.answered_turns == 1


def test_without_events_only_tickets():
    current = ticket("T1", 1, status="waiting", intent=None)
    history = customer_history(current, [current], [], NAMES, redact)
    assert history.tickets == [] and history.conversations == []
