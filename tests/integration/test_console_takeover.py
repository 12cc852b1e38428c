"""A person takes over a handed-off conversation in the staff console, end to end:
the real Rasa server (web chat channel), action server, console and database.
The same in a real browser: tests/browser/test_console_pages.py."""
import json
import re

import pytest

from bot.handoff.transcript import staff_author
from bot.storage.engine import make_engine
from bot.storage.outbox import Outbox
from bot.storage.tickets import TicketStore
from bot.storage.tracker_events import TrackerEvents
from tests.support.webchat import new_session, request, send

pytestmark = pytest.mark.model

NUMBER = re.compile(r"T\d{8}-\d{4}")


@pytest.fixture(scope="module")
def stores(tickets_db):
    engine = make_engine(f"sqlite:///{tickets_db}")
    return TicketStore(engine), Outbox(engine)


def say(rasa_server, token, text):
    status, body = send(rasa_server, token, text)
    assert status == 200, body
    return "\n".join(m.get("text") or "" for m in body["messages"])


def handed_over(rasa_server):
    """A web chat customer whose complaint opened a ticket: (token, ticket number)."""
    token = new_session(rasa_server)["token"]
    reply = say(rasa_server, token, "你们什么垃圾服务 我要投诉 给招商银行转账2000一直失败")
    return token, NUMBER.search(reply).group(0)


def window(rasa_server, token):
    status, body = request(f"{rasa_server}/webhooks/webchat/history", token=token, method="GET")
    assert status == 200
    return body["messages"]


def feed(client, number, after=-1):
    page = client.get(f"/tickets/{number}/messages?after={after}", headers={"Accept": "application/json"})
    assert page.status == 200, page
    return json.loads(page.body)


def test_an_agent_takes_over_answers_and_resolves(rasa_server, takeover_console, stores):
    tickets, _ = stores
    token, number = handed_over(rasa_server)
    waiting = say(rasa_server, token, "人呢")
    assert number in waiting and "客服都能看到" in waiting

    agent, login = takeover_console.signed_in()
    page = agent.get(f"/tickets/{number}")
    assert page.status == 200 and "给招商银行转账2000一直失败" in page.body and "人呢" in page.body
    assert "转账失败" in page.body or "投诉" in page.body

    taken = agent.post_form(f"/tickets/{number}/assign", {"assignee": "me"})
    assert taken.status == 303 and "notice=taken" in taken.headers["Location"]
    assert tickets.get(number).status == "assigned"

    # Paused: the bot says nothing, the agent sees the message.
    assert say(rasa_server, token, "卡号尾号 6222 的那张") == ""
    assert any("卡号尾号" in m["text"] for m in feed(agent, number)["messages"])

    agent.get(f"/tickets/{number}")
    replied = agent.post_form(f"/tickets/{number}/reply", {"text": "您好，我是客服，正在帮您查这笔转账"})
    assert "notice=replied" in replied.headers["Location"]
    shown = window(rasa_server, token)
    assert shown[-1]["role"] == "staff" and "正在帮您查" in shown[-1]["text"]

    agent.get(f"/tickets/{number}")
    agent.post_form(f"/tickets/{number}/note", {"text": "客户说是招行卡，已联系银行"})
    agent.get(f"/tickets/{number}")
    resolved = agent.post_form(f"/tickets/{number}/resolve", {"note": "银行退票，已原路退回"})
    assert "notice=resolved" in resolved.headers["Location"]
    ticket = tickets.get(number)
    assert ticket.status == "resolved" and ticket.resolution_note == "银行退票，已原路退回"
    last = window(rasa_server, token)[-1]
    assert "打个分" in last["text"] and len(last["buttons"]) == 5

    # The customer rates, then talks to the bot again.
    assert "谢谢" in say(rasa_server, token, '/rate{"rating": "5"}')
    answer = say(rasa_server, token, "转账失败了怎么办")
    assert answer and "客服都能看到" not in answer

    page = agent.get(f"/tickets/{number}")
    assert "客户说是招行卡" in page.body  # the private note, on the page only
    assert all("客户说是招行卡" not in m["text"] for m in window(rasa_server, token))
    for action in ("分配/接手", "回复客户", "添加内部备注", "标记已解决"):
        assert action in page.body


def test_a_customer_script_is_shown_as_text(rasa_server, takeover_console):
    token, number = handed_over(rasa_server)
    say(rasa_server, token, "<script>alert('x')</script>")
    agent, _ = takeover_console.signed_in()
    page = agent.get(f"/tickets/{number}")
    assert "<script>alert" not in page.body and "&lt;script&gt;alert" in page.body


def test_handing_back_gives_the_customer_the_bot(rasa_server, takeover_console, stores):
    tickets, _ = stores
    token, number = handed_over(rasa_server)
    agent, _ = takeover_console.signed_in()
    agent.get(f"/tickets/{number}")
    agent.post_form(f"/tickets/{number}/assign", {"assignee": "me"})
    agent.get(f"/tickets/{number}")
    back = agent.post_form(f"/tickets/{number}/hand-back", {})
    assert "notice=handed_back" in back.headers["Location"]
    assert tickets.get(number).status == "handed_back"
    assert "交还给智能助手" in window(rasa_server, token)[-1]["text"]
    agent.get(f"/tickets/{number}")
    late = agent.post_form(f"/tickets/{number}/reply", {"text": "还有一件事"})
    assert "notice=closed" in late.headers["Location"]
    assert all("还有一件事" not in m["text"] for m in window(rasa_server, token))
    assert "客服都能看到" not in say(rasa_server, token, "验证码收不到怎么办")


def test_a_restart_of_rasa_in_the_middle_of_a_takeover_loses_nothing(rasa_server, rasa_process,
                                                                     takeover_console, stores):
    tickets, _ = stores
    token, number = handed_over(rasa_server)
    agent, _ = takeover_console.signed_in()
    agent.get(f"/tickets/{number}")
    agent.post_form(f"/tickets/{number}/assign", {"assignee": "me"})
    rasa_process.stop()
    rasa_process.start()
    assert say(rasa_server, token, "重启之后我还在等") == ""  # still paused
    assert any("重启之后我还在等" in m["text"] for m in feed(agent, number)["messages"])
    takeover_console.process.stop()
    takeover_console.process.start()
    page = agent.get(f"/tickets/{number}")  # the session is in the database: still signed in
    assert "重启之后我还在等" in page.body and tickets.get(number).status == "assigned"


def test_rasa_down_leaves_the_ticket_as_it_was(rasa_server, rasa_process, takeover_console, stores):
    tickets, _ = stores
    token, number = handed_over(rasa_server)
    agent, _ = takeover_console.signed_in()
    agent.get(f"/tickets/{number}")
    rasa_process.stop()
    try:
        answer = agent.post_form(f"/tickets/{number}/assign", {"assignee": "me"})
        assert "notice=rasa_down" in answer.headers["Location"]
        assert tickets.get(number).status == "waiting"
    finally:
        rasa_process.start()


def test_a_restart_of_the_action_server_while_waiting_loses_nothing(rasa_server, action_server,
                                                                   takeover_console):
    token, number = handed_over(rasa_server)
    action_server.stop()
    try:
        send(rasa_server, token, "我的卡尾号是 8888")  # Rasa cannot run the waiting loop now
    finally:
        action_server.start()
    reply = say(rasa_server, token, "还要等多久")
    assert number in reply
    agent, _ = takeover_console.signed_in()
    page = agent.get(f"/tickets/{number}")
    assert "我的卡尾号是 8888" in page.body and "还要等多久" in page.body


def test_a_second_ticket_after_a_resolved_one_has_only_its_own_span(rasa_server, takeover_console, stores,
                                                                     rasa_tracker_db):
    """A failed transfer handed over after its form, answered, resolved and rated;
    then the same customer's locked account: each ticket has its own part of the
    conversation, its own details, and the first one its staff reply and rating."""
    tickets, _ = stores
    token = new_session(rasa_server)["token"]
    say(rasa_server, token, "我用手机13812345678转账给招行卡转了5000块 失败了钱还扣了 单号TX2025120600123")
    assert "什么时候" in say(rasa_server, token, "没解决")
    first = NUMBER.search(say(rasa_server, token, "昨天晚上十点多")).group(0)  # the form's last question
    assert tickets.get(first).diagnostics["transaction_id"] == "TX2025120600123"  # kept, never asked

    agent, login = takeover_console.signed_in()
    agent.get(f"/tickets/{first}")
    agent.post_form(f"/tickets/{first}/assign", {"assignee": "me"})
    agent.get(f"/tickets/{first}")
    agent.post_form(f"/tickets/{first}/reply", {"text": "您好，这笔转账银行已经退回，请查收"})
    agent.get(f"/tickets/{first}")
    agent.post_form(f"/tickets/{first}/resolve", {"note": "银行已退回"})
    assert "谢谢" in say(rasa_server, token, '/rate{"rating": "4"}')

    # The same customer, a new problem: its form asks its own questions again
    # (the transfer's time and message are not this problem's).
    say(rasa_server, token, "账号被锁了登不上去")
    assert "提示了什么" in say(rasa_server, token, "没解决")
    assert "手机号" in say(rasa_server, token, "提示账户已锁定")
    assert "换过手机" in say(rasa_server, token, "13900001111")
    second = NUMBER.search(say(rasa_server, token, "别问了 直接转人工")).group(0)
    assert second != first

    ticket = tickets.get(second)
    assert ticket.diagnostics["account_phone"] == "139****1111"
    # nothing of the transfer, no rating
    assert set(ticket.diagnostics) <= {"account_phone", "phone_number", "error_message"}
    assert (ticket.intent, ticket.phone_last4) == ("account_locked", "1111")
    shown = "\n".join(m.text for m in ticket.messages)
    for earlier in ("转账", "招行", "5000", "TX2025120600123", "银行已经退回", "打个分", "/rate"):
        assert earlier not in shown
    assert [m.text for m in ticket.messages if m.role == "user"][:2] == ["账号被锁了登不上去", "没解决"]

    # The first ticket, looked at again: its staff reply and the customer's rating, nothing after.
    page = agent.get(f"/tickets/{first}")
    assert page.status == 200 and "账号被锁了" not in page.body
    messages = tickets.get(first).messages
    assert [(m.role, m.author) for m in messages if "银行已经退回" in m.text] == [("staff", login.username)]
    rated = [m for m in messages if m.role == "user"][-1]  # the button, read as its title or described
    assert rated.intent == "rate" and rated.text in ("4", "【评分：4】")
    assert all("账号被锁了" not in m.text for m in messages)

    # The conversation itself holds the reply, marked as staff's.
    recorded = TrackerEvents(make_engine(f"sqlite:///{rasa_tracker_db}")).after(ticket.sender_id, 0.0)
    assert [e["text"] for e in recorded if staff_author(e) == login.username] == ["您好，这笔转账银行已经退回，请查收"]


def test_one_owner_at_a_time_and_the_customer_is_told_who_is_there(rasa_server, takeover_console, stores):
    """A second person's reply on an owned ticket is refused until they take it over
    (audited); the customer's window says who joined, and that the bot is back."""
    tickets, _ = stores
    token, number = handed_over(rasa_server)
    owner = takeover_console.new_staff("agent", display_name="小王", prefix="owner")
    other = takeover_console.new_staff("admin", display_name="老李", prefix="other")
    wang, li = takeover_console.client(), takeover_console.client()
    assert wang.login(owner.username, owner.password).status == 302
    assert li.login(other.username, other.password).status == 302

    wang.get(f"/tickets/{number}")
    wang.post_form(f"/tickets/{number}/assign", {"assignee": "me"})
    notices = [m["text"] for m in window(rasa_server, token) if m["role"] == "notice"]
    assert notices == ["客服小王已接入"]

    li.get(f"/tickets/{number}")
    refused = li.post_form(f"/tickets/{number}/reply", {"text": "我是管理员，我来回复"})
    assert "notice=owned_by_other" in refused.headers["Location"]
    assert all("我来回复" not in m["text"] for m in window(rasa_server, token))
    assert tickets.get(number).assigned_agent == owner.username

    li.get(f"/tickets/{number}")
    taken = li.post_form(f"/tickets/{number}/reply", {"text": "我是管理员，我来回复", "takeover": "1"})
    assert "notice=replied" in taken.headers["Location"]
    shown = window(rasa_server, token)
    assert [m["text"] for m in shown if m["role"] == "notice"] == ["客服小王已接入", "客服老李已接入"]
    assert shown[-1]["role"] == "staff" and "我来回复" in shown[-1]["text"]
    assert tickets.get(number).assigned_agent == other.username
    page = li.get(f"/tickets/{number}")
    assert f"接管工单：{owner.username} → {other.username}" in page.body

    wang.get(f"/tickets/{number}")
    back = wang.post_form(f"/tickets/{number}/reply", {"text": "我这边继续"})  # the first owner is refused now
    assert "notice=owned_by_other" in back.headers["Location"]

    li.get(f"/tickets/{number}")
    assert "notice=handed_back" in li.post_form(f"/tickets/{number}/hand-back", {}).headers["Location"]
    shown = window(rasa_server, token)
    assert [m["role"] for m in shown[-2:]] == ["notice", "bot"]
    assert shown[-2]["text"] == "已转回机器人" and "交还给智能助手" in shown[-1]["text"]
