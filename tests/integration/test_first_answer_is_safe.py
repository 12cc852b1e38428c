"""The seven conversations of issue "The first answer is safe", end to end: the
trained model, the real Rasa server's REST channel, the real action server and
ticket database. Each row once brushed off a customer losing money."""
from __future__ import annotations

import json
import uuid

import pytest

from bot.faq.knowledge_base import load_knowledge_base
from bot.texts import Texts
from tests.conftest import ROOT
from tests.support.rest import Turn, conversation_tracker, say
from tests.support.tickets import tickets_of

pytestmark = pytest.mark.model

KB = load_knowledge_base(ROOT / "data" / "faq")
REPLIES = Texts.load(ROOT / "data" / "support").replies("actions")
BRUSH_OFFS = ("utter_out_of_scope", "utter_please_rephrase", "utter_goodbye", "utter_greet",
              "utter_default", "action_default_fallback")


def answer_of(entry_id: str) -> str:
    return KB.by_id[entry_id].answer.strip()


def sender() -> str:
    return f"safe-{uuid.uuid4().hex[:8]}"


def answered_with(turn: Turn, entry_id: str) -> bool:
    return any(text.strip() == answer_of(entry_id) for text in turn.texts)


def test_money_deducted_but_not_received_gets_its_answer_then_the_transfer_diagnostics(rasa_server):
    customer = sender()
    turn = say(rasa_server, customer, "昨天晚上给我妈转了2000到她建行卡，钱扣了她没收到")
    assert answered_with(turn, "transfer_deducted_but_failed"), turn.texts
    assert turn.actions[-1] == "utter_ask_solved"
    turn = say(rasa_server, customer, "没解决")
    # The transfer's questions run; what the story told (2000, 昨天晚上, 建行) is not asked
    # again, so they end at once in the handoff with those details on the ticket.
    assert "transfer_form" in turn.actions and turn.actions[-1] == "handoff_wait_form", turn.actions
    assert turn.slots["amount"] == 2000.0 and turn.slots["incident_time"] and turn.slots["payee"], turn.slots


@pytest.mark.parametrize("story, entry_id", [
    pytest.param("我余额本来有好几千 今天一看只剩两百多了 账单里好几笔转账都不是我转的", "account_stolen_suspected",
                 id="balance-drained"),
    pytest.param("有人打电话说我的快递丢了要赔我钱 让我先交一笔保证金才能理赔 我交了以后他就不接电话了",
                 "transfer_fraud_scam", id="parcel-compensation-scam"),
])
def test_theft_and_scam_stories_get_the_urgent_answer_and_a_p1_person(rasa_server, ticket_store, story, entry_id):
    customer = sender()
    turn = say(rasa_server, customer, story)
    assert answered_with(turn, entry_id), turn.texts
    assert turn.actions[-1] == "utter_offer_person_urgent" and not set(turn.actions) & set(BRUSH_OFFS)
    assert {b["payload"] for b in turn.messages[-1]["buttons"]} == {"/affirm", "/deny"}
    turn = say(rasa_server, customer, "/affirm")  # 立即转人工
    assert turn.actions[0] == "action_handoff_to_human", turn.actions  # no questions first
    assert any("96110" in text for text in turn.texts), turn.texts  # what to do meanwhile, at once
    [ticket] = tickets_of(ticket_store, customer)
    assert ticket.priority == "P1"


def test_stop_this_monthly_charge_gets_the_auto_renewal_answer_then_a_billing_ticket(rasa_server, ticket_store):
    customer = sender()
    turn = say(rasa_server, customer, "这个每个月扣我12块的东西给我停了 马上取消")
    assert answered_with(turn, "billing_cancel_auto_renewal"), turn.texts
    assert "utter_goodbye" not in turn.actions
    turn = say(rasa_server, customer, "没解决")
    assert turn.actions[-1] == "billing_form", turn.actions
    turn = say(rasa_server, customer, "转人工")
    [ticket] = tickets_of(ticket_store, customer)
    assert ticket.intent == "billing_issue"


def test_a_complaint_about_lost_money_goes_to_a_person_with_the_transfer_area(rasa_server, ticket_store):
    customer = sender()
    turn = say(rasa_server, customer, "我要投诉 我转账的钱没了 一直都没人处理")
    assert turn.actions[:3] == ["action_read_complaint", "utter_complaint_received", "action_handoff_to_human"]
    [ticket] = tickets_of(ticket_store, customer)
    assert (ticket.intent, ticket.handoff_reason) == ("transfer_failed", "complaint")
    assert ticket.priority in ("P1", "P2")

    # While the handoff is open, impatience gets the ticket's status and promise, every time.
    for text in ("快点给我处理", "还在吗", "人呢", "快点给我处理"):
        turn = say(rasa_server, customer, text)
        assert ticket.number in turn.texts[-1] and "预计" in turn.texts[-1], (text, turn.texts)
        assert not set(turn.actions) & set(BRUSH_OFFS), (text, turn.actions)


def test_a_complaint_about_the_service_gets_the_feedback_channel_and_a_person_offered(rasa_server, ticket_store):
    customer = sender()
    turn = say(rasa_server, customer, "你们客服态度太差了 问三遍都不回 我要投诉")
    assert answered_with(turn, "general_feedback_complaint"), turn.texts
    assert turn.texts[0] == REPLIES.render("complaint_service_sorry"), turn.texts  # sorry first
    assert turn.messages[-1]["buttons"] == [{"title": "转人工", "payload": "/request_human"}]
    assert tickets_of(ticket_store, customer) == []
    turn = say(rasa_server, customer, "快点")
    assert "action_handoff_to_human" in turn.actions, turn.actions
    assert len(tickets_of(ticket_store, customer)) == 1


def test_impatience_right_after_a_person_was_offered_takes_the_offer(rasa_server, ticket_store):
    customer = sender()
    turn = say(rasa_server, customer, "你们的积分能换机票吗")  # a topic no entry answers
    assert turn.slots["faq_outcome"] == "not_covered" and turn.actions[-1] == "action_lookup_faq", turn.actions
    assert turn.texts[-1].startswith("优惠活动方面的问题"), turn.texts
    turn = say(rasa_server, customer, "快点给我处理")
    assert "action_handoff_to_human" in turn.actions, turn.actions


def test_are_you_there_without_a_ticket_offers_a_person_not_a_greeting(rasa_server):
    turn = say(rasa_server, sender(), "人呢 人呢")
    assert turn.actions == ["action_answer_urge"], turn.actions
    assert turn.messages[-1]["buttons"] == [{"title": "转人工", "payload": "/request_human"}]


def test_a_question_at_the_order_number_is_answered_and_the_order_number_asked_again(rasa_server):
    customer = sender()
    say(rasa_server, customer, "自动续费又扣了我一笔钱")
    turn = say(rasa_server, customer, "没解决")
    while turn.slots.get("requested_slot") != "transaction_id":
        assert turn.actions[-1] == "billing_form", turn.actions
        turn = say(rasa_server, customer, {"amount": "25块", "expected": "不应该扣 我早就取消了",
                                           "incident_time": "这个月1号"}.get(turn.slots["requested_slot"], "不知道"))
    asked = turn.texts[-1]
    turn = say(rasa_server, customer, "会员怎么取消自动续费啊")
    assert turn.actions == ["action_answer_during_form", "billing_form"], turn.actions
    assert answered_with(turn, "billing_cancel_auto_renewal") and turn.texts[-1] == asked
    assert turn.slots["transaction_id"] is None


def test_a_scam_story_continued_while_the_offer_stands_gets_the_warning_again_and_a_person_at_once(
        rasa_server, ticket_store):
    """After the urgent answer the customer argues for the caller: never "which problem?",
    and no second offer: the person, at once, P1."""
    customer = sender()
    turn = say(rasa_server, customer, "有个自称法院的人说我的卡涉案了 要我把钱转到他给的账户里配合调查")
    assert turn.actions[-1] == "utter_offer_person_urgent", turn.actions
    turn = say(rasa_server, customer, "可他还发了盖章的文件给我看")
    assert REPLIES.render("urgent_reminder") in turn.texts, turn.texts
    assert turn.actions[:2] == ["action_lookup_faq", "action_handoff_to_human"], turn.actions
    assert "utter_offer_person_urgent" not in turn.actions and not set(turn.actions) & set(BRUSH_OFFS)
    [ticket] = tickets_of(ticket_store, customer)
    assert ticket.priority == "P1"


def test_money_lost_told_after_the_offer_was_declined_gets_the_offer_again(rasa_server, ticket_store):
    """"暂时不用" is respected: the next urgent message is answered and a person offered again."""
    customer = sender()
    turn = say(rasa_server, customer, "有人冒充客服让我开了屏幕共享 然后卡里的钱就没了")
    assert turn.actions[-1] == "utter_offer_person_urgent", turn.actions
    say(rasa_server, customer, "/deny")  # 暂时不用
    turn = say(rasa_server, customer, "刚又看了一下 余额又少了三千 不是我转的")
    assert turn.actions[-1] == "utter_offer_person_urgent", turn.actions
    assert tickets_of(ticket_store, customer) == []


def test_details_after_an_answer_start_that_problems_questions_with_them_filled_in(rasa_server, ticket_store):
    """"1500 农业银行 前天" after the transfer answer continues that problem: the transfer
    questions start with what the message told already filled in; with all three told,
    nothing is left to ask and the details go to a person at once."""
    customer = sender()
    turn = say(rasa_server, customer, "转账失败了 钱也扣了")
    assert turn.actions[-1] == "utter_ask_solved", turn.actions
    turn = say(rasa_server, customer, "1500 农业银行 前天")
    assert "utter_diagnostics_after_detail" in turn.actions and "transfer_form" in turn.actions, turn.actions
    assert "utter_ask_problem" not in turn.actions
    assert turn.actions[-2:] == ["action_handoff_to_human", "handoff_wait_form"], turn.actions
    # The one figure of a message of details is its amount (bot.diagnostics.answers.prefill).
    [ticket] = tickets_of(ticket_store, customer)
    assert ticket.diagnostics["amount"] == 1500 and ticket.diagnostics["payee"] and ticket.diagnostics["incident_time"]


def test_anger_that_asks_for_nothing_gets_an_apology_and_a_question_not_a_ticket(rasa_server, ticket_store):
    customer = sender()
    turn = say(rasa_server, customer, "你们这什么烂东西")
    assert turn.actions[-1] == "utter_complaint_ask_what", turn.actions
    assert "/request_human" in {b["payload"] for b in turn.messages[-1]["buttons"]}
    assert not tickets_of(ticket_store, customer)


def test_anger_that_names_a_problem_gets_an_apology_and_that_problems_answer(rasa_server, ticket_store):
    customer = sender()
    turn = say(rasa_server, customer, "你们这破app又登不上了")
    assert turn.actions[-1] == "utter_ask_solved", turn.actions
    assert turn.texts[0] == REPLIES.render("complaint_sorry_then_answer")
    assert turn.slots["problem"] == "account_locked" and turn.slots["faq_entry"], turn.slots
    assert not tickets_of(ticket_store, customer)


def test_a_scam_told_at_a_forms_question_ends_the_questions_with_its_answer_and_a_p1_person(
        rasa_server, ticket_store):
    customer = sender()
    say(rasa_server, customer, "转账一直失败 转不出去")
    turn = say(rasa_server, customer, "没解决")
    assert turn.actions[-1] == "transfer_form" and turn.slots["requested_slot"], turn.actions
    turn = say(rasa_server, customer, "他说是公安 让我把钱转到安全账户 我已经转了两万")
    assert answered_with(turn, "transfer_fraud_scam"), turn.texts
    assert turn.actions == ["transfer_form", "action_handoff_to_human", "handoff_wait_form"], turn.actions
    [ticket] = tickets_of(ticket_store, customer)
    assert ticket.priority == "P1"


def test_a_scam_told_while_waiting_gets_its_steps_and_raises_the_ticket_to_p1(rasa_server, ticket_store):
    customer = sender()
    say(rasa_server, customer, "转人工")
    say(rasa_server, customer, "转账失败了 想找人帮我看看")
    [ticket] = tickets_of(ticket_store, customer)
    assert ticket.priority != "P1", ticket.priority
    turn = say(rasa_server, customer, "前两天有个人说是你们客服 让我下载了个app 照着他说的转了两千")
    assert answered_with(turn, "transfer_fraud_scam") and "96110" in turn.texts[-1], turn.texts
    raised = ticket_store.get(ticket.number)
    assert raised.priority == "P1" and raised.sla_due_at <= ticket.sla_due_at

    # Solved afterwards: the cancellation is offered, never done on its own.
    turn = say(rasa_server, customer, "好了付上了 谢谢")
    assert [b["title"] for b in turn.messages[-1]["buttons"]] == ["不用人工了", "还需要人工"], turn.messages
    assert ticket_store.get(ticket.number).status == "waiting"


def test_a_code_sent_back_while_the_sms_problem_is_in_hand_is_warned_about(rasa_server):
    customer = sender()
    say(rasa_server, customer, "验证码一直收不到")
    turn = say(rasa_server, customer, "收到了 是这个吗 482913 你帮我看看对不对")
    assert REPLIES.render("secret_warning") in turn.texts, turn.texts
    assert not any("没有查到" in text for text in turn.texts), turn.texts
    # Masked where it is stored, as a code with 验证码 beside it would be.
    stored = json.dumps(conversation_tracker(rasa_server, customer)["events"], ensure_ascii=False)
    assert "482913" not in stored and "收到了 是这个吗 ******" in stored


def test_a_password_sent_after_an_answer_is_warned_about_and_starts_no_questions(rasa_server):
    customer = sender()
    say(rasa_server, customer, "账号被锁了 输错几次密码就锁了")
    turn = say(rasa_server, customer, "她密码是 奶奶生日 19520318 你帮我看看对不对")
    assert REPLIES.render("secret_warning") in turn.texts, turn.texts
    assert not any(action.endswith("_form") for action in turn.actions), turn.actions
    stored = json.dumps(conversation_tracker(rasa_server, customer)["events"], ensure_ascii=False)
    assert "19520318" not in stored
