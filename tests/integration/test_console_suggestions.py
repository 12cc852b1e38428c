"""The suggestions endpoint and the canned-reply list through a real console process
(`python -m bot console`, the session's ``console_server``): signed-in staff only,
the bot's own FAQ search and the canned replies, masked text only, never waiting
for the search to be built. The same in Chromium: tests/browser/test_console_agent_tools.py."""
import json
import re
import time

import pytest

from bot.storage.engine import make_engine
from bot.storage.tickets import NewMessage, TicketStore
from tests.support.tickets import new_ticket

JSON = {"Accept": "application/json"}
PHONE = "13812345678"
DIGITS = re.compile(r"\d{7,}")


@pytest.fixture(scope="module")
def ticket(console_server):
    """A customer who cannot get their SMS code, phone number and all (as if stored unmasked)."""
    messages = [NewMessage("user", "你好", "greet", 0.99), NewMessage("bot", "您好，请问有什么可以帮您？"),
                NewMessage("user", f"手机{PHONE}收不到验证码怎么办", "sms_code_delay", 0.91)]
    store = TicketStore(make_engine(console_server.database_url))
    return store.create(new_ticket("suggest:1", sender_id="suggest-u1", channel="webchat", intent="sms_code_delay",
                                   messages=messages)).ticket.number


@pytest.fixture(scope="module")
def agent(console_server):
    return console_server.signed_in("agent")[0]


def suggestions(client, number, timeout=240.0):
    """The answer once the console's search is built (202 until then, never a wait)."""
    deadline = time.monotonic() + timeout
    while True:
        started = time.monotonic()
        page = client.get(f"/tickets/{number}/suggestions", headers=JSON)
        assert time.monotonic() - started < 10, "the endpoint waited for the search to be built"
        body = json.loads(page.body)
        if page.status != 202:
            return page.status, body
        assert body == {"status": "preparing", "message": "正在准备建议答案…"}
        assert time.monotonic() < deadline, "the search was never built"
        time.sleep(1)


def test_signed_in_staff_only(console_server, ticket):
    anonymous = console_server.client()
    refused = anonymous.get(f"/tickets/{ticket}/suggestions", headers=JSON)
    assert refused.status == 401 and json.loads(refused.body)["error"] == "not_signed_in"
    page = anonymous.get(f"/tickets/{ticket}/suggestions")
    assert page.status == 302 and page.headers["Location"].startswith("/login?")


def test_a_post_needs_the_csrf_token(agent, ticket):
    agent.get(f"/tickets/{ticket}")
    refused = agent.post_form(f"/tickets/{ticket}/suggestions", {}, with_csrf=False)
    assert refused.status == 403
    with_token = agent.request("POST", f"/tickets/{ticket}/suggestions", b"", {"X-CSRF-Token": agent.csrf_token})
    assert with_token.status == 405  # read-only: nothing to post


def test_suggestions_for_the_latest_customer_message(agent, ticket):
    status, body = suggestions(agent, ticket)
    assert status == 200, body
    assert body["status"] == "ready" and body["position"] == 2
    assert "收不到验证码" in body["message"] and PHONE not in body["message"] and "****" in body["message"]
    found = body["suggestions"]
    assert 1 <= len(found) <= 3
    assert found[0]["kind"] == "faq" and found[0]["key"] == "sms_code_not_received"
    assert found[0]["kind_label"] == "知识库" and "语音验证码" in found[0]["text"]
    assert ("canned", "/验证码") in [(s["kind"], s["key"]) for s in found]
    canned = next(s for s in found if s["kind"] == "canned")
    assert canned["kind_label"] == "快捷回复" and "星汇钱包" in canned["text"] and "{app}" not in canned["text"]
    assert [s["score"] for s in found] == sorted((s["score"] for s in found), reverse=True)
    assert not DIGITS.search(json.dumps(body, ensure_ascii=False))


def test_a_ticket_without_customer_words_gets_none(console_server, agent):
    number = TicketStore(make_engine(console_server.database_url)).create(
        new_ticket("suggest:2", sender_id="suggest-u2", messages=[NewMessage("bot", "您好")])).ticket.number
    status, body = suggestions(agent, number)
    assert status == 200 and body == {"status": "ready", "position": None, "message": None, "suggestions": []}


def test_an_unknown_ticket_is_a_404(agent):
    page = agent.get("/tickets/T20990101-9999/suggestions", headers=JSON)
    assert page.status == 404 and json.loads(page.body)["error"] == "not_found"


def test_agents_read_the_canned_replies(console_server, agent):
    page = agent.get("/canned")
    assert page.status == 200
    assert "/退款" in page.body and "退款进度" in page.body and "星汇钱包" in page.body and "{app}" not in page.body
    assert '<a href="/canned" aria-current="page">快捷回复</a>' in page.body
    assert "编辑快捷回复" not in page.body  # agents read, admins edit
    admin = console_server.signed_in("admin")[0]
    assert '<a href="/admin/canned">编辑快捷回复</a>' in admin.get("/canned").body
    assert console_server.client().get("/canned").status == 302
