"""The support lead's dashboard and the correction controls in Chromium, against the
session's real Rasa server, action server and console: the history of
tests/support/live_history.py, then the pages. Saves the README's
docs/console-reports.png (UPDATE_SCREENSHOT=1)."""
import os
import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LAPTOP
from tests.conftest import ROOT
from tests.support import live_history
from tests.support.browser_steps import sign_in_as
from tests.support.webchat import send

pytestmark = pytest.mark.model


@pytest.fixture
def lead_page(browser):
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def history(rasa_server, takeover_console):
    return live_history.build(rasa_server, takeover_console)


def screenshot_top(page, tmp_path, name):
    """What a lead sees first (the figures and the charts), not the whole long page."""
    page.set_viewport_size({"width": LAPTOP["width"], "height": 1180})
    page.screenshot(path=str(tmp_path / name))
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copy(tmp_path / name, ROOT / "docs" / name)


def test_reports_dashboard(lead_page, takeover_console, history, tmp_path):
    page = lead_page
    sign_in_as(page, takeover_console, "admin", "李主管")
    page.get_by_role("link", name="运营报表").click()
    expect(page).to_have_url(re.compile("/reports"))
    expect(page.get_by_role("heading", name=re.compile("运营报表"))).to_be_visible()
    charts = page.get_by_role("img")
    expect(charts).to_have_count(4)
    expect(page.get_by_role("img", name="每日对话与机器人独立解决")).to_be_visible()
    expect(page.locator(".headline")).to_contain_text("自助解决率")
    expect(page.locator("#sla")).to_contain_text("达标率")
    expect(page.locator("#corrected_intents")).to_contain_text("补充信息 → 账单/扣费")
    screenshot_top(page, tmp_path, "console-reports.png")
    page.get_by_text("数据表：评分分布（全部渠道）").click()  # the chart's table alternative
    expect(page.locator("figure", has_text="评分分布").locator("table")).to_contain_text("5 星")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 CSV").click()
    assert download.value.suggested_filename.startswith("report-")


def test_a_message_that_arrives_live_can_be_corrected(lead_page, takeover_console, rasa_server, history):
    page = lead_page
    sign_in_as(page, takeover_console, "agent", "客服小刘")
    number = history.unclear.ticket  # still waiting: the page follows the conversation
    page.goto(f"{takeover_console.url}/tickets/{number}")
    status, _ = send(rasa_server, history.unclear.token, live_history.MISREAD)
    assert status == 200
    live = page.locator("#transcript li.msg.user", has_text=live_history.MISREAD)
    expect(live).to_have_count(1, timeout=15_000)
    live.get_by_text("意图不对？").click()
    live.get_by_label("正确的意图").select_option(label="账单/扣费")
    live.get_by_role("button", name="保存更正").click()
    expect(page.locator(".flash")).to_contain_text("更正已保存")
    corrected = page.locator("#transcript li.msg.user", has_text=live_history.MISREAD)
    expect(corrected.locator(".corrected")).to_contain_text("账单/扣费")
