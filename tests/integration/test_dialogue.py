"""End-to-end conversations through the trained model and the real action server."""
import uuid

import pytest

from tests.support.dialogue import say

pytestmark = pytest.mark.model

PROBLEM_BUTTONS = {"/account_locked", "/transfer_failed", "/sms_code_delay", "/billing_issue"}


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


async def test_greeting_offers_the_four_problem_areas(agent):
    turn = await say(agent, new_sender(), "你好")
    assert turn.intent == "greet"
    assert turn.actions == ["utter_greet"]
    assert {b["payload"] for b in turn.buttons} == PROBLEM_BUTTONS


async def test_sms_problem_answered_solved_and_rated(agent):
    sender = new_sender()
    turn = await say(agent, sender, "收不到验证码怎么办")
    assert turn.intent == "sms_code_delay"
    assert turn.actions == ["action_lookup_faq", "utter_ask_solved"]
    assert "验证码" in turn.reply

    turn = await say(agent, sender, "解决了 谢谢")
    assert turn.actions == ["utter_ask_rating"]

    turn = await say(agent, sender, "5分")
    assert turn.intent == "rate"
    assert turn.actions == ["utter_thank_rating", "utter_goodbye"]


async def test_a_bare_number_after_the_rating_question_is_the_rating(agent):
    sender = new_sender()
    await say(agent, sender, "收不到验证码怎么办")
    assert (await say(agent, sender, "好了 谢谢")).actions == ["utter_ask_rating"]
    turn = await say(agent, sender, "4")
    assert turn.actions == ["utter_thank_rating", "utter_goodbye"]


async def test_failed_transfer_not_solved_starts_the_diagnostics(agent):
    sender = new_sender()
    turn = await say(agent, sender, "转账失败了 钱扣了对方没收到")
    assert turn.intent == "transfer_failed"
    assert turn.actions[0] == "action_lookup_faq"
    turn = await say(agent, sender, "没解决")
    assert turn.intent == "deny"
    assert turn.actions == ["utter_diagnostics_intro", "transfer_form"]
    assert "金额" in turn.texts[-1]


@pytest.mark.parametrize(
    "text, intent, action",
    [
        pytest.param("你是机器人吗", "bot_challenge", "utter_iamabot", id="bot-challenge"),
        pytest.param("转人工", "request_human", "handoff_summary_form", id="human"),
        pytest.param("拜拜", "goodbye", "utter_goodbye", id="goodbye"),
    ],
)
async def test_single_turn_intents(agent, text, intent, action):
    turn = await say(agent, new_sender(), text)
    assert turn.intent == intent
    assert turn.actions == [action]


async def test_out_of_scope_is_looked_at_for_theft_and_fraud_first(agent):
    turn = await say(agent, new_sender(), "推荐一部电影")
    assert turn.intent == "out_of_scope"
    assert turn.actions == ["action_lookup_faq", "utter_out_of_scope"]


async def test_gibberish_asks_to_rephrase_with_problem_buttons(agent):
    turn = await say(agent, new_sender(), "asdkjh qwpeo zxmn")
    assert turn.intent == "nlu_fallback"
    assert turn.actions[-1] == "utter_please_rephrase"
    assert {b["payload"] for b in turn.buttons} == PROBLEM_BUTTONS


async def test_entities_are_extracted_and_normalised(agent):
    turn = await say(agent, new_sender(), "昨天下午三点给招行转了两千元 手机号是+86 139-1234-5678")
    found = {e["entity"]: e for e in turn.entities}
    assert found["phone_number"]["normalized"] == "13912345678"
    assert found["amount"]["normalized"] == 2000.0
    assert found["bank_name"]["value"] == "招商银行"
    assert "time_expression" in found


async def test_rating_buttons_carry_the_score_as_an_entity(agent):
    sender = new_sender()
    await say(agent, sender, "收不到验证码怎么办")
    turn = await say(agent, sender, "好了 解决了")
    assert [b["payload"] for b in turn.buttons] == [f'/rate{{"rating": "{n}"}}' for n in range(1, 6)]
    turn = await say(agent, sender, turn.buttons[3]["payload"])
    assert turn.intent == "rate"
    assert turn.entities[0]["value"] == "4"
    assert turn.actions == ["utter_thank_rating", "utter_goodbye"]
