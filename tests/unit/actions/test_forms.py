"""The diagnostic forms' validation action, run as the action server runs it."""
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker

from actions import services
from actions.forms import ActionBeforeHandoffQuestions, ValidateBillingForm, ValidateTransferForm
from tests.support.servers import ROOT
from tests.unit.actions.conftest import parse_data

DOMAIN = yaml.safe_load(Path(ROOT / "domain.yml").read_text(encoding="utf-8"))
ASKED_FOR_THE_ORDER_NUMBER = {"problem": "billing_issue", "amount": 68.0, "incident_time": "昨天",
                              "expected": "不应该扣", "requested_slot": "transaction_id"}


def billing_tracker(text: str, intent: str, slots: Dict[str, Any], answered_by: Optional[str] = None,
                    entities: Optional[List[Dict[str, Any]]] = None,
                    earlier: Optional[List[Dict[str, Any]]] = None, form: str = "billing_form") -> Tracker:
    """The billing form (or ``form``) running after the customer's message ``text``;
    ``answered_by``: the action a rule ran for that message first (the form then
    only asks again); ``earlier``: events before it."""
    message = {"text": text, **parse_data(intent, 0.9, entities)}
    events: List[Dict[str, Any]] = [
        {"event": "active_loop", "name": form},
        *(earlier or []),
        {"event": "user", "text": text, "parse_data": message},
    ]
    if answered_by:
        events.append({"event": "action", "name": answered_by})
    events.append({"event": "action", "name": form})
    return Tracker("form-tester", slots, message, events, False, None,
                   {"name": form, "is_interrupted": False}, form)


AT_AMOUNT = {"problem": "billing_issue", "requested_slot": "amount"}  # the billing form asks the amount


async def run(tracker: Tracker, dispatcher) -> List[Dict[str, Any]]:
    return await ValidateBillingForm().run(dispatcher, tracker, DOMAIN)


def slot_events(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize("text, intent", [
    pytest.param("会员怎么取消自动续费啊", "general_question", id="question"),
    pytest.param("会员自动续费取消", "general_question", id="question-without-a-question-word"),
    pytest.param("验证码也收不到", "sms_code_delay", id="another-area"),
    pytest.param("你好", "greet", id="greeting"),
    pytest.param("算了", "deny", id="stop-read-as-deny"),
])
async def test_what_is_not_an_answer_is_left_to_the_rules(faq_dir, dispatcher, text, intent):
    assert await run(billing_tracker(text, intent, ASKED_FOR_THE_ORDER_NUMBER), dispatcher) == []
    assert dispatcher.messages == []


async def test_after_the_rules_answered_the_same_question_is_asked_and_the_problem_kept(faq_dir, dispatcher):
    slots = {**ASKED_FOR_THE_ORDER_NUMBER, "problem": "sms_code_delay"}  # set by 验证码也收不到's intent
    events = await run(billing_tracker("验证码也收不到", "sms_code_delay", slots,
                                       answered_by="action_answer_during_form"), dispatcher)
    assert slot_events(events) == {"problem": "billing_issue", "requested_slot": "transaction_id"}
    assert "订单号" in dispatcher.messages[-1]["text"]


@pytest.mark.parametrize("text, intent, entities, stored", [
    pytest.param("找不到 没有", "deny", [], "不清楚", id="none"),
    pytest.param("DD20261120334455", "inform", [{"entity": "transaction_id", "value": "DD20261120334455"}],
                 "DD20261120334455", id="order-number"),
    pytest.param("6222 0212 3456 7890 127", "inform", [], "6222***********0127", id="card-number-masked"),
])
async def test_answers_are_stored_by_kind(faq_dir, dispatcher, text, intent, entities, stored):
    events = await run(billing_tracker(text, intent, ASKED_FOR_THE_ORDER_NUMBER, entities=entities), dispatcher)
    assert slot_events(events) == {"transaction_id": stored, "requested_slot": None}


async def test_an_english_sentence_is_explained_and_asked_again(faq_dir, dispatcher):
    events = await run(billing_tracker("The payment failed twice", "nlu_fallback", ASKED_FOR_THE_ORDER_NUMBER),
                       dispatcher)
    assert slot_events(events) == {"transaction_id": None, "requested_slot": "transaction_id"}
    explanation, question = (m["text"] for m in dispatcher.messages)
    assert "不像订单号" in explanation and "订单号" in question


def asked(slot: str) -> Dict[str, Any]:
    return {"event": "slot", "name": "requested_slot", "value": slot}


def said(text: str, intent: str = "inform") -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"text": text, **parse_data(intent, 0.9, None)}}


async def test_an_optional_question_answered_unusably_twice_is_skipped(faq_dir, dispatcher):
    earlier = [asked("transaction_id"), said("iPhone15"), asked("transaction_id")]
    events = await run(billing_tracker("E2031", "inform", ASKED_FOR_THE_ORDER_NUMBER, earlier=earlier),
                       dispatcher)
    assert slot_events(events) == {"transaction_id": "不清楚", "requested_slot": None}
    assert "跳过" in dispatcher.messages[0]["text"]


async def test_the_first_unusable_answer_after_another_question_is_asked_again(faq_dir, dispatcher):
    earlier = [asked("expected"), said("不应该扣"), asked("transaction_id")]
    events = await run(billing_tracker("iPhone15", "inform", ASKED_FOR_THE_ORDER_NUMBER, earlier=earlier),
                       dispatcher)
    assert slot_events(events) == {"transaction_id": None, "requested_slot": "transaction_id"}


@pytest.mark.parametrize("text", [
    pytest.param("你问这个干嘛", id="what-for"),
    pytest.param("为什么要告诉你", id="why-tell-you"),
    pytest.param("你是不是想骗我", id="suspicion"),
])
async def test_why_we_ask_is_explained_and_the_question_asked_again(faq_dir, dispatcher, text):
    events = await run(billing_tracker(text, "general_question", ASKED_FOR_THE_ORDER_NUMBER), dispatcher)
    assert slot_events(events) == {"transaction_id": None, "requested_slot": "transaction_id"}
    explanation, question = (m["text"] for m in dispatcher.messages)
    assert "不会问您要密码或验证码" in explanation and "订单号" in question


async def test_a_scam_told_at_a_question_ends_the_questions_with_its_answer(faq_dir, dispatcher):
    told = "他说是公安 让我转到安全账户 我已经转了两万"
    events = await run(billing_tracker(told, "inform", ASKED_FOR_THE_ORDER_NUMBER), dispatcher)
    # the form ends (the handoff follows); the answer given is recorded
    assert slot_events(events) == {"faq_entry": "transfer_fraud_scam", "requested_slot": None}
    sign, answer = (m["text"] for m in dispatcher.messages)  # the sign it told, named, then the steps
    assert "安全账户" in sign and answer == "请停止转账并报警。"


async def test_a_secret_sent_at_a_question_is_warned_about_and_never_the_answer(faq_dir, dispatcher):
    events = await run(billing_tracker("我把验证码发你 你看看对不对 385621", "inform", ASKED_FOR_THE_ORDER_NUMBER),
                       dispatcher)
    assert slot_events(events) == {"secret_warned": True, "transaction_id": None,
                                   "requested_slot": "transaction_id"}
    warning, question = (m["text"] for m in dispatcher.messages)
    assert "不要把验证码" in warning and "订单号" in question and "385621" not in warning + question


@pytest.mark.parametrize("text", ["我想问一下为什么扣了我两次", "为什么转账要手续费"])
def test_a_question_about_the_problem_is_not_why_we_ask(text):
    from actions import services
    from bot.diagnostics.answers import asks_why_we_ask
    assert not asks_why_we_ask(text, services.diagnostics())


async def test_a_correction_of_an_earlier_answer_replaces_it_and_the_question_is_asked_again(faq_dir, dispatcher):
    entities = [{"entity": "time_expression", "value": "前天", "start": 4, "end": 6}]
    events = await run(billing_tracker("不对 是前天", "inform", ASKED_FOR_THE_ORDER_NUMBER, entities=entities),
                       dispatcher)
    assert slot_events(events) == {"incident_time": "前天", "transaction_id": None, "requested_slot": "transaction_id"}


async def test_without_a_correction_an_answered_question_is_left_alone(faq_dir, dispatcher):
    entities = [{"entity": "time_expression", "value": "前天"}]
    events = await run(billing_tracker("前天", "inform", ASKED_FOR_THE_ORDER_NUMBER, entities=entities), dispatcher)
    assert "incident_time" not in slot_events(events)


async def test_a_detail_the_form_keeps_but_does_not_ask_is_taken_from_an_earlier_message(faq_dir, dispatcher):
    """The transfer form asks amount, time and bank, then hands over; the order number
    and the screen's words are kept when the customer gave them, never asked."""
    order = {"event": "user", "text": "单号DD20261120334455 提示交易失败",
             "parse_data": {"text": "单号DD20261120334455 提示交易失败", **parse_data("transfer_failed", 0.9, [
                 {"entity": "transaction_id", "value": "DD20261120334455"},
                 {"entity": "error_code", "value": "交易失败"}])}}
    slots = {"problem": "transfer_failed", "amount": 500.0, "incident_time": "昨天", "requested_slot": "payee"}
    tracker = billing_tracker("建行", "inform", slots, form="transfer_form", earlier=[order, asked("payee")],
                              entities=[{"entity": "bank_name", "value": "建设银行"}])
    events = await ValidateTransferForm().run(dispatcher, tracker, DOMAIN)
    assert slot_events(events) == {"payee": "建行", "transaction_id": "DD20261120334455",
                                   "error_message": "交易失败", "requested_slot": None}
    assert dispatcher.messages == []


@pytest.mark.parametrize("text, intent", [
    pytest.param("我不想说金额", "stop_form", id="names-the-detail"),
    pytest.param("这个不方便透露", "inform", id="names-nothing"),
])
async def test_a_declined_detail_is_not_asked_again_even_when_required(faq_dir, dispatcher, text, intent):
    events = await run(billing_tracker(text, intent, AT_AMOUNT), dispatcher)
    assert slot_events(events) == {"amount": "不清楚", "requested_slot": "incident_time"}
    declined, question = (m["text"] for m in dispatcher.messages)
    assert "不说也可以" in declined and "哪天" in question


async def test_not_wanting_to_answer_any_more_still_stops_the_questions(faq_dir, dispatcher):
    assert await run(billing_tracker("不想说了", "stop_form", AT_AMOUNT), dispatcher) == []


@pytest.mark.parametrize("text, intent", [
    pytest.param("好了付上了 谢谢", "affirm", id="paid-now"),
    pytest.param("找到了 在骚扰里 现在登上了", "inform", id="logged-in-now"),
])
async def test_solved_in_the_middle_ends_the_questions(faq_dir, dispatcher, text, intent):
    events = await run(billing_tracker(text, intent, AT_AMOUNT), dispatcher)
    assert slot_events(events) == {"solved_in_form": True, "requested_slot": None}
    assert dispatcher.messages == []


async def test_something_still_wrong_is_not_solved(faq_dir, dispatcher):
    events = await run(billing_tracker("收到了 但是提示验证码错误", "inform", AT_AMOUNT), dispatcher)
    assert "solved_in_form" not in slot_events(events)


@pytest.mark.parametrize("text, asks", [
    pytest.param("算了你直接给我找个人吧", False, id="a-person-at-once"),
    pytest.param("别问了 转人工", False, id="no-more-questions"),
    pytest.param("转人工 别跟我扯了", False, id="impatient"),
    pytest.param("转人工", True, id="a-bare-request"),
])
async def test_a_person_wanted_at_once_gets_no_questions_first(faq_dir, dispatcher, text, asks):
    tracker = billing_tracker(text, "request_human", {"problem": "billing_issue"})
    events = await run(tracker, dispatcher)
    assert (slot_events(events)["requested_slot"] is not None) is asks
    assert bool(dispatcher.messages) is asks
    dispatcher.messages.clear()
    await ActionBeforeHandoffQuestions().run(dispatcher, tracker, DOMAIN)
    intro = services.replies().render("diagnostics_before_handoff")
    assert [m.get("text") for m in dispatcher.messages] == ([intro] if asks else [])
