"""A ticket owns its span of the conversation (bot/handoff/ticket.py): two tickets
built from one conversation's events, each with only its own details, transcript
and summary."""
from datetime import datetime, timezone

import pytest

from bot.console.queue_rows import RowBuilder
from bot.diagnostics.spec import DiagnosticsSpec
from bot.handoff.priority import PriorityRules
from bot.handoff.ticket import Conversation as Handoff
from bot.handoff.ticket import TicketBuilder, rest_of_closed_ticket, spans
from bot.handoff.transcript import intent_names
from bot.names import Names
from bot.pii import default_redactor
from tests.support.faq_kb import ROOT
from tests.support.two_tickets import (
    FIRST_TICKET_WORDS,
    STAFF,
    STAFF_REPLY,
    Conversation,
    first_problem,
    first_ticket_life,
    second_problem,
)

SUPPORT = ROOT / "data" / "support"
SPEC = DiagnosticsSpec.load(SUPPORT)
NOW = datetime(2025, 12, 8, 2, 0, tzinfo=timezone.utc)  # a Monday, 10:00 in Shanghai


@pytest.fixture(scope="module")
def builder(clock):
    return TicketBuilder(SPEC, PriorityRules.load(SUPPORT / "priorities.yml"), clock, default_redactor(),
                         intent_names(Names.load(SUPPORT)))


def handoff(conversation: Conversation) -> Handoff:
    """What action_handoff_to_human passes on, right after the latest message."""
    latest = conversation.latest_message
    return Handoff(conversation.sender, list(conversation.events), latest["intent"]["name"],
                   latest["intent"]["confidence"], "webchat")


def summary(diagnostics):
    """The queue's one line about the ticket (bot/console/queue_rows.py)."""
    return RowBuilder(SPEC, Names.load(SUPPORT), None, 0, "其他").summary(diagnostics)


def texts(messages, role=None):
    return [m.text for m in messages if role is None or m.role == role]


def two_tickets(builder, forget=True):
    """The conversation, and the ticket each of its handoffs opened."""
    conversation = first_problem(Conversation())
    first = builder.new_ticket(handoff(conversation), NOW)
    first_ticket_life(conversation.handed_over("T1"), "T1", forget)
    second = builder.new_ticket(handoff(second_problem(conversation)), NOW)
    conversation.handed_over("T2")
    return conversation, first, second


@pytest.mark.parametrize("forget", [
    pytest.param(True, id="closing-emptied-the-slots"),
    pytest.param(False, id="slots-kept-as-before-the-closing-emptied-them"),
])
def test_each_ticket_has_its_own_details_and_summary(builder, forget):
    _, first, second = two_tickets(builder, forget)
    # One field per fact: the bank and the time the form's answers hold are not listed again.
    assert first.diagnostics == {"amount": 5000.0, "payee": "招商银行", "incident_time": "昨天下午",
                                 "transaction_id": "TX20251206001", "error_message": "提示银行系统繁忙"}
    assert (first.intent, first.handoff_reason, first.priority) == ("transfer_failed", "not_solved", "P2")
    assert summary(first.diagnostics) == "昨天下午 · 提示银行系统繁忙 · 招商银行 · TX20251206001"

    # Nothing of the transfer, and no `rating 4`: the account lock's details only.
    assert second.diagnostics == {"account_phone": "139****1111", "incident_time": "今天早上",
                                  "error_message": "提示密码错误次数过多", "device_changed": "是",
                                  "device_info": "不清楚"}
    assert (second.intent, second.handoff_reason, second.priority) == ("account_locked", "not_solved", "P2")
    assert second.phone_last4 == "1111" and first.phone_last4 is None
    assert summary(second.diagnostics) == "今天早上 · 提示密码错误次数过多"
    assert second.handoff_key != first.handoff_key


def test_the_second_ticket_transcript_has_nothing_of_the_first(builder):
    _, first, second = two_tickets(builder)
    shown = " ".join(texts(second.messages))
    assert [word for word in FIRST_TICKET_WORDS if word in shown] == []
    assert texts(second.messages, "user")[0] == "我的账户被锁了 登录不了"
    assert "staff" not in {m.role for m in second.messages}
    # Buttons read as their titles, never as their payloads.
    assert texts(second.messages, "user")[1] == "没解决" and "有" in texts(second.messages, "user")
    assert not [t for t in texts(second.messages, "user") if t.startswith("/")]
    assert texts(first.messages, "user") == ["给招商银行转账5000块失败了", "没解决", "昨天下午", "TX20251206001",
                                             "提示银行系统繁忙"]


def test_a_ticket_span_ends_with_the_staff_reply_the_closing_and_the_rating(builder):
    conversation, _, _ = two_tickets(builder)
    first_span, second_span = spans(conversation.events)
    assert (first_span.ticket_number, first_span.ended) == ("T1", True)
    assert (second_span.ticket_number, second_span.open) == ("T2", True)

    first = builder.transcript(first_span)
    staff = [m for m in first if m.role == "staff"]
    assert [(m.text, m.author, m.delivery) for m in staff] == [(STAFF_REPLY, STAFF, "delivered")]
    rating = [m for m in first if m.intent == "rate"]
    assert [(m.role, m.text) for m in rating] == [("user", "4")]  # the button's title, not rating 4
    assert "打个分" in texts(first, "bot")[-3] and texts(first, "bot")[-1] == "好的，再见！"
    assert "我的账户被锁了 登录不了" not in texts(first)
    assert texts(builder.transcript(second_span), "user")[0] == "我的账户被锁了 登录不了"


def test_a_closed_ticket_takes_the_rest_of_its_span_and_no_more(builder):
    conversation, _, _ = two_tickets(builder)
    events = conversation.events
    after_reply = next(i for i, e in enumerate(events) if e.get("metadata")) + 1
    rest = rest_of_closed_ticket(events[after_reply:], rating_asked=True)
    assert [e.get("text") for e in rest if e["event"] == "user"] == ['/rate{"rating": "4"}']
    assert rest[-1] == events[len(rest) + after_reply - 1] and rest[-1]["name"] == "action_listen"

    # Its end already copied (the console copies the closing at once): the rating, then nothing.
    end = next(i for i, e in enumerate(events) if e.get("name") == "handoff" and e["value"] is None)
    after_end = rest_of_closed_ticket(events[end + 1:], rating_asked=True)
    assert after_end[-1] is rest[-1] and [e["event"] for e in after_end[:2]] == ["slot", "slot"]
    later = events[len(rest) + after_reply:]
    assert rest_of_closed_ticket(later, rating_asked=True) == []


def test_a_number_typed_after_the_rating_question_stays_with_the_ticket():
    conversation = first_problem(Conversation())
    conversation.handed_over("T1").resolved("T1")
    conversation.user("4", "inform", {"entity": "rating", "value": "4"}).action("utter_thank_rating").listen()
    conversation.user("4", "inform", {"entity": "rating", "value": "4"})  # not asked for: a detail
    first, second = spans(conversation.events)
    assert [e["text"] for e in first.user_events][-1] == "4" and [e["text"] for e in second.user_events] == ["4"]


def test_a_ticket_called_off_ends_its_span():
    conversation = first_problem(Conversation()).handed_over("T1")
    conversation.user("不用了", "deny").action("handoff_wait_form").loop(None)
    conversation.action("action_handoff_cancelled").bot("好的，已为您取消转人工（工单 T1 已关闭）。")
    conversation.slot("handoff", None).listen()
    conversation.user("转账限额是多少", "general_question")
    first, second = spans(conversation.events)
    assert first.ended and [e["text"] for e in second.user_events] == ["转账限额是多少"]
    waiting = next(i for i, e in enumerate(conversation.events) if e.get("value") == "waiting")
    rest = rest_of_closed_ticket(conversation.events[waiting + 1:], rating_asked=False)
    assert [e["text"] for e in rest if e["event"] == "user"] == ["不用了"]


def test_a_new_session_carrying_an_open_ticket_keeps_it_open():
    conversation = first_problem(Conversation()).handed_over("T1")
    conversation.session_start().slot("ticket_number", "T1").slot("handoff", "waiting")
    conversation.user("还在等", "inform")
    [span] = spans(conversation.events)
    assert span.open and span.ticket_number == "T1"
