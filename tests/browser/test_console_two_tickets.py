"""One customer, two tickets in one conversation, two browsers: the second ticket's
page shows its own problem and details only; the first keeps the agent's reply
(issue "The desk, round 2", item 1, seen by an agent; the rating's place in the
transcript is checked through the servers in tests/integration/test_console_takeover.py)."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import handoff_number, open_chat, say, sign_in

pytestmark = pytest.mark.model

def new_bot_message(customer, before: int) -> None:
    expect(customer.locator("#log .msg.bot").nth(before)).to_be_visible(timeout=30_000)


def tell_the_problem(customer, text: str) -> None:
    """The customer describes a problem; the bot answers and asks whether it helped."""
    before = customer.locator("#log .msg.bot").count()
    say(customer, text)
    new_bot_message(customer, before)
    expect(customer.locator("#log .msg.bot").last).to_contain_text("问题解决了吗", timeout=30_000)


def give_up_on_the_bot(customer) -> None:
    """"没解决" to the bot's first aid, then no questions: a person now."""
    before = customer.locator("#log .msg.bot").count()
    customer.get_by_role("button", name="没解决").last.click()
    new_bot_message(customer, before)  # the diagnostics' first question
    say(customer, "别问了 直接转人工")


REPLY = "您好，我是客服小吴。这笔转账被银行退回了，1–3 个工作日原路到账。"


def test_a_second_ticket_shows_only_its_own_story(page, agent_page, rasa_server, takeover_console, cleared_queue):
    customer, agent = page, agent_page
    open_chat(customer, rasa_server)
    tell_the_problem(customer, "给建设银行转账3500块 一直提示交易失败")
    give_up_on_the_bot(customer)
    first = handoff_number(customer)

    sign_in(agent, takeover_console, takeover_console.new_staff("agent", display_name="客服小吴"))
    agent.goto(f"{takeover_console.url}/tickets/{first}")
    agent.get_by_role("button", name="接手（机器人暂停）").click()
    agent.get_by_label(re.compile("回复客户")).fill(REPLY)
    agent.get_by_role("button", name="发送给客户").click()
    expect(customer.locator("#log .msg.staff").last).to_contain_text("被银行退回了", timeout=15_000)
    agent.get_by_role("button", name="解决并邀请客户评分").click()
    expect(agent.locator(".flash")).to_contain_text("工单已解决")
    stars = customer.get_by_role("group", name="为本次服务打分，1 到 5 星").last
    stars.get_by_role("button").nth(3).click()  # four stars

    tell_the_problem(customer, "还有个事 密码输错了好几次 现在账户锁住了")
    give_up_on_the_bot(customer)
    second = handoff_number(customer, earlier=first)
    assert second != first

    agent.goto(f"{takeover_console.url}/tickets/{second}")
    transcript, details = agent.locator("#transcript"), agent.locator("table.diagnostics")
    expect(transcript).to_contain_text("现在账户锁住了")
    for earlier in ("建设银行", "3500", "被银行退回了"):
        expect(transcript).not_to_contain_text(earlier)
    if details.count():  # the table is there when the ticket has details of its own
        expect(details).not_to_contain_text("3500")
        expect(details).not_to_contain_text("建设银行")

    agent.goto(f"{takeover_console.url}/tickets/{first}")
    expect(agent.locator("#transcript")).to_contain_text("被银行退回了")  # the agent's reply
    expect(agent.locator("#transcript")).not_to_contain_text("现在账户锁住了")
