"""Two browsers: a customer in the chat window (phone size) and an agent in the
staff console (laptop size), against the real Rasa server, action server,
console and database. Saves the README's console screenshots."""
import os
import re
import shutil
import urllib.parse

import pytest
from playwright.sync_api import expect

from bot.storage.engine import make_engine
from bot.storage.tickets import TicketStore
from tests.conftest import ROOT
from tests.support.browser_steps import handoff_number, open_chat, say, sign_in
from tests.support.tickets import new_ticket

pytestmark = pytest.mark.model


def screenshot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / name), full_page=True)
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copy(tmp_path / name, ROOT / "docs" / name)


def test_customer_and_agent(page, agent_page, rasa_server, takeover_console, cleared_queue, tmp_path):
    customer = page
    open_chat(customer, rasa_server)
    say(customer, "给招商银行转账2000块 一直提示交易失败")
    expect(customer.locator("#log")).to_contain_text("问题解决了吗", timeout=30_000)
    customer.get_by_role("button", name="没解决").click()
    expect(customer.locator("#log .msg.bot").last).to_contain_text("什么时候", timeout=30_000)
    say(customer, "别问了 直接转人工")
    number = handoff_number(customer)

    login = takeover_console.new_staff("agent", display_name="客服小王")
    agent = agent_page
    agent.goto(f"{takeover_console.url}/")
    expect(agent).to_have_url(re.compile("/login"))
    agent.get_by_label("用户名").fill(login.username)
    agent.get_by_label("密码").fill(login.password)
    agent.get_by_role("button", name="登录").click()
    first_row = agent.locator("table.queue tbody tr").first
    expect(first_row).to_contain_text(number)
    expect(first_row).to_contain_text("转账失败")
    screenshot(agent, tmp_path, "console-queue.png")

    first_row.get_by_role("link", name=number).click()
    expect(agent.locator("#transcript")).to_contain_text("给招商银行转账2000块")
    expect(agent.locator("table.diagnostics")).to_contain_text("金额")
    expect(agent.locator("table.diagnostics")).to_contain_text("2000")
    agent.get_by_role("button", name="接手（机器人暂停）").click()
    expect(agent.locator(".flash")).to_contain_text("已接手")

    bot_messages = customer.locator("#log .msg.bot").count()
    say(customer, "请快点 我急着用这笔钱")
    expect(agent.locator("#transcript")).to_contain_text("请快点 我急着用这笔钱", timeout=15_000)

    reply_box = agent.get_by_label(re.compile("回复客户"))
    reply_box.fill("/转账失败")
    reply_box.press("Tab")  # the canned reply's short code expands
    expect(reply_box).not_to_have_value("/转账失败")
    reply_box.fill("您好，我是客服小王。这笔转账被银行退回了，1–3 个工作日原路到账。")
    agent.get_by_role("button", name="发送给客户").click()
    expect(agent.locator(".flash")).to_contain_text("回复已发送")
    staff = customer.locator("#log .msg.staff")
    expect(staff.last).to_contain_text("这笔转账被银行退回了", timeout=15_000)
    assert customer.locator("#log .msg.bot").count() == bot_messages  # the bot stayed silent
    screenshot(agent, tmp_path, "console-ticket.png")

    agent.get_by_label("处理结果（内部记录）").fill("银行退票，已告知客户到账时间")
    agent.get_by_role("button", name="解决并邀请客户评分").click()
    expect(agent.locator(".flash")).to_contain_text("工单已解决")
    expect(customer.locator("#log .msg.bot").last).to_contain_text("打个分", timeout=15_000)
    stars = customer.get_by_role("group", name="为本次服务打分，1 到 5 星").last
    expect(stars.get_by_role("button")).to_have_count(5)


def test_ctrl_enter_sends_the_reply_form(agent_page, console_server):
    """Ctrl+Enter and ⌘+Enter submit the ticket page's reply form (CSRF token and all);
    Enter alone is a new line, and an empty box is not sent."""
    number = TicketStore(make_engine(console_server.database_url)).create(
        new_ticket("ctrl-enter:1", sender_id="ctrl-enter-u1")).ticket.number
    login = console_server.new_staff("agent", display_name="客服小李")
    agent = agent_page
    sign_in(agent, console_server, login)
    agent.goto(f"{console_server.url}/tickets/{number}")
    expect(agent.locator("#reply-keys")).to_have_text("快捷键：Ctrl+Enter（Mac 上 ⌘+Enter）发送")
    reply_box = agent.get_by_label(re.compile("回复客户"))
    expect(reply_box).to_have_attribute("aria-describedby", "reply-keys")

    posted = []

    def record(route):  # what the form sent; the reply itself is tested with Rasa above
        posted.append(route.request.post_data)
        route.fulfill(status=204)

    agent.route(f"**/tickets/{number}/reply", record)
    reply_box.press("Control+Enter")  # empty: the browser asks for text, nothing is sent
    reply_box.fill("第一行")
    reply_box.press("Enter")
    reply_box.type("第二行")
    agent.wait_for_timeout(300)
    assert posted == []
    expect(reply_box).to_have_value("第一行\n第二行")

    for keys in ("Control+Enter", "Meta+Enter"):
        with agent.expect_request(f"**/tickets/{number}/reply"):
            reply_box.press(keys)
        sent = urllib.parse.parse_qs(posted[-1])
        assert sent["text"] == ["第一行\r\n第二行"]  # a form sends line breaks as CRLF
        assert sent["csrf_token"][0]
        agent.goto(f"{console_server.url}/tickets/{number}")
        reply_box.fill("第一行\n第二行")
    assert len(posted) == 2
