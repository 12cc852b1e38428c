"""Correcting the bot on the ticket page of a real console process: the controls on
every customer turn and bot answer, the forms (CSRF, POST-redirect-GET), what the page
shows afterwards. Through the real servers and into the export: test_teach_and_report.py."""
import re

import pytest

from bot.storage.corrections import CorrectionStore
from bot.storage.engine import make_engine
from bot.storage.models import NEW_FAQ_QUESTION
from bot.storage.tickets import NewMessage, TicketStore
from tests.support.tickets import new_ticket

MESSAGES = [NewMessage("user", "转了钱 对方一直没收到", "billing_issue", 0.48),
            NewMessage("bot", "扣费的问题可以这样查……"),
            NewMessage("action", "action_lookup_faq"),
            NewMessage("user", "会员年费怎么算的", "general_question", 0.66)]


@pytest.fixture(scope="module")
def number(console_server):
    store = TicketStore(make_engine(console_server.database_url))
    return store.create(new_ticket("corrections:1", sender_id="corrections-u1", messages=MESSAGES)).ticket.number


@pytest.fixture(scope="module")
def corrections(console_server):
    return CorrectionStore(make_engine(console_server.database_url))


def test_every_customer_turn_and_bot_answer_has_its_control(console_server, number):
    agent, _ = console_server.signed_in()
    page = agent.get(f"/tickets/{number}")
    assert page.status == 200
    assert len(re.findall(r'<details class="correct">', page.body)) == 2  # two customer turns
    assert page.body.count(">回答有误</button>") == 1 + 1  # the bot answer, and the live feed's template
    assert '<option value="transfer_failed">转账失败</option>' in page.body
    assert f'<option value="{NEW_FAQ_QUESTION}">新的FAQ问题</option>' in page.body


def test_an_agent_corrects_an_intent_and_the_page_shows_it(console_server, number, corrections):
    agent, login = console_server.signed_in()
    agent.get(f"/tickets/{number}")
    answer = agent.post_form(f"/tickets/{number}/corrections",
                             {"position": "0", "kind": "intent", "intent": "transfer_failed"})
    assert answer.status == 303
    assert answer.headers["Location"] == f"/tickets/{number}?notice=corrected#m0"
    [saved] = corrections.for_ticket(number)[0]
    assert (saved.corrected_intent, saved.author) == ("transfer_failed", login.username)
    page = agent.get(f"/tickets/{number}?notice=corrected")
    assert "更正已保存" in page.body and "已更正为：转账失败（测试员工" in page.body


def test_a_bot_answer_marked_wrong_and_undone(console_server, number, corrections):
    agent, _ = console_server.signed_in()
    agent.get(f"/tickets/{number}")
    agent.post_form(f"/tickets/{number}/corrections", {"position": "1", "kind": "answer"})
    assert "已标记回答有误" in agent.get(f"/tickets/{number}").body
    removed = agent.post_form(f"/tickets/{number}/corrections/remove", {"position": "1", "kind": "answer"})
    assert "notice=correction_removed" in removed.headers["Location"]
    assert 1 not in corrections.for_ticket(number)


def test_a_new_faq_question(console_server, number, corrections):
    agent, _ = console_server.signed_in()
    agent.get(f"/tickets/{number}")
    agent.post_form(f"/tickets/{number}/corrections", {"position": "3", "kind": "intent", "intent": NEW_FAQ_QUESTION})
    assert "已更正为：新的FAQ问题" in agent.get(f"/tickets/{number}").body


@pytest.mark.parametrize("fields, notice", [
    pytest.param({"position": "0", "kind": "intent", "intent": "not_an_intent"}, "unknown_intent", id="unknown-intent"),
    pytest.param({"position": "0", "kind": "intent", "intent": "billing_issue"}, "same_intent", id="same-intent"),
    pytest.param({"position": "2", "kind": "intent", "intent": "greet"}, "not_correctable", id="an-action-line"),
    pytest.param({"position": "x", "kind": "intent", "intent": "greet"}, "not_correctable", id="no-position"),
    pytest.param({"position": "0", "kind": "mood"}, "not_correctable", id="unknown-kind"),
])
def test_corrections_that_make_no_sense(console_server, number, fields, notice):
    agent, _ = console_server.signed_in()
    agent.get(f"/tickets/{number}")
    answer = agent.post_form(f"/tickets/{number}/corrections", fields)
    assert answer.status == 303 and f"notice={notice}" in answer.headers["Location"]


def test_without_the_csrf_token_or_signed_out_nothing_is_saved(console_server, number, corrections):
    def saved():
        return {p: [(c.kind, c.corrected_intent) for c in cs] for p, cs in corrections.for_ticket(number).items()}

    agent, _ = console_server.signed_in()
    agent.get(f"/tickets/{number}")
    before = saved()
    fields = {"position": "3", "kind": "intent", "intent": "greet"}
    assert agent.post_form(f"/tickets/{number}/corrections", fields, with_csrf=False).status == 403
    stranger = console_server.client()
    assert stranger.post_form(f"/tickets/{number}/corrections", {**fields, "csrf_token": "x" * 40}).status == 403
    assert saved() == before
