"""The console in Chinese (no code on any page staff read), its search over every
ticket, and the ticket page's history of the customer, on a real console process."""
import re
from urllib.parse import urlencode

import pytest

from bot.storage.desk import TicketDesk
from bot.storage.engine import make_engine
from bot.storage.tickets import NewMessage, TicketStore
from tests.support.staff_text import codes_in, page_text
from tests.support.tickets import new_ticket

SENDER = "names-history-u1"
EARLIER = [NewMessage("user", "给工商银行转账一直提示失败", "transfer_failed", 0.91),
           NewMessage("action", "transfer_form"),
           NewMessage("action", "action_deactivate_loop"),
           NewMessage("user", "/deny", "deny", 1.0),  # stored before payloads were shown as titles
           NewMessage("user", '/rate{"rating": "4"}', "rate", 1.0)]
LATER = [NewMessage("user", "会员自动续费扣了我九块九", "billing_issue", 0.55),
         NewMessage("action", "action_lookup_faq"),
         NewMessage("bot", "扣费的问题可以这样查……"),
         NewMessage("user", "/request_human", "request_human", 1.0),
         NewMessage("action", "action_handoff_to_human")]


@pytest.fixture(scope="module")
def made(console_server):
    engine = make_engine(console_server.database_url)
    store, desk = TicketStore(engine), TicketDesk(engine)
    owner = console_server.new_staff("agent", display_name="客服小周")
    earlier = store.create(new_ticket("names-history:1", sender_id=SENDER, messages=EARLIER,
                                      handoff_reason="customer_request", phone_last4="2468",
                                      diagnostics={"bank_name": "工商银行", "payee": "李师傅"})).ticket.number
    desk.assign(earlier, owner.username, owner.username)
    desk.add_staff_message(earlier, owner.username, "已联系银行核实，款项已原路退回到您的卡上", "delivered")
    desk.close(earlier, "resolved", owner.username, "银行退票")
    later = store.create(new_ticket("names-history:2", sender_id=SENDER, messages=LATER,
                                    intent="billing_issue", handoff_reason="customer_request")).ticket.number
    return {"earlier": earlier, "later": later, "owner": owner}


@pytest.fixture(scope="module")
def agent(console_server):
    return console_server.signed_in()[0]


def test_the_ticket_page_holds_no_code(agent, made):
    page = agent.get(f"/tickets/{made['earlier']}")
    assert page.status == 200
    text = page_text(page.body)
    assert codes_in(text) == [], codes_in(text)
    for shown in ("机器人执行：转账问题诊断问答", "机器人执行：结束问答", "【否定】", "【评分：4】", "客户要求转人工",
                  "分配/接手：客服小周", "客服 客服小周", "银行", "工商银行"):
        assert shown in text, shown


def test_the_correction_starts_at_the_predicted_intent(agent, made):
    body = agent.get(f"/tickets/{made['later']}").body
    assert '<option value="billing_issue" selected>账单/扣费</option>' in body
    assert '<option value="request_human" selected>要求转人工</option>' in body


def test_the_customers_history_beside_the_ticket(agent, made):
    body = agent.get(f"/tickets/{made['later']}").body
    panel = body[body.index('id="history-title"'):]
    panel = panel[: panel.index("</section>")]
    assert f'<a href="/tickets/{made["earlier"]}">{made["earlier"]}</a> · 已解决' in panel
    assert "转账失败 · 客户要求转人工" in panel
    assert made["later"] not in panel.split("与机器人的对话")[0]  # the ticket itself is not "other"


@pytest.mark.parametrize("search", [
    pytest.param("earlier", id="number-of-a-resolved-ticket"),
    pytest.param("工商银行", id="customer-words"),
    pytest.param("原路退回", id="agent-reply"),
    pytest.param("李师傅", id="details"),
    pytest.param("2468", id="phone-tail"),
])
def test_search_finds_a_resolved_ticket(agent, made, search):
    wanted = made[search] if search in made else search
    body = agent.get("/?" + urlencode({"q": wanted})).body
    assert re.findall(r'<a href="/tickets/(T[\d-]+)">', body) == [made["earlier"]]


def test_a_search_in_one_status_stays_in_it(agent, made):
    body = agent.get("/?" + urlencode({"q": "工商银行", "status": "open"})).body  # the form's default
    assert made["earlier"] in body and 'value="all" selected' in body
    body = agent.get("/?" + urlencode({"q": "工商银行", "status": "waiting"})).body
    assert "没有符合条件的工单" in body
