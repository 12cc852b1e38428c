"""A conversation's details, one field per fact."""
from pathlib import Path

import pytest

from bot.diagnostics.facts import one_field_per_fact
from bot.diagnostics.spec import DiagnosticsSpec

SPEC = DiagnosticsSpec.load(Path("data/support"))


@pytest.mark.parametrize("entity, slot, value", [
    pytest.param("bank_name", "payee", "招商银行", id="bank-is-the-payee"),
    pytest.param("time_expression", "incident_time", "昨天晚上", id="time-is-when"),
    pytest.param("phone_number", "account_phone", "138****5678", id="phone-is-the-account-phone"),
    pytest.param("error_code", "error_message", "E2031", id="code-is-the-message"),
])
def test_an_entity_the_form_answered_is_listed_once(entity, slot, value):
    assert one_field_per_fact({entity: value}, {slot: value}, SPEC) == {slot: value}


def test_the_answer_is_the_fact_even_when_it_says_more():
    details = one_field_per_fact({"bank_name": "招商银行"}, {"payee": "转到招行卡上了 是我自己的另一张卡"}, SPEC)
    assert details == {"payee": "转到招行卡上了 是我自己的另一张卡"}


def test_entities_no_answer_holds_keep_their_names():
    entities = {"phone_number": "138****5678", "bank_name": "建设银行", "amount": 2000.0}
    answers = {"payee": None, "amount": 2000.0, "incident_time": "昨天"}
    assert one_field_per_fact(entities, answers, SPEC) == {
        "phone_number": "138****5678", "bank_name": "建设银行", "amount": 2000.0, "incident_time": "昨天"}


def test_every_entity_a_slot_is_filled_from_is_known():
    filled_from = {slot.entity for slot in SPEC.slots.values() if slot.entity}
    assert {"bank_name", "time_expression", "phone_number", "error_code"} <= filled_from
