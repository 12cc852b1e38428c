"""action_ticket_status: the customer's own ticket, never someone else's."""
from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk.events import SlotSet

from actions import services
from actions.tickets import ActionTicketStatus, answer_urge
from bot.storage.tickets import NewTicket
from tests.unit.actions.conftest import make_tracker


def open_ticket(sender: str) -> str:
    due = datetime.now(timezone.utc) + timedelta(hours=4)
    new = NewTicket(handoff_key=f"{sender}:1", sender_id=sender, channel="webchat", priority="P2",
                    handoff_reason="customer_request", sla_due_at=due)
    return services.ticket_store().create(new).ticket.number


async def ask(dispatcher, sender, text="我的工单进度", entities=None):
    await ActionTicketStatus().run(dispatcher, make_tracker(text, "ask_ticket_status", entities,
                                                            sender=sender), {})
    return dispatcher.messages[-1]["text"]


async def test_the_latest_own_ticket_with_its_status_in_words(faq_dir, dispatcher):
    number = open_ticket("owner")
    reply = await ask(dispatcher, "owner")
    assert number in reply and "已受理，等待客服处理" in reply


async def test_a_number_asked_for_by_someone_else_is_not_shown(faq_dir, dispatcher):
    number = open_ticket("owner")
    reply = await ask(dispatcher, "stranger", f"{number.lower()} 进度",
                      [{"entity": "ticket_id", "value": number.lower()}])
    assert number not in reply and "没有查到" in reply


async def test_no_ticket_at_all(faq_dir, dispatcher):
    assert "没有查到" in await ask(dispatcher, "nobody")


@pytest.mark.parametrize("slots, opening", [
    pytest.param({}, ("我一直在的", "在的在的"), id="nothing-said-yet"),
    pytest.param({"faq_entry": "account_forgot_password"}, ("明白您着急",), id="right-after-an-answer"),
])
def test_impatience_without_a_ticket_offers_a_person(faq_dir, dispatcher, slots, opening):
    answer_urge(dispatcher, make_tracker("我就是想快点登上", "urge", slots=slots, sender="nobody"))
    (reply,) = dispatcher.messages
    assert reply["text"].startswith(opening) and reply["buttons"][0]["payload"] == "/request_human"


async def test_database_down_is_said(faq_dir, dispatcher, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    services.reset()
    assert "暂时查询不到" in await ask(dispatcher, "owner")


@pytest.fixture(autouse=True)
def _fresh_services():
    yield
    services.reset()


async def test_a_code_read_as_a_ticket_number_is_warned_about_and_not_looked_up(faq_dir, dispatcher):
    open_ticket("owner")
    text = "等下 收到了 验证码是 482913 你帮我看看对不对"
    events = await ActionTicketStatus().run(dispatcher, make_tracker(text, "ask_ticket_status", sender="owner"), {})
    (warning,) = dispatcher.messages
    assert "不要把验证码" in warning["text"] and "T2" not in warning["text"]
    assert events == [SlotSet("secret_warned", True)]


async def test_a_bare_code_while_the_sms_problem_is_in_hand_is_warned_about(faq_dir, dispatcher):
    tracker = make_tracker("收到了 是这个吗 482913 你帮我看看对不对", "ask_ticket_status",
                           slots={"problem": "sms_code_delay"}, sender="owner")
    events = await ActionTicketStatus().run(dispatcher, tracker, {})
    (warning,) = dispatcher.messages
    assert "不要把验证码" in warning["text"] and events == [SlotSet("secret_warned", True)]
