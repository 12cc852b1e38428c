"""An agent's tools on the ticket page, in Chromium, against the real Rasa server,
action server, console and database: the canned-reply picker (type "/", a prefix or
letters in order, arrows and Enter) and the suggested answers for the customer's
latest message (one click into the reply box); both edited, sent, and received by the
customer in the chat window."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import handoff_number, open_chat, say, sign_in

pytestmark = pytest.mark.model

# The first request builds the console's FAQ index (a classifier fit; minutes under load).
INDEX_BUILT_MS = 300_000


def test_picker_and_suggestions_reach_the_customer(page, agent_page, rasa_server, takeover_console, screenshot):
    customer = page
    open_chat(customer, rasa_server)
    say(customer, "你们什么垃圾服务 我要投诉 给招商银行转账2000一直失败")
    number = handoff_number(customer)

    login = takeover_console.new_staff("agent", display_name="客服小周")
    agent = agent_page
    sign_in(agent, takeover_console, login)
    agent.goto(f"{takeover_console.url}/tickets/{number}")  # the suggestions panel starts the index build
    agent.get_by_role("button", name="接手（机器人暂停）").click()
    expect(agent.locator(".flash")).to_contain_text("已接手")

    # The picker: "/" and a prefix, ↓ to the second reply, Enter puts its text in the box.
    box = agent.get_by_label(re.compile("回复客户"))
    picker = agent.get_by_role("listbox", name="快捷回复")
    box.click()
    box.type("/验证")
    options = picker.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("/验证码 · 收不到验证码排查")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "canned-option-0")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(picker).to_be_hidden()
    # the whole reply, no new line after it, nothing sent
    expect(box).to_have_value(re.compile(r"^高峰时段或运营商通道拥堵时.*反馈给短信通道排查。$"))
    # Letters in order find a reply too ("转失" in /转账失败); Esc closes without inserting.
    box.press("End")
    box.type(" /转失")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("/转账失败")
    box.press("Escape")
    expect(picker).to_be_hidden()
    box.press("Backspace")
    box.press("Backspace")
    box.press("Backspace")
    box.type("稍后我再跟进转账的事。")  # edited before sending
    agent.get_by_role("button", name="发送给客户").click()
    expect(agent.locator(".flash")).to_contain_text("回复已发送")
    staff = customer.locator("#log .msg.staff")
    expect(staff.last).to_contain_text("高峰时段或运营商通道拥堵时", timeout=15_000)
    expect(staff.last).to_contain_text("稍后我再跟进转账的事。")

    # Suggestions for the customer's latest message, refreshed when a new one arrives.
    say(customer, "我的手机13912345678还是一直收不到验证码")
    expect(agent.locator("#transcript")).to_contain_text("还是一直收不到验证码", timeout=15_000)
    panel = agent.get_by_role("region", name=re.compile("建议回复"))
    status = panel.get_by_role("status")
    expect(status).to_contain_text("还是一直收不到验证码", timeout=INDEX_BUILT_MS)
    expect(status).not_to_contain_text("13912345678")
    suggestions = panel.locator("li.suggestion")
    assert 1 <= suggestions.count() <= 3
    expect(suggestions.first).to_contain_text("知识库")
    expect(suggestions.first).to_contain_text("语音验证码")
    expect(panel.locator("li.suggestion.kind-canned")).not_to_have_count(0)
    screenshot(agent, "console-suggestions.png")
    answer = suggestions.first.locator("p.text").inner_text()

    box.fill("")
    suggestions.first.get_by_role("button", name=re.compile("^插入回复框")).click()
    expect(box).to_have_value(answer)
    expect(box).to_be_focused()
    box.press("End")
    box.type("有其他问题随时找我。")
    box.press("Control+Enter")
    expect(agent.locator(".flash")).to_contain_text("回复已发送")
    expect(staff.last).to_contain_text(answer.splitlines()[0], timeout=15_000)
    expect(staff.last).to_contain_text("有其他问题随时找我。")
