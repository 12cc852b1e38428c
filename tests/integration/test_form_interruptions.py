"""Every question of every diagnostic form, interrupted, through the real Rasa server's
REST channel and the real action server.

One conversation per question (a fresh sender): reach the question with usable
answers, then send what is not an answer to it: a question with a question word,
one without, a problem of another area, a greeting. Each is answered, nothing of it
is stored, and the same question is asked again. The conversation ends with 转人工
(a ticket of the form's problem, without the interruptions) or 算了 (no more
questions).
"""
from __future__ import annotations

import uuid
from typing import Dict

import pytest
import yaml

from bot.diagnostics.form_rules import diagnostic_forms
from bot.diagnostics.spec import DiagnosticsSpec
from bot.texts import Texts
from tests.conftest import ROOT
from tests.support.rest import say
from tests.support.tickets import tickets_of

pytestmark = pytest.mark.model

SPEC = DiagnosticsSpec.load(ROOT / "data" / "support")
NOT_FOUND = Texts.load(ROOT / "data" / "support").replies("actions").render("faq_not_found_in_form")
FORMS = {name: form["required_slots"] for name, form in
         diagnostic_forms(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))).items()}

# Each problem told without any detail, so that every question is asked.
OPENINGS = {"account_locked": "账号被锁了登不上去", "transfer_failed": "转账一直失败",
            "sms_code_delay": "验证码一直收不到", "billing_issue": "自动续费又扣了我一笔钱"}
# A usable answer to every question, to reach the next one.
ANSWERS = {"account_phone": "13812345678", "incident_time": "昨天晚上十点多", "error_message": "提示交易异常请稍后再试",
           "device_changed": "没有", "device_info": "华为mate60", "amount": "68块", "payee": "转到招行",
           "transaction_id": "DD20261120334455", "carrier": "联通", "wait_time": "十分钟", "attempts": "3次",
           "abroad": "在国内", "expected": "不应该扣"}
ENDINGS = {"转人工": ["action_deactivate_loop", "action_handoff_to_human", "handoff_wait_form"],
           "算了": ["action_deactivate_loop", "utter_ask_handoff_anyway"]}


def interruptions(problem: str) -> Dict[str, str]:
    """What is not an answer, and the action that answers it. For each form a question
    and a problem that the NLU cannot mistake for the form's own problem."""
    billing = problem == "billing_issue"
    return {"会员怎么取消自动续费啊": "action_answer_during_form",
            ("转账限额" if billing else "会员自动续费取消"): "action_answer_during_form",
            ("验证码也收不到" if billing else "又被扣了一笔钱"): "action_answer_during_form",
            "你好": "utter_greet_during_form"}


def ending(slot: str, index: int) -> str:
    """算了 at every yes/no question (the NLU reads it as "no") and every second one, 转人工 elsewhere."""
    return "算了" if SPEC.slots[slot].kind == "yes_no" or index % 2 else "转人工"


CASES = [pytest.param(form, slot, index, id=f"{form}-{slot}")
         for form, slots in FORMS.items() for index, slot in enumerate(slots)]


@pytest.mark.parametrize("form, slot, index", CASES)
def test_an_interruption_at_any_question_is_answered_and_the_question_asked_again(
        rasa_server, ticket_store, form, slot, index):
    problem, sender = SPEC.forms[form], f"interrupt-{uuid.uuid4().hex[:8]}"
    question = SPEC.question(form, slot)
    assert "utter_ask_solved" in say(rasa_server, sender, OPENINGS[problem]).actions
    turn = say(rasa_server, sender, "没解决")
    assert turn.actions[-1] == form
    for earlier in FORMS[form][:index]:
        turn = say(rasa_server, sender, ANSWERS[earlier])
        assert turn.slots[earlier] is not None, (earlier, turn.texts)
    assert turn.texts[-1] == question.text

    said = interruptions(problem)
    for text, answered_by in said.items():
        turn = say(rasa_server, sender, text)
        assert turn.actions == [answered_by, form], (text, turn.actions)
        *answer, asked_again = turn.texts
        assert answer and NOT_FOUND not in answer, (text, turn.texts)    # answered
        assert asked_again == question.text, (text, turn.texts)         # the same question
        assert turn.messages[-1].get("buttons", []) == [dict(b) for b in question.buttons]
        assert turn.slots[slot] is None and turn.slots["requested_slot"] == slot, (text, turn.slots[slot])
        assert turn.slots["problem"] == problem, text

    last = ending(slot, index)
    turn = say(rasa_server, sender, last)
    assert turn.actions == ENDINGS[last], turn.actions
    assert turn.slots[slot] is None
    stored = [str(value) for value in turn.slots.values() if value is not None]
    assert not [value for value in stored for text in [*said, last] if text in value]
    assert all(turn.slots[earlier] is not None for earlier in FORMS[form][:index])
    tickets = tickets_of(ticket_store, sender)
    if last == "转人工":
        [ticket] = tickets
        assert ticket.intent == problem and ticket.diagnostics.get(slot) is None
        assert not [v for v in map(str, ticket.diagnostics.values()) for text in said if text in v]
    else:
        assert tickets == []
