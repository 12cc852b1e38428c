"""Handoffs end to end: trained model, real action server, real ticket database."""
import uuid

import pytest

from bot.tickets.db import make_engine
from bot.tickets.store import TicketStore
from tests.support.dialogue import say

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def tickets(tickets_db):
    return TicketStore(make_engine(f"sqlite:///{tickets_db}"))


def new_sender() -> str:
    return f"handoff-{uuid.uuid4().hex[:8]}"


def tickets_of(store, sender):
    return [t for t in store.list(limit=1000) if t.sender_id == sender]


async def test_failed_transfer_not_solved_makes_one_p2_ticket_with_masked_transcript(agent, tickets):
    sender = new_sender()
    first = await say(agent, sender, "我用手机13812345678转账给招行卡转了5000块 失败了钱还扣了")
    assert first.actions == ["action_lookup_faq", "utter_ask_solved"]
    assert tickets_of(tickets, sender) == []
    turn = await say(agent, sender, "没解决")
    assert turn.actions == ["action_handoff_to_human"]
    [ticket] = tickets_of(tickets, sender)
    assert ticket.number in turn.reply
    assert ticket.priority == "P2"
    assert ticket.handoff_reason == "not_solved"
    assert ticket.intent == "transfer_failed"
    assert ticket.diagnostics["amount"] == 5000.0
    full = tickets.get(ticket.number)
    texts = "\n".join(m.text for m in full.messages)
    assert "13812345678" not in texts and "138****5678" in texts
    assert [m.role for m in full.messages][:2] == ["user", "bot"]


async def test_asking_again_does_not_open_a_second_ticket(agent, tickets):
    sender = new_sender()
    first = await say(agent, sender, "转人工")
    second = await say(agent, sender, "人工客服 快点")
    assert first.actions == second.actions == ["action_handoff_to_human"]
    assert len(tickets_of(tickets, sender)) == 1
    assert tickets_of(tickets, sender)[0].number in second.reply


async def test_stolen_account_is_p1(agent, tickets):
    sender = new_sender()
    await say(agent, sender, "我的账号被盗了 有人异地登录还转走了钱")
    await say(agent, sender, "转人工")
    [ticket] = tickets_of(tickets, sender)
    assert ticket.priority == "P1"


async def test_complaint_goes_straight_to_a_human_with_raised_priority(agent, tickets):
    sender = new_sender()
    turn = await say(agent, sender, "你们什么垃圾服务 我要投诉")
    assert turn.actions == ["utter_complaint_received", "action_handoff_to_human"]
    [ticket] = tickets_of(tickets, sender)
    assert (ticket.handoff_reason, ticket.priority) == ("complaint", "P2")


async def test_two_unclear_messages_in_a_row_lead_to_a_handoff(agent, tickets):
    sender = new_sender()
    first = await say(agent, sender, "asdkjh qwpeo zxmn")
    assert first.actions[-1] == "utter_please_rephrase"
    second = await say(agent, sender, "zzkx qpwoe lkjh")
    assert second.actions[-1] == "action_handoff_to_human"
    [ticket] = tickets_of(tickets, sender)
    assert ticket.handoff_reason == "low_confidence"


async def test_customer_hears_ticket_status(agent, tickets):
    sender = new_sender()
    await say(agent, sender, "转人工")
    [ticket] = tickets_of(tickets, sender)
    turn = await say(agent, sender, "我的工单进度怎么样了")
    assert turn.actions == ["action_ticket_status"]
    assert ticket.number in turn.reply and "已受理" in turn.reply


async def test_someone_elses_ticket_stays_private(agent, tickets):
    owner, other = new_sender(), new_sender()
    await say(agent, owner, "转人工")
    [ticket] = tickets_of(tickets, owner)
    turn = await say(agent, other, f"工单{ticket.number}到哪一步了")
    assert ticket.number not in turn.reply
