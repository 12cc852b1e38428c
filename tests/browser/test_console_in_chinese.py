"""Every console page in Chromium with a real conversation behind it (buttons clicked,
a diagnostic form, a handoff, a correction, an agent's reply, a rating): no button
payload (/deny, /rate{...}) and no snake_case name anywhere in the text staff read;
and the queue's search finds the resolved ticket by its number and by a word the
customer wrote."""
import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import handoff_number, open_chat, say, sign_in_as
from tests.support.staff_text import BODY_TEXT, codes_in

pytestmark = pytest.mark.model

UNIQUE_WORDS = "收款人是房东周阿姨"  # no other test's customer says this


def no_code(page, where):
    """The page's text as rendered (every element, closed <details> and <option>s included)."""
    page.wait_for_load_state("domcontentloaded")
    found = codes_in(page.evaluate(BODY_TEXT))
    assert found == [], f"{where} shows codes: {found}"


def test_every_console_page_in_chinese_and_search(page, agent_page, rasa_server, takeover_console, screenshot,
                                                 no_published_faq):
    customer = page
    open_chat(customer, rasa_server)
    say(customer, "给招商银行转账2000块 一直提示交易失败")
    expect(customer.locator("#log")).to_contain_text("问题解决了吗", timeout=30_000)
    customer.get_by_role("button", name="没解决").click()  # a button: its payload is /deny
    expect(customer.locator("#log .msg.bot").last).to_contain_text("什么时候", timeout=30_000)  # the form
    say(customer, "别问了 直接转人工")
    number = handoff_number(customer)

    staff = agent_page
    staff.goto(f"{takeover_console.url}/login")
    no_code(staff, "login")
    sign_in_as(staff, takeover_console, "admin", "周主管")
    for path in ("/", "/?assignee=none", "/?assignee=me", "/?status=all"):
        staff.goto(f"{takeover_console.url}{path}")
        no_code(staff, f"queue {path}")

    staff.goto(f"{takeover_console.url}/tickets/{number}")
    staff.get_by_role("button", name="接手（机器人暂停）").click()
    expect(staff.locator(".flash")).to_contain_text("已接手")
    say(customer, UNIQUE_WORDS)
    expect(staff.locator("#transcript")).to_contain_text(UNIQUE_WORDS, timeout=15_000)
    staff.reload()
    first = staff.locator("#transcript li.msg.user").first
    assert first.get_by_label("正确的意图").input_value() == "transfer_failed"  # the predicted one
    first.get_by_text("意图不对？").click()
    first.get_by_label("正确的意图").select_option(label="账单/扣费")
    first.get_by_role("button", name="保存更正").click()
    expect(staff.locator(".flash")).to_contain_text("更正已保存")
    staff.get_by_label(re.compile("回复客户")).fill("您好，我是客服周主管，这笔转账银行已退回，1–3 个工作日原路到账。")
    staff.get_by_role("button", name="发送给客户").click()
    expect(staff.locator(".flash")).to_contain_text("回复已发送")
    transcript = staff.locator("#transcript")
    expect(transcript).to_contain_text("没解决")  # the button's title, not /deny
    expect(transcript).to_contain_text("机器人执行：转账问题诊断问答")
    expect(staff.locator("#history-title")).to_be_visible()
    expect(staff.locator(".customer-history")).to_contain_text("本工单所在对话")
    screenshot(staff, "console-history.png")
    no_code(staff, "ticket (open, taken, corrected)")

    staff.get_by_label("处理结果（内部记录）").fill("银行退票，已告知客户到账时间")
    staff.get_by_role("button", name="解决并邀请客户评分").click()
    expect(staff.locator(".flash")).to_contain_text("工单已解决")
    stars = customer.get_by_role("group", name="为本次服务打分，1 到 5 星").last
    answers = customer.locator("#log .msg.bot").count()
    stars.get_by_role("button").nth(3).click()  # four stars: /rate{"rating": "4"}
    # thanked (a late message of the resolve may land after the count: at least one more)
    expect(customer.locator("#log .msg.bot").nth(answers)).to_be_visible(timeout=15_000)
    staff.reload()
    no_code(staff, "ticket (resolved)")

    # search: the resolved ticket by its number, and by a word the customer wrote
    for search in (number, "周阿姨"):
        staff.goto(f"{takeover_console.url}/")
        staff.get_by_label(re.compile("搜索工单")).fill(search)
        staff.get_by_role("button", name="搜索").click()
        rows = staff.locator("table.queue tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(number)
        expect(rows.first).to_contain_text("已解决")
        no_code(staff, f"queue search {search}")

    token_name = f"desk{secrets.token_hex(3)}"
    staff.goto(f"{takeover_console.url}/admin/tokens")
    staff.get_by_label(re.compile("名称")).fill(token_name)
    staff.get_by_role("button", name="新建令牌").click()
    expect(staff.locator("table")).to_contain_text(token_name)
    for path in ("/reports", "/canned", "/admin/staff", "/admin/tokens", "/admin/canned", "/admin/faq",
                 "/admin/faq/new", "/admin/faq/versions", "/inbox", "/inbox?days=30", "/tickets/T00000000-0000"):
        staff.goto(f"{takeover_console.url}{path}")
        no_code(staff, path)
    staff.goto(f"{takeover_console.url}/reports")
    expect(staff.locator("#teach-title")).to_be_visible()
    assert "make" not in staff.locator("section", has=staff.locator("#teach-title")).inner_text()
