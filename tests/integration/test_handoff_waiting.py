"""After a handoff, before a person takes it: trained model, real action server,
real ticket database (the console's side: test_console_takeover.py)."""
import uuid
from typing import Tuple

import pytest

from tests.support.dialogue import say

pytestmark = pytest.mark.model


def new_sender() -> str:
    return f"waiting-{uuid.uuid4().hex[:8]}"


def ticket_of(store, sender):
    [ticket] = [t for t in store.list(limit=1000) if t.sender_id == sender]
    return store.get(ticket.number)


async def waiting_after(agent, store, complaint: str = "我要投诉") -> Tuple[str, str]:
    """A new customer whose complaint handed the conversation over: (sender, ticket number)."""
    sender = new_sender()
    await say(agent, sender, complaint)
    return sender, ticket_of(store, sender).number


async def test_a_bare_request_asks_for_one_line_and_puts_it_on_the_ticket(agent, ticket_store):
    sender = new_sender()
    first = await say(agent, sender, "转人工")
    assert "一句话" in first.reply and "跳过" in first.reply
    second = await say(agent, sender, "之前充值的钱一直没到账 手机13812345678")
    ticket = ticket_of(ticket_store, sender)
    assert ticket.number in second.reply
    assert ticket.diagnostics["problem_summary"] == "之前充值的钱一直没到账 手机138****5678"
    assert ticket.phone_last4 == "5678"
    # not a new FAQ question, no "问题解决了吗？"
    assert "解决了吗" not in second.reply and "action_lookup_faq" not in second.actions


async def test_the_description_can_be_skipped(agent, ticket_store):
    sender = new_sender()
    await say(agent, sender, "人工")
    turn = await say(agent, sender, "跳过")
    ticket = ticket_of(ticket_store, sender)
    assert ticket.number in turn.reply and "problem_summary" not in ticket.diagnostics


async def test_a_conversation_that_says_what_it_is_about_is_handed_over_at_once(agent, ticket_store):
    sender = new_sender()
    await say(agent, sender, "你们公司的总部在哪个城市")
    turn = await say(agent, sender, "转人工")
    assert "一句话" not in turn.reply
    assert ticket_of(ticket_store, sender).number in turn.reply


async def test_messages_while_waiting_are_answered_once_in_full_then_briefly(agent, ticket_store):
    sender, number = await waiting_after(agent, ticket_store, "你们什么垃圾服务 我要投诉")
    replies = [await say(agent, sender, text) for text in ("昨天下午转的", "2000", "招商银行")]
    first, *later = replies
    assert number in first.reply and "客服都能看到" in first.reply
    for turn in later:
        assert number in turn.reply and "客服都能看到" not in turn.reply
    for turn in replies:
        assert turn.actions[0] == "handoff_wait_form"
        assert "没理解" not in turn.reply and "哪类问题" not in turn.reply and "解决了吗" not in turn.reply
    assert len([t for t in ticket_store.list(limit=1000) if t.sender_id == sender]) == 1


async def test_impatience_while_waiting_gets_the_status_and_promise_every_time(agent, ticket_store):
    sender, number = await waiting_after(agent, ticket_store)
    for text in ("人呢", "能不能快一点", "人呢"):
        turn = await say(agent, sender, text)
        assert turn.actions[0] == "handoff_wait_form" and number in turn.reply and "预计" in turn.reply, turn.reply
    assert len([t for t in ticket_store.list(limit=1000) if t.sender_id == sender]) == 1


async def test_calling_the_handoff_off_gives_the_conversation_back_to_the_bot(agent, ticket_store):
    sender, number = await waiting_after(agent, ticket_store, "太差劲了 我要投诉你们")
    turn = await say(agent, sender, "不用了 问题已经解决了")
    assert "已为您取消" in turn.reply and number in turn.reply
    assert ticket_of(ticket_store, sender).status == "cancelled"
    after = await say(agent, sender, "转账失败了怎么办")
    assert after.actions[0] == "action_lookup_faq"


async def test_while_waiting_after_money_was_lost_the_customer_is_told_what_to_do_meanwhile(agent, ticket_store):
    sender = new_sender()
    await say(agent, sender, "我的账号被盗了 有人异地登录还转走了钱")
    await say(agent, sender, "转人工")
    await say(agent, sender, "别问了 直接给我转人工")
    [ticket] = [t for t in ticket_store.list(limit=1000) if t.sender_id == sender]
    assert ticket.priority == "P1"
    turn = await say(agent, sender, "怎么办啊 钱能追回来吗")  # answered: what recovery depends on, report now
    assert ticket.number in turn.reply and "96110" in turn.reply and "追回" in turn.reply
    # Pressed: the promise, and what to do meanwhile; the steps were said in full above,
    # so they are pointed back to, not repeated word for word.
    turn = await say(agent, sender, "人呢")
    assert ticket.number in turn.reply and "预计" in turn.reply and "上面说的紧急处理步骤" in turn.reply


async def test_a_question_while_waiting_is_answered_and_kept_on_the_ticket(agent, ticket_store):
    sender, number = await waiting_after(agent, ticket_store)
    turn = await say(agent, sender, "顺便问下 提现手续费怎么算？")
    assert turn.actions[0] == "handoff_wait_form"
    assert "0.1%" in turn.reply and number in turn.reply, turn.reply
    assert len([t for t in ticket_store.list(limit=1000) if t.sender_id == sender]) == 1


async def test_a_complaint_while_waiting_is_acknowledged_on_the_ticket(agent, ticket_store):
    sender, number = await waiting_after(agent, ticket_store)
    turn = await say(agent, sender, "再不给我处理我就去银保监会投诉你们")
    assert "意见已经记到工单" in turn.reply and number in turn.reply, turn.reply


async def test_going_back_to_an_earlier_question_while_waiting_is_answered(agent, ticket_store):
    sender, number = await waiting_after(agent, ticket_store)
    turn = await say(agent, sender, "那换手机号那个呢 还是不行")
    assert "换绑" in turn.reply and number in turn.reply, turn.reply


async def test_thanks_while_waiting_get_welcome_and_the_promise(agent, ticket_store):
    sender, number = await waiting_after(agent, ticket_store)
    turn = await say(agent, sender, "ok thx")
    assert turn.reply.startswith("不客气") and number in turn.reply and "预计" in turn.reply, turn.reply


async def test_a_code_sent_while_waiting_is_warned_about_and_masked_on_the_ticket(agent, ticket_store):
    sender, number = await waiting_after(agent, ticket_store)
    turn = await say(agent, sender, "我把码发给你你看看对不对 385621")
    assert "不要" in turn.reply and "验证码" in turn.reply and number in turn.reply, turn.reply
    ticket = ticket_of(ticket_store, sender)
    assert not any("385621" in m.text for m in ticket.messages)
