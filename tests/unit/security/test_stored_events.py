"""What a conversation's events keep when stored: no secret, whatever field it is in."""
import json

import pytest

from bot.pii import default_redactor
from bot.security.stored_events import masked_events
from bot.semantics.carried import EMBEDDING_KEY

PHONE, ID, CARD_BAD_LUHN = "13812345678", "11010519491231002X", "6222021234567890127"
CODE, PASSWORD = "667788", "Abc12345"
RAW = [PHONE, ID, CARD_BAD_LUHN, CODE, PASSWORD]


@pytest.fixture(scope="module")
def redactor():
    return default_redactor()


def user(text: str, entities=()) -> dict:
    return {"event": "user", "text": text, "timestamp": 1.0,
            "parse_data": {"text": text, "intent": {"name": "inform", "confidence": 0.9},
                           "entities": [dict(e) for e in entities]}}


def entity(text: str, value: str, name: str) -> dict:
    start = text.index(value)
    return {"entity": name, "start": start, "end": start + len(value), "value": value}


TEXT = f"手机{PHONE} 身份证{ID} 卡号{CARD_BAD_LUHN} 验证码{CODE} 密码是{PASSWORD}"
TURN = [
    user(TEXT, [dict(entity(TEXT, PHONE, "phone_number"), normalized=PHONE), entity(TEXT, PASSWORD, "error_code"),
                entity(TEXT, CARD_BAD_LUHN, "transaction_id")]),
    {"event": "slot", "name": "account_phone", "value": PHONE, "timestamp": 1.0},
    {"event": "slot", "name": "error_message", "value": PASSWORD, "timestamp": 1.0},
    {"event": "slot", "name": "handoff_followups", "value": [f"卡 {CARD_BAD_LUHN}", {"note": ID}], "timestamp": 1.0},
    {"event": "bot", "text": f"好的，手机号 {PHONE} 已记下", "timestamp": 1.0},
    {"event": "action", "name": "action_listen", "timestamp": 1.0},
]


def test_no_secret_survives_in_any_field(redactor):
    stored = json.dumps(masked_events(TURN, redactor), ensure_ascii=False)
    assert [raw for raw in RAW if raw in stored] == []


def test_what_the_dialogue_needs_survives(redactor):
    user_event, phone_slot, password_slot, _, bot_event, action = masked_events(TURN, redactor)
    assert phone_slot["value"] == "138****5678"  # tickets are searched by the last four digits
    assert "6222***********0127" in user_event["text"] and "1101**********002X" in user_event["text"]
    assert password_slot["value"] == "******"  # a password alone is only known from its message
    assert user_event["parse_data"]["entities"][0]["normalized"] == "138****5678"
    assert {e["entity"]: e["value"] for e in user_event["parse_data"]["entities"]} == {
        "phone_number": "138****5678", "error_code": "******", "transaction_id": "6222***********0127"}
    assert bot_event["text"] == "好的，手机号 138****5678 已记下"
    assert action == TURN[-1] and user_event["parse_data"]["intent"] == TURN[0]["parse_data"]["intent"]


def test_masking_twice_changes_nothing(redactor):
    once = masked_events(TURN, redactor)
    assert masked_events(once, redactor) == once


def test_events_without_secrets_are_unchanged(redactor):
    plain = [user("转账失败了 昨天下午转的 5000块"), {"event": "bot", "text": "工单 T20261206-0001", "timestamp": 1.0}]
    assert masked_events(plain, redactor) == plain


def test_the_carried_embedding_is_never_stored(redactor):
    event = user("转账失败了")
    event["parse_data"][EMBEDDING_KEY] = "AAAA" * 256
    stored = masked_events([event], redactor)[0]
    assert EMBEDDING_KEY not in stored["parse_data"] and EMBEDDING_KEY in event["parse_data"]
    assert stored["parse_data"]["intent"] == event["parse_data"]["intent"]


def code_problem(value):
    return {"event": "slot", "name": "problem", "value": value, "timestamp": 1.0}


@pytest.mark.parametrize("before, turn, masked", [
    pytest.param(True, [user("收到了 是这个吗 482913")], True, id="problem-in-hand-before"),
    pytest.param(False, [code_problem("sms_code_delay"), user("482913")], True, id="problem-set-earlier-in-the-batch"),
    pytest.param(False, [user("验证码收不到 刚来了一条 482913"), code_problem("sms_code_delay")], True,
                 id="problem-set-by-the-same-turn"),
    pytest.param(True, [code_problem("transfer_failed"), user("482913")], False, id="another-problem-since"),
    pytest.param(False, [user("482913")], False, id="no-code-problem"),
])
def test_a_code_sent_back_alone_is_masked_while_the_code_problem_is_in_hand(redactor, before, turn, masked):
    stored = json.dumps(masked_events(turn, redactor, code_expected=before), ensure_ascii=False)
    assert ("482913" not in stored) is masked
