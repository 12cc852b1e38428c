"""The secrets warning: in full the first time, short after that, only for real secrets
(codes, passwords, ID numbers), never for a phone number, an amount or an
order-number-like card number."""
import pytest
from rasa_sdk.events import SlotSet

from actions.secrets import warn_about_secrets
from tests.unit.actions.conftest import make_tracker


@pytest.mark.parametrize("text, warned", [
    pytest.param("验证码是 384721", True, id="sms-code"),
    pytest.param("我的登录密码是abc12345", True, id="password"),
    pytest.param("验证码一直收不到", False, id="code-word-without-code"),
    pytest.param("转了5000块没到账", False, id="amount"),
    pytest.param("我身份证号11010519491231002X 你帮我查一下", True, id="id-number"),
    pytest.param("订单号6222021234567890127", False, id="order-number-shaped-like-a-card"),
    pytest.param("我看了下银行短信 卡号6217000000000000000 被转走了三千", True, id="a-card-number-named-so"),
    pytest.param("6228480402564890018这是我的卡 你查一下", True, id="my-card"),
    pytest.param("我手机号13812345678", False, id="phone"),
])
def test_warns_for_secrets_only(faq_dir, dispatcher, text, warned):
    events = warn_about_secrets(dispatcher, make_tracker(text, "inform"))
    assert (events == [SlotSet("secret_warned", True)]) is warned
    assert bool(dispatcher.messages) is warned


def test_a_later_secret_gets_the_short_reminder(faq_dir, dispatcher):
    tracker = make_tracker("那我密码也给你 abc12345", "inform", slots={"secret_warned": True})
    assert warn_about_secrets(dispatcher, tracker) == [SlotSet("secret_warned", True)]
    (reminder,) = dispatcher.messages
    assert "不要再发" in reminder["text"] and "改掉" in reminder["text"]


def test_a_message_is_warned_about_once(faq_dir, dispatcher):
    """The form that read the message warned; the handoff it ends in does not again."""
    tracker = make_tracker("我把码发给你 验证码是 384721", "inform", slots={"secret_warned": True})
    tracker.events.extend([{"event": "user", "text": "我把码发给你 验证码是 384721"},
                           {"event": "slot", "name": "secret_warned", "value": True}])
    assert warn_about_secrets(dispatcher, tracker) == [] and dispatcher.messages == []


def test_no_reminder_without_a_secret(faq_dir, dispatcher):
    tracker = make_tracker("还是登不上", "inform", slots={"secret_warned": True})
    assert warn_about_secrets(dispatcher, tracker) == [] and dispatcher.messages == []
