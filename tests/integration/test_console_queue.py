"""The queue page and the canned replies through a real console process
(`python -m bot console`), as a browser signed in as an agent or an admin sees them.

The console here reads a copy of data/support (SUPPORT_DIR), so the admin's edits
of the canned replies change the copy, never the repository's file; that is why
this module starts its own console instead of sharing ``console_server``.
"""
import json
import re
import shutil
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest
import yaml

from bot.storage.engine import make_engine, make_session_factory
from bot.storage.models import Ticket
from tests.support.console import start_console
from tests.support.servers import ROOT

SCRIPT_REASON = "<script>alert('reason')</script>"
SCRIPT_WORDS = "<script>steal()</script>页面一直转圈"


@pytest.fixture(scope="module")
def support_copy(tmp_path_factory):
    target = tmp_path_factory.mktemp("console-support") / "support"
    shutil.copytree(ROOT / "data" / "support", target)
    return target


@pytest.fixture(scope="module")
def console(tmp_path_factory, support_copy):
    with start_console(tmp_path_factory.mktemp("console-queue"), env={"SUPPORT_DIR": str(support_copy)}) as server:
        yield server


@pytest.fixture(scope="module")
def agent(console):
    login = console.new_staff("agent", display_name="王小明", prefix="agent")
    client = console.client()
    assert client.login(login.username, login.password).status == 302
    return client, login


@pytest.fixture(scope="module")
def admin(console):
    login = console.new_staff("admin", display_name="李主管", prefix="admin")
    client = console.client()
    assert client.login(login.username, login.password).status == 302
    return client


def _ticket(now, number, priority, due_minutes, created_minutes, **values):
    defaults = dict(status="waiting", channel="webchat", intent="billing_issue", handoff_reason="customer_request",
                    diagnostics={}, assigned_agent=None, phone_last4="1111")
    defaults.update(values)
    created = now + timedelta(minutes=created_minutes)
    return Ticket(number=number, handoff_key=f"key-{number}", sender_id=f"sender-{number}", priority=priority,
                  sla_due_at=now + timedelta(minutes=due_minutes), created_at=created, updated_at=created,
                  **defaults)


@pytest.fixture(scope="module")
def tickets(console, agent):
    """Six tickets; the open ones in queue order are B, A, D, C, E."""
    _, login = agent
    now = datetime.now(timezone.utc)  # when the tests run, not when the module was collected
    rows = [
        _ticket(now, "T20261202-0001", "P1", 80, -10, intent="account_locked",
                diagnostics={"problem_summary": "登录一直提示账户已锁定", "device_info": "iPhone 15 / iOS 18"}),
        _ticket(now, "T20261202-0002", "P1", -35, -95, channel="wechat", intent="transfer_failed", phone_last4="5678",
                diagnostics={"account_phone": "13812345678", "error_message": SCRIPT_WORDS, "amount": 500.0}),
        _ticket(now, "T20261202-0003", "P2", 120, -5, status="assigned", assigned_agent=login.username,
                intent="transfer_failed"),
        _ticket(now, "T20261203-0001", "P2", 60, -5, channel="rest", intent=None, handoff_reason=SCRIPT_REASON),
        _ticket(now, "T20261203-0002", "P3", 24 * 60, -1, intent="sms_code_delay"),
        _ticket(now, "T20261203-0003", "P3", -600, -900, status="resolved"),
    ]
    with make_session_factory(make_engine(console.database_url))() as session:
        session.add_all(rows)
        session.commit()
    return {t.number[-6:].replace("-", ""): t.number for t in rows}


def shown(body):
    """Ticket numbers in the order the table lists them."""
    return re.findall(r'<a href="/tickets/(T[0-9-]+)">', body)


def queue(client, **args):
    page = client.get("/?" + urlencode(args) if args else "/")
    assert page.status == 200, page.body[:500]
    return page.body


def test_signed_out_goes_to_the_login_page(console):
    page = console.client().get("/?assignee=none")
    assert page.status == 302 and page.headers["Location"].startswith("/login?next=")


def test_queue_order_as_shown(agent, tickets):
    body = queue(agent[0])
    assert shown(body) == ["T20261202-0002", "T20261202-0001", "T20261203-0001", "T20261202-0003",
                           "T20261203-0002"]
    assert "T20261203-0003" not in body  # resolved


def test_rows_in_chinese_with_sla_and_the_unclaimed_flag(agent, tickets):
    body = queue(agent[0])
    assert re.search(r'<span class="overdue">已超时 3[5-7]分</span>', body)   # P1 due 35 minutes ago
    assert re.search(r"剩余 1小时(1[7-9]|20)分", body)                        # P1 due in 80 minutes
    assert re.search(r'<tr class="flagged">.*?T20261202-0002.*?无人认领 9[5-7] 分钟', body, re.S)
    assert body.count('class="flagged"') == 1
    for text in ("转账失败", "账户锁定", "验证码短信延迟", "其他", "微信", "网页", "接口", "等待人工", "处理中",
                 "王小明", '<span class="badge P1">P1</span>', "****5678", "登录一直提示账户已锁定"):
        assert text in body, text
    assert "iPhone 15" not in body  # device metadata is for the ticket page


def test_a_full_phone_number_is_never_shown(agent, tickets):
    body = queue(agent[0], q="5678")
    assert shown(body) == ["T20261202-0002"]
    assert "13812345678" not in body and "****5678" in body


def test_customer_text_is_escaped(agent, tickets):
    body = queue(agent[0])
    assert "<script>alert" not in body and "<script>steal" not in body
    # a reason code the catalogue does not name reads as 其他 (data/support/names.yml), never as the code
    assert "alert(" not in body
    assert "&lt;script&gt;steal()&lt;/script&gt;页面一直转圈" in body


@pytest.mark.parametrize(
    "args, expected",
    [
        pytest.param({"priority": "P1"}, ["T20261202-0002", "T20261202-0001"], id="priority"),
        pytest.param({"intent": "transfer_failed"}, ["T20261202-0002", "T20261202-0003"], id="problem-area"),
        pytest.param({"intent": "other"}, ["T20261203-0001"], id="other"),
        pytest.param({"channel": "wechat"}, ["T20261202-0002"], id="channel"),
        pytest.param({"status": "assigned"}, ["T20261202-0003"], id="status"),
        pytest.param({"status": "resolved"}, ["T20261203-0003"], id="closed"),
        pytest.param({"assignee": "none"}, ["T20261202-0002", "T20261202-0001", "T20261203-0001",
                                            "T20261203-0002"], id="unassigned"),
        pytest.param({"assignee": "me"}, ["T20261202-0003"], id="mine"),
        pytest.param({"q": "t20261202"}, ["T20261202-0002", "T20261202-0001", "T20261202-0003"], id="number-prefix"),
        pytest.param({"q": "T20261203-0002"}, ["T20261203-0002"], id="exact-number"),
        pytest.param({"from": "2000-01-01", "to": "2000-01-02"}, [], id="no-ticket-that-day"),
    ],
)
def test_filters_and_search(agent, tickets, args, expected):
    assert shown(queue(agent[0], **args)) == expected


def test_bad_query_strings_still_show_the_queue(agent, tickets):
    page = agent[0].get("/?page=abc&priority=P9&from=2026-13-01&to=9999-12-31&per_page=-5&status=%00&q=%25")
    assert page.status == 200
    assert "没有符合条件的工单" in page.body and "只能按工单号" in page.body  # q=% is no ticket number
    assert agent[0].get("/?page=999999999999999999999").status == 200


def test_empty_state_and_tabs(agent, tickets):
    body = queue(agent[0], q="0000")
    assert "没有符合条件的工单" in body and 'href="/">清除筛选' in body
    body = queue(agent[0], assignee="me")
    assert re.search(r'aria-current="page">我的工单（1）', body)
    assert "全部待处理（5）" in body and "未分配（4）" in body


def test_assign_forms_post_with_the_csrf_token(agent, tickets):
    body = queue(agent[0])
    token = agent[0].csrf_token
    forms = re.findall(r'<form method="post" action="/tickets/(T[0-9-]+)/assign">\s*'
                       r'<input type="hidden" name="csrf_token" value="([^"]+)">', body)
    assert {number for number, _ in forms} == set(shown(body))
    assert {value for _, value in forms} == {token}
    # my own ticket has no 分配给我, only the colleague select
    mine = body.split('href="/tickets/T20261202-0003"')[1].split("</tr>")[0]
    assert "分配给我" not in mine and 'name="assignee"' in mine
    assert '<label for="assign-T20261202-0001" class="sr-only">' in body


def test_pages_keep_the_filters(agent, tickets):
    body = queue(agent[0], assignee="none", per_page="2")
    assert shown(body) == ["T20261202-0002", "T20261202-0001"]
    assert 'href="/?assignee=none&amp;page=2&amp;per_page=2"' in body
    second = queue(agent[0], assignee="none", per_page="2", page="2")
    assert shown(second) == ["T20261203-0001", "T20261203-0002"]
    assert 'href="/?assignee=none&amp;per_page=2" rel="prev"' in second


# -- canned replies -----------------------------------------------------------

def canned_json(client):
    page = client.get("/canned.json")
    assert page.status == 200
    return {r["code"]: r for r in json.loads(page.body)["replies"]}


def test_agents_read_canned_replies_with_the_app_name(agent):
    replies = canned_json(agent[0])
    assert "星汇钱包" in replies["/问候"]["text"] and "{app}" not in replies["/问候"]["text"]


def test_an_agent_may_not_edit_canned_replies(agent, support_copy):
    client, _ = agent
    assert client.get("/admin/canned").status == 403
    client.get("/")
    refused = client.post_form("/admin/canned", {"code": "/坏", "title": "坏", "text": "坏"})
    assert refused.status == 403
    assert "/坏" not in (support_copy / "canned_replies.yml").read_text(encoding="utf-8")


def test_admin_edits_a_canned_reply(admin, agent, support_copy):
    page = admin.get("/admin/canned")
    assert page.status == 200 and "/退款" in page.body
    saved = admin.post_form("/admin/canned/edit", {"original": "/退款", "code": "/退款", "title": "退款进度",
                                                   "text": "您的退款已原路退回，{app}账单里可查看进度。"})
    assert saved.status == 303 and saved.headers["Location"] == "/admin/canned?done=saved"
    assert "已保存修改" in admin.get(saved.headers["Location"]).body
    assert canned_json(agent[0])["/退款"]["text"] == "您的退款已原路退回，星汇钱包账单里可查看进度。"
    stored = yaml.safe_load((support_copy / "canned_replies.yml").read_text(encoding="utf-8"))
    assert {"code": "/退款", "title": "退款进度", "text": "您的退款已原路退回，{app}账单里可查看进度。"} in stored


def test_admin_adds_and_deletes(admin, agent):
    admin.get("/admin/canned")
    added = admin.post_form("/admin/canned", {"code": "/稍等", "title": "请稍等", "text": "正在为您查询，请稍等。"})
    assert added.status == 303
    assert "/稍等" in canned_json(agent[0])
    admin.get("/admin/canned")
    assert admin.post_form("/admin/canned/delete", {"code": "/稍等"}).status == 303
    assert "/稍等" not in canned_json(agent[0])


def test_invalid_input_is_refused_and_kept(admin, support_copy):
    before = (support_copy / "canned_replies.yml").read_bytes()
    admin.get("/admin/canned")
    refused = admin.post_form("/admin/canned", {"code": "退款2", "title": "<b>标题</b>", "text": "我写了很久的回复"})
    assert refused.status == 400
    assert "须以“/”开头" in refused.body
    assert 'value="退款2"' in refused.body and "&lt;b&gt;标题&lt;/b&gt;" in refused.body
    assert "我写了很久的回复</textarea>" in refused.body
    duplicate = admin.post_form("/admin/canned/edit", {"original": "/结束", "code": "/问候", "title": "撞码",
                                                       "text": "不该保存"})
    assert duplicate.status == 400 and "已经存在" in duplicate.body and "不该保存</textarea>" in duplicate.body
    assert (support_copy / "canned_replies.yml").read_bytes() == before
