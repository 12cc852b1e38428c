from rasa_sdk import Tracker

from actions import services
from actions.handoff import ActionHandoffToHuman
from tests.support.two_tickets import (
    FIRST_TICKET_WORDS,
    STAFF,
    Conversation,
    first_problem,
    first_ticket_life,
    second_problem,
)
from tests.unit.actions.conftest import parse_data

EVENTS = [
    {"event": "user", "timestamp": 1763800000.0, "text": "转账失败 手机13812345678 验证码是123456",
     "parse_data": parse_data("transfer_failed", 0.97, [
         {"entity": "phone_number", "value": "13812345678", "normalized": "13812345678"}])},
    {"event": "bot", "timestamp": 1763800001.0, "text": "请问问题解决了吗？"},
    {"event": "user", "timestamp": 1763800009.0, "text": "没解决",
     "parse_data": parse_data("deny", 0.99)},
]


def tracker(sender="retry-user", slots=None):
    """The conversation of EVENTS; ``slots`` set before it, as Rasa's events set them."""
    set_before = [{"event": "slot", "timestamp": 1763799990.0, "name": name, "value": value}
                  for name, value in (slots or {}).items()]
    return Tracker(sender, slots or {}, EVENTS[-1]["parse_data"] | {"text": "没解决"},
                   set_before + EVENTS, False, None, {}, "action_listen")


async def test_retried_handoff_makes_one_ticket(faq_dir, dispatcher):
    action = ActionHandoffToHuman()
    first = await action.run(dispatcher, tracker(), {})
    second = await action.run(dispatcher, tracker(), {})
    assert first == second
    tickets = services.ticket_store().list()
    assert len(tickets) == 1
    number = tickets[0].number
    assert all(number in m["text"] for m in dispatcher.messages)


async def test_transcript_is_masked_and_secrets_never_stored(faq_dir, dispatcher):
    await ActionHandoffToHuman().run(dispatcher, tracker(), {})
    ticket = services.ticket_store().get(services.ticket_store().list()[0].number)
    transcript = " ".join(m.text for m in ticket.messages)
    assert "验证码是******" in transcript and "123456" not in transcript
    assert "138****5678" in transcript and "13812345678" not in transcript
    # Staff never see a full phone number; the last 4 digits find the ticket.
    assert ticket.diagnostics == {"phone_number": "138****5678"} and ticket.phone_last4 == "5678"
    assert ticket.priority == "P2" and ticket.handoff_reason == "not_solved"


async def test_database_outage_is_told_to_the_customer(faq_dir, dispatcher, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    services.reset()
    monkeypatch.setattr("bot.storage.unit_of_work.time.sleep", lambda _: None)
    events = await ActionHandoffToHuman().run(dispatcher, tracker(), {})
    assert "没能为您创建工单" in dispatcher.messages[0]["text"]
    assert events[0]["value"] is None


async def test_a_handoff_after_a_finished_form_keeps_the_reason_that_started_it(faq_dir, dispatcher):
    form_events = EVENTS + [
        {"event": "action", "name": "transfer_form"},
        {"event": "active_loop", "name": "transfer_form"},
        {"event": "user", "timestamp": 1763800030.0, "text": "昨天晚上",
         "parse_data": parse_data("inform", 0.98)},
        {"event": "action", "name": "transfer_form"},
        {"event": "slot", "name": "incident_time", "value": "昨天晚上"},
        {"event": "active_loop", "name": None},
    ]
    latest = form_events[-4]["parse_data"] | {"text": "昨天晚上"}
    finished = Tracker("form-user", {"incident_time": "昨天晚上"}, latest, form_events, False, None,
                       {}, "transfer_form")
    await ActionHandoffToHuman().run(dispatcher, finished, {})
    ticket = services.ticket_store().list()[0]
    assert ticket.handoff_reason == "not_solved"
    assert ticket.diagnostics["incident_time"] == "昨天晚上"


async def test_a_broken_knowledge_base_does_not_stop_the_handoff(faq_dir, dispatcher):
    (faq_dir / "sms.yml").write_text("entries: [", encoding="utf-8")
    services.reset()
    events = await ActionHandoffToHuman().run(dispatcher, tracker(slots={"faq_entry": "sms_not_received"}), {})
    assert events[0]["value"] == services.ticket_store().list()[0].number


async def handed_off(conversation, dispatcher):
    """Runs the handoff action on the conversation so far: the ticket it opened."""
    tracker = Tracker(conversation.sender, conversation.slots(), conversation.latest_message,
                      list(conversation.events), False, None, {}, "action_listen")
    events = await ActionHandoffToHuman().run(dispatcher, tracker, {})
    number = next(e["value"] for e in events if e.get("name") == "ticket_number")
    return services.ticket_store().get(number)


async def test_a_customers_second_ticket_carries_only_its_own_details(faq_dir, dispatcher):
    """A transfer ticket resolved and rated, then an account lock handed over: the
    second ticket has none of the first one's details, words or rating."""
    conversation = first_problem(Conversation())
    first = await handed_off(conversation, dispatcher)
    first_ticket_life(conversation.handed_over(first.number), first.number)
    services.desk().close(first.number, "resolved", actor=STAFF, note="银行已退回")
    second = await handed_off(second_problem(conversation), dispatcher)

    assert second.number != first.number
    assert {"amount", "payee", "bank_name", "transaction_id", "rating"}.isdisjoint(second.diagnostics)
    details = (second.diagnostics["incident_time"], second.diagnostics["error_message"])
    assert details == ("今天早上", "提示密码错误次数过多")
    transcript = " ".join(m.text for m in second.messages)
    assert [word for word in FIRST_TICKET_WORDS if word in transcript] == []
    assert "/deny" not in transcript and "没解决" in transcript
    assert (second.intent, second.priority, second.phone_last4) == ("account_locked", "P2", "1111")


async def test_a_problem_solved_while_its_form_asked_opens_no_ticket(faq_dir, dispatcher):
    events = await ActionHandoffToHuman().run(dispatcher, tracker(slots={"solved_in_form": True,
                                                                         "problem": "transfer_failed"}), {})
    assert services.ticket_store().list() == []
    (reply,) = dispatcher.messages
    assert "解决了就好" in reply["text"]
    assert {"event": "slot", "timestamp": None, "name": "solved_in_form", "value": None} in events
    assert {"event": "slot", "timestamp": None, "name": "problem", "value": None} in events
