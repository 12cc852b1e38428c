"""Rasa's events as a ticket's messages (bot/handoff/transcript.py): a pressed button
reads as its title or a Chinese description, a staff reply as the staff's."""
import pytest

from bot.handoff.transcript import masked_messages, staff_reply_event
from bot.pii import default_redactor

NAMES = {"deny": "否定", "rate": "评分"}
ASKED = {"event": "bot", "text": "请问问题解决了吗？",
         "data": {"buttons": [{"title": "没解决", "payload": "/deny"}]}}


def said(text, intent, **entities):
    return {"event": "user", "text": text, "parse_data": {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [{"entity": name, "value": value} for name, value in entities.items()]}}


@pytest.mark.parametrize("events, shown", [
    pytest.param([ASKED, said("/deny", "deny")], "没解决", id="title-of-the-button-just-offered"),
    pytest.param([said("/deny", "deny")], "【否定】", id="no-button-seen-described"),
    pytest.param([said('/rate{"rating": "4"}', "rate", rating="4")], "【评分：4】", id="described-with-its-value"),
    pytest.param([said("/unknown_intent", "unknown_intent")], "【点选】", id="an-intent-without-a-name"),
    pytest.param([ASKED, said("好的", "affirm"), said("/deny", "deny")], "【否定】",
                 id="buttons-count-until-the-next-message"),
    pytest.param([said("/退款怎么弄", "nlu_fallback")], "/退款怎么弄", id="typed-not-a-payload"),
])
def test_a_pressed_button_is_never_shown_as_its_code(events, shown):
    assert masked_messages(events, default_redactor(), NAMES)[-1].text == shown


def test_a_staff_reply_recorded_in_the_conversation_is_the_staffs_and_masked():
    [message] = masked_messages([staff_reply_event("请把 13812345678 发给我", "xiaowang")], default_redactor())
    assert (message.role, message.author, message.text) == ("staff", "xiaowang", "请把 138****5678 发给我")


def test_a_code_sent_back_alone_during_the_code_problem_is_masked_on_the_ticket():
    events = [said("验证码一直收不到", "sms_code_delay"),
              {"event": "slot", "name": "problem", "value": "sms_code_delay"},
              {"event": "bot", "text": "收不到验证码，可以先试试……"}, said("收到了 是这个吗 482913", "inform"),
              said("我转了 5000", "inform")]
    texts = [m.text for m in masked_messages(events, default_redactor()) if m.role == "user"]
    assert texts == ["验证码一直收不到", "收到了 是这个吗 ******", "我转了 5000"]
