"""A thank-you that closes the conversation is thanks, whatever the classifier read in it."""
from pathlib import Path

import pytest
import yaml

from bot.rasa_ext.nlu.closing_thanks import ClosingThanksGuard
from tests.support.nlu_messages import classified

CONFIG = yaml.safe_load((Path(__file__).parents[3] / "config.yml").read_text(encoding="utf-8"))
GUARD = ClosingThanksGuard({**ClosingThanksGuard.get_default_config(),
                            **next(c for c in CONFIG["pipeline"] if c["name"].endswith("ClosingThanksGuard"))})


@pytest.mark.parametrize("text, ranking", [
    pytest.param("行了开关找到了 谢谢啊 你们这服务还行", [("complain", 0.4), ("thank", 0.3)],
                 id="praise-read-as-complaint"),
    pytest.param("问过我弟了 是他拿我手机转的 没事了 谢谢", [("transfer_failed", 0.7), ("thank", 0.1)],
                 id="done-read-as-the-problem"),
    pytest.param("钱回来了 多謝多謝", [("billing_issue", 0.5), ("affirm", 0.3)], id="traditional"),
])
def test_a_closing_thank_you_is_thanks(text, ranking):
    message = GUARD.process([classified(text, ranking)])[0]
    assert message.get("intent") == {"name": "thank", "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")][0] == "thank"
    assert {r["name"] for r in message.get("intent_ranking")} == {name for name, _ in ranking} | {"thank"}


@pytest.mark.parametrize("text, ranking", [
    pytest.param("谢谢 转账一直显示处理中 要多久", [("transfer_failed", 0.9)], id="a-question"),
    pytest.param("谢谢啊 但是钱还是没到", [("transfer_failed", 0.9)], id="still-wrong"),
    pytest.param("真是谢谢你们了 白白等了一下午", [("complain", 0.8)], id="sarcasm"),
    pytest.param("谢谢 我被骗了五千", [("transfer_failed", 0.6)], id="money-lost"),
    pytest.param("解决了 谢谢", [("affirm", 0.9)], id="an-answer-to-is-it-solved"),
    pytest.param("给我转人工 谢谢", [("request_human", 0.9)], id="a-request"),
])
def test_anything_else_is_left_to_the_classifier(text, ranking):
    assert GUARD.process([classified(text, ranking)])[0].get("intent")["name"] == ranking[0][0]
