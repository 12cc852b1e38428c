"""An admin edits an FAQ answer in the console, tries the draft in "which entry would
answer this?", publishes it, and the running bot (REST channel, real Rasa and action
servers) answers with the new text; after a rollback it answers with the old one.
No shell command: everything through the browser and the bot's channel."""
import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import sign_in
from tests.support.console import start_console
from tests.support.rest import reply_text, send
from tests.support.servers import RASA_API_TOKEN

pytestmark = pytest.mark.model

QUESTION = "怎么取消自动续费"
OLD = "取消会员自动续费："  # the answer's first line in data/faq/billing.yml (version 1)
NEW = "【控制台新版】在「我的 > 会员 > 管理自动续费」一键关闭，到期前权益不变。"
STAFF_WORDS_ABOUT_FILES = re.compile(r"\.yml|data/faq|\bgit\b|\bmake\b", re.I)
SLOW = 300  # s: a classifier fit on a busy two-core machine


@pytest.fixture(scope="module")
def faq_console(tmp_path_factory, rasa_server, rasa_process, tickets_db, rasa_tracker_db):
    """A console beside the session's Rasa and action servers (same database)."""
    workdir = tmp_path_factory.mktemp("faq-console")
    env = {"ENDPOINTS_FILE": str(rasa_tracker_db.parent / "endpoints.yml"), "RASA_URL": rasa_server,
           "RASA_API_TOKEN": RASA_API_TOKEN}
    with start_console(workdir, env=env, database_url=f"sqlite:///{tickets_db}") as server:
        yield server


def bot_answers(rasa_server, expected, timeout=SLOW):
    """The bot's answer to QUESTION once it contains ``expected`` (the action servers pick a
    publish up by themselves; the index is rebuilt in seconds, more on a busy machine)."""
    deadline = time.monotonic() + timeout
    while expected not in (answer := reply_text(send(rasa_server, f"kb-{uuid.uuid4().hex[:8]}", QUESTION))):
        assert time.monotonic() < deadline, answer
        time.sleep(1)
    return answer


def try_draft(page, message):
    """Ask "which entry would answer this?" until the draft's index is ready (the page says
    so while it is being built: a classifier fit, up to a minute on a busy machine)."""
    deadline = time.monotonic() + SLOW
    while True:
        page.get_by_label("客户可能会说的话").fill(message)
        page.get_by_role("button", name="试一试").click()
        result = page.locator("#try-result")
        if "正在为这个版本准备检索" not in result.inner_text():
            return result
        assert time.monotonic() < deadline, "the draft search was never ready"
        time.sleep(3)


def no_files_mentioned(page):
    assert not STAFF_WORDS_ABOUT_FILES.search(page.locator("body").inner_text()), page.url


def test_edit_try_publish_and_roll_back(agent_page, faq_console, rasa_server, no_published_faq, screenshot):
    login = faq_console.new_staff("admin", display_name="知识库管理员")
    admin = agent_page
    sign_in(admin, faq_console, login)
    admin.get_by_role("navigation", name="主导航").get_by_role("link", name="知识库").click()
    expect(admin.get_by_role("heading", name="知识库", exact=True)).to_be_visible()
    expect(admin.locator("body")).to_contain_text("当前已发布：版本 1")
    no_files_mentioned(admin)

    admin.get_by_role("link", name=f"编辑：{QUESTION}").click()
    expect(admin.get_by_label("答案")).to_contain_text(OLD)
    no_files_mentioned(admin)
    admin.get_by_label("答案").fill(NEW)
    admin.get_by_label("修改说明").fill("答案写得更短")
    admin.get_by_role("button", name="保存草稿").click()
    expect(admin.get_by_role("status")).to_contain_text("已保存为草稿")
    expect(admin.locator("body")).to_contain_text("草稿有 1 处尚未发布的改动")
    expect(admin.locator(".faq-changes")).to_contain_text(NEW)

    result = try_draft(admin, QUESTION)
    expect(result).to_contain_text(f"会回答：{QUESTION}")
    expect(result).to_contain_text(NEW)
    expect(result).not_to_contain_text("未连接机器人")  # the intent came from the bot's own NLU
    screenshot(admin, "console-faq-editor.png")
    # not published yet: the running bot does not use the draft
    assert NEW not in reply_text(send(rasa_server, f"kb-{uuid.uuid4().hex[:8]}", QUESTION))

    admin.get_by_role("button", name=re.compile(r"发布版本 \d+")).click()
    expect(admin.get_by_role("status")).to_contain_text("已发布，机器人现在按新版本回答")
    expect(admin.locator("body")).to_contain_text("没有待发布的改动")
    bot_answers(rasa_server, NEW)

    admin.get_by_role("link", name="版本历史").click()
    expect(admin.locator("table")).to_contain_text("修改“怎么取消自动续费”的答案（答案写得更短）")
    no_files_mentioned(admin)
    admin.get_by_role("button", name="回滚到版本 1").click()
    expect(admin.get_by_role("status")).to_contain_text("已回滚并发布")
    bot_answers(rasa_server, OLD)
