"""The console's JSON API (bot/console/api.py) through a real console process.

Reading, tokens and bad input run on ``console_server`` with tickets written
straight into its database (dated 2030-07, a day no other test uses). Replying
and resolving go through the session's real Rasa server (``takeover_console``):
those tests are marked ``model``.
"""
import json
import secrets
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest

from bot.console.wording import MAX_TEXT
from bot.storage.desk import TicketDesk
from bot.storage.engine import make_engine
from bot.storage.tickets import NewMessage, TicketStore
from tests.integration.test_console_takeover import handed_over, say, window
from tests.support.console import start_console
from tests.support.http import request
from tests.support.processes import free_port
from tests.support.tickets import new_ticket

LAST4 = "7391"  # every ticket of this module: ``search=7391`` shows only them
DAY1 = datetime(2030, 7, 15, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
DAY2 = datetime(2030, 7, 16, 2, 0, tzinfo=timezone.utc)
FULL_PHONE, OTHER_PHONE = "13812345678", "13912347391"


def _name(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


def call(base, path, token=None, method="GET", payload=None, raw=None):
    """(status, decoded JSON body, raw body) of one API request."""
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = raw if raw is not None else (json.dumps(payload).encode("utf-8") if payload is not None else None)
    if body is not None:
        headers["Content-Type"] = "application/json"
    status, answer = request(base + path, method=method, body=body, headers=headers)
    return status, json.loads(answer or b"null"), answer.decode("utf-8")


def tickets_of(base, token, **query):
    status, body, _ = call(base, "/api/tickets?" + urlencode({"search": LAST4, **query}), token)
    assert status == 200, body
    return body


def numbers(body):
    return [t["number"] for t in body["tickets"]]


# -- console_server: reading, tokens, bad input ---------------------------------

@pytest.fixture(scope="module")
def integration(console_server):
    name = _name("api-test")
    return name, console_server.staff.create_integration_token(name)


@pytest.fixture(scope="module")
def owner(console_server):
    return console_server.new_staff("agent", prefix="apiowner")


@pytest.fixture(scope="module")
def made(console_server, owner):
    """Five tickets: open in queue order C, B, A, D (P1 before P2, then the earlier
    SLA due time although B is older); E is resolved."""
    engine = make_engine(console_server.database_url)
    desk = TicketDesk(engine)

    def create(at, key, **values):
        return TicketStore(engine, clock=lambda: at).create(new_ticket(
            key=f"api-{key}-{secrets.token_hex(3)}", sender_id=f"api-sender-{key}-{secrets.token_hex(3)}",
            phone_last4=LAST4, **values)).ticket.number

    made = {
        "A": create(DAY1, "A", priority="P2", sla_due_at=DAY1 + timedelta(hours=4), channel="webchat",
                    diagnostics={"account_phone": FULL_PHONE, "amount": 2000.0, "phone_as_number": 13812345678,
                                 "said": f"我的手机 {OTHER_PHONE}"},
                    messages=[NewMessage("user", f"转账失败 手机{FULL_PHONE}", "transfer_failed", 0.93),
                              NewMessage("bot", "请问问题解决了吗？")]),
        "B": create(DAY1 + timedelta(hours=1), "B", priority="P1", sla_due_at=DAY2 + timedelta(hours=5),
                    channel="wechat", intent="account_locked"),
        "C": create(DAY2, "C", priority="P1", sla_due_at=DAY2 + timedelta(hours=1), intent=None),
        "D": create(DAY2 + timedelta(hours=1), "D", priority="P3", sla_due_at=DAY2 + timedelta(hours=2)),
        "E": create(DAY2 + timedelta(hours=2), "E", priority="P1", sla_due_at=DAY2),
    }
    desk.assign(made["D"], owner.username, owner.username)
    desk.close(made["E"], "resolved", owner.username, "已处理")
    desk.add_note(made["A"], owner.username, "客户是老用户")
    return made


@pytest.mark.parametrize("headers", [
    pytest.param({}, id="no-token"),
    pytest.param({"Authorization": "Bearer " + "x" * 43}, id="wrong-token"),
    pytest.param({"Authorization": "Basic dXNlcjpwYXNz"}, id="not-bearer"),
])
@pytest.mark.parametrize("method,path", [("GET", "/api/tickets"), ("GET", "/api/tickets/T20300715-0001"),
                                         ("POST", "/api/tickets/T20300715-0001/reply")])
def test_without_a_valid_token_the_answer_is_401(console_server, made, headers, method, path):
    body = b'{"text": "hi"}' if method == "POST" else None
    status, answer = request(console_server.url + path, method=method, body=body, headers=headers)
    assert status == 401 and json.loads(answer)["error"] in ("missing_token", "invalid_token")


def test_a_revoked_token_and_a_staff_session_do_not_open_the_api(console_server):
    name = _name("api-revoked")
    token = console_server.staff.create_integration_token(name)
    assert call(console_server.url, "/api/tickets", token)[0] == 200
    console_server.staff.revoke_integration_token(name)
    status, body, _ = call(console_server.url, "/api/tickets", token)
    assert (status, body["error"]) == (401, "invalid_token")

    browser, _ = console_server.signed_in()  # a signed-in cookie is no bearer token
    assert browser.get("/api/tickets", headers={"Accept": "application/json"}).status == 401


def test_the_queue_in_order_with_its_fields(console_server, integration, made):
    _, token = integration
    body = tickets_of(console_server.url, token)
    assert numbers(body) == [made["C"], made["B"], made["A"], made["D"]]
    assert (body["total"], body["page"], body["pages"]) == (4, 1, 1)
    first = body["tickets"][0]
    assert set(first) == {"number", "status", "priority", "intent", "handoff_reason", "channel", "assigned_agent",
                          "phone_last4", "sla_due_at", "created_at", "updated_at"}
    assert first["phone_last4"] == LAST4 and first["status"] == "waiting" and first["priority"] == "P1"
    assert datetime.fromisoformat(first["created_at"]) == DAY2
    assert datetime.fromisoformat(first["sla_due_at"]) == DAY2 + timedelta(hours=1)


@pytest.mark.parametrize("query,expected", [
    pytest.param({"status": "all"}, "ECBAD", id="all-statuses"),
    pytest.param({"status": "resolved"}, "E", id="resolved"),
    pytest.param({"status": "assigned"}, "D", id="assigned"),
    pytest.param({"priority": "P1"}, "CB", id="priority"),
    pytest.param({"channel": "wechat"}, "B", id="channel"),
    pytest.param({"intent": "account_locked"}, "B", id="intent"),
    pytest.param({"intent": "other"}, "C", id="intent-other"),
    pytest.param({"assignee": "none"}, "CBA", id="nobody"),
    pytest.param({"created_from": "2030-07-16"}, "CD", id="created-from"),
    pytest.param({"created_to": "2030-07-15"}, "BA", id="created-to"),
    pytest.param({"created_from": "2030-07-15", "created_to": "2030-07-15", "status": "all"}, "BA", id="one-day"),
    pytest.param({"priority": "P9", "channel": "fax", "created_from": "yesterday"}, "CBAD", id="unknown-ignored"),
])
def test_the_queue_filters(console_server, integration, made, query, expected):
    body = tickets_of(console_server.url, integration[1], **query)
    assert numbers(body) == [made[key] for key in expected]


def test_filters_by_assignee_search_and_pages(console_server, integration, made, owner):
    base, token = console_server.url, integration[1]
    assert numbers(tickets_of(base, token, assignee=owner.username)) == [made["D"]]
    status, body, _ = call(base, "/api/tickets?" + urlencode({"search": made["A"], "status": "all"}), token)
    assert status == 200 and numbers(body) == [made["A"]]
    status, body, _ = call(base, "/api/tickets?search=0000", token)
    assert status == 200 and body["tickets"] == [] and (body["total"], body["pages"]) == (0, 1)

    second = tickets_of(base, token, per_page=2, page=2)
    assert numbers(second) == [made["A"], made["D"]] and (second["total"], second["page"], second["pages"]) == (4, 2, 2)
    past_the_end = tickets_of(base, token, per_page=2, page=99)
    assert past_the_end["page"] == 2
    assert tickets_of(base, token, page="abc", per_page="-3")["page"] == 1


def test_assignee_me_is_refused(console_server, integration):
    status, body, _ = call(console_server.url, "/api/tickets?assignee=me", integration[1])
    assert status == 400 and body["error"] == "bad_filter" and body["message"]


def test_one_ticket_with_messages_notes_and_audit(console_server, integration, made, owner):
    status, body, raw = call(console_server.url, f"/api/tickets/{made['A']}", integration[1])
    assert status == 200, body
    assert body["number"] == made["A"] and body["phone_last4"] == LAST4 and body["channel"] == "webchat"
    assert body["diagnostics"]["amount"] == 2000.0
    assert body["diagnostics"]["account_phone"] == "138****5678"
    assert body["diagnostics"]["said"] == "我的手机 139****7391"
    [user, bot] = body["messages"]
    assert (user["position"], user["role"], user["intent"], user["confidence"]) == (0, "user", "transfer_failed", 0.93)
    assert user["text"] == "转账失败 手机138****5678"
    assert bot["role"] == "bot" and bot["text"] == "请问问题解决了吗？"
    assert {"author", "delivery", "delivery_note", "sent_at"} <= set(user)
    assert body["notes"][0]["author"] == owner.username and body["notes"][0]["text"] == "客户是老用户"
    assert [a["action"] for a in body["audit"]][-1] == "note"
    assert FULL_PHONE not in raw and OTHER_PHONE not in raw and "13812345678" not in raw


def test_no_full_phone_number_in_any_answer(console_server, integration, made):
    for path in ("/api/tickets?status=all&search=" + LAST4, f"/api/tickets/{made['A']}",
                 f"/api/tickets/{made['E']}"):
        status, _, raw = call(console_server.url, path, integration[1])
        assert status == 200 and FULL_PHONE not in raw and OTHER_PHONE not in raw


def test_an_unknown_ticket_is_404(console_server, integration):
    base, token = console_server.url, integration[1]
    status, body, _ = call(base, "/api/tickets/T20300101-9999", token)
    assert (status, body["error"]) == (404, "not_found")
    status, body, _ = call(base, "/api/tickets/T20300101-9999/reply", token, "POST", {"text": "您好"})
    assert (status, body["error"]) == (404, "not_found")
    status, body, _ = call(base, "/api/tickets/T20300101-9999/resolve", token, "POST", {"note": ""})
    assert (status, body["error"]) == (404, "not_found")


@pytest.mark.parametrize("raw,error", [
    pytest.param(b"{not json", "bad_json", id="not-json"),
    pytest.param(b"", "bad_json", id="no-body"),
    pytest.param(b"\xff\xfe", "bad_json", id="not-utf8"),
    pytest.param(b'["text"]', "bad_json", id="a-list"),
    pytest.param(b'"text"', "bad_json", id="a-string"),
    pytest.param(b"{}", "empty", id="no-text"),
    pytest.param(b'{"text": "   "}', "empty", id="blank-text"),
    pytest.param(b'{"text": null}', "empty", id="null-text"),
    pytest.param(b'{"text": 42}', "bad_text", id="number-text"),
    pytest.param(json.dumps({"text": "长" * (MAX_TEXT + 1)}).encode(), "too_long", id="too-long"),
    pytest.param(b'{"text": "hi", "agent": "nobody-here"}', "no_such_agent", id="unknown-agent"),
    pytest.param(b'{"text": "hi", "agent": ["x"]}', "bad_agent", id="agent-not-a-string"),
])
def test_bad_replies_are_400_and_change_nothing(console_server, integration, made, raw, error):
    status, body, _ = call(console_server.url, f"/api/tickets/{made['C']}/reply", integration[1], "POST", raw=raw)
    assert (status, body["error"]) == (400, error) and body["message"]
    assert TicketStore(make_engine(console_server.database_url)).get(made["C"]).status == "waiting"


@pytest.mark.parametrize("raw,error", [
    pytest.param(b"nope", "bad_json", id="not-json"),
    pytest.param(b'{"note": 1}', "bad_note", id="number-note"),
    pytest.param(json.dumps({"note": "长" * (MAX_TEXT + 1)}).encode(), "too_long", id="too-long"),
])
def test_bad_resolves_are_400(console_server, integration, made, raw, error):
    status, body, _ = call(console_server.url, f"/api/tickets/{made['C']}/resolve", integration[1], "POST", raw=raw)
    assert (status, body["error"]) == (400, error) and body["message"]


def test_a_closed_ticket_is_409(console_server, integration, made):
    base, token = console_server.url, integration[1]
    for path, payload in (("reply", {"text": "您好"}), ("resolve", {"note": "再关一次"})):
        status, body, _ = call(base, f"/api/tickets/{made['E']}/{path}", token, "POST", payload)
        assert (status, body["error"]) == (409, "closed") and "已经关闭" in body["message"]


@pytest.fixture(scope="module")
def rasa_down_console(tmp_path_factory):
    """A console whose Rasa server is a closed port."""
    with start_console(tmp_path_factory.mktemp("api-rasa-down"),
                       env={"RASA_URL": f"http://127.0.0.1:{free_port()}"}) as server:
        yield server


def test_rasa_unavailable_is_503_and_nothing_changes(rasa_down_console):
    token = rasa_down_console.staff.create_integration_token("api-down")
    store = TicketStore(make_engine(rasa_down_console.database_url))
    number = store.create(new_ticket(key="api-down:1", sender_id=_name("api-down"), phone_last4=LAST4)).ticket.number
    for path, payload in (("reply", {"text": "您好"}), ("resolve", {"note": ""})):
        status, body, _ = call(rasa_down_console.url, f"/api/tickets/{number}/{path}", token, "POST", payload)
        assert (status, body["error"]) == (503, "rasa_unavailable") and body["message"]
    ticket = store.get(number)
    assert ticket.status == "waiting" and ticket.assigned_agent is None
    assert [m.role for m in ticket.messages] == ["user", "bot"]


# -- takeover_console: replies and resolving through the real Rasa server --------

@pytest.fixture(scope="module")
def desk_token(takeover_console):
    name = _name("api-desk")
    return name, takeover_console.staff.create_integration_token(name)


@pytest.mark.model
def test_a_reply_reaches_the_web_chat_window_and_resolve_asks_for_a_rating(rasa_server, takeover_console,
                                                                          tickets_db, desk_token):
    name, token = desk_token
    base = takeover_console.url
    store = TicketStore(make_engine(f"sqlite:///{tickets_db}"))
    customer, number = handed_over(rasa_server)
    say(rasa_server, customer, f"我的手机号是{FULL_PHONE}")

    status, body, raw = call(base, f"/api/tickets/{number}", token)
    assert status == 200 and "给招商银行转账2000一直失败" in raw and "138****5678" in raw and FULL_PHONE not in raw

    status, body, _ = call(base, f"/api/tickets/{number}/reply", token, "POST", {"text": "您好，我是接口这边的客服"})
    assert status == 200, body
    assert body == {"delivery": "delivered", "note": "", "author": f"api:{name}"}
    shown = window(rasa_server, customer)
    assert shown[-1]["role"] == "staff" and "接口这边的客服" in shown[-1]["text"]
    ticket = store.get(number)
    assert ticket.status == "assigned" and ticket.assigned_agent == f"api:{name}"
    assert say(rasa_server, customer, "好的我等着") == ""  # the bot is paused

    colleague = takeover_console.new_staff("agent", prefix="apicolleague")
    status, body, _ = call(base, f"/api/tickets/{number}/reply", token, "POST",
                           {"text": "已经查到了", "agent": colleague.username})
    assert status == 200 and body["author"] == colleague.username
    _, detail, _ = call(base, f"/api/tickets/{number}", token)
    staff = [m for m in detail["messages"] if m["role"] == "staff"]
    assert [(m["author"], m["delivery"]) for m in staff] == [(f"api:{name}", "delivered"),
                                                             (colleague.username, "delivered")]
    assert any(m["role"] == "user" and "好的我等着" in m["text"] for m in detail["messages"])

    status, body, _ = call(base, f"/api/tickets/{number}/resolve", token, "POST", {"note": "银行已退款"})
    assert status == 200, body
    assert body["status"] == "resolved" and body["delivery"] == "delivered"
    last = window(rasa_server, customer)[-1]
    assert "打个分" in last["text"] and len(last["buttons"]) == 5
    ticket = store.get(number)
    assert ticket.status == "resolved" and ticket.resolution_note == "银行已退款"
    _, detail, _ = call(base, f"/api/tickets/{number}", token)
    assert detail["audit"][-1]["actor"] == f"api:{name}" and detail["audit"][-1]["action"] == "resolved"

    for path, payload in (("reply", {"text": "还在吗"}), ("resolve", {"note": ""})):
        status, body, _ = call(base, f"/api/tickets/{number}/{path}", token, "POST", payload)
        assert (status, body["error"]) == (409, "closed")
    assert "还在吗" not in json.dumps(window(rasa_server, customer), ensure_ascii=False)
