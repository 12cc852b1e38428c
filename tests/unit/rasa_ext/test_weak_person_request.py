"""A weak first for a person, in words that never ask for one, gives way to the next intent."""
import pytest

from bot.rasa_ext.nlu.weak_person_request import WeakPersonRequestGuard
from tests.support.nlu_messages import classified

GUARD = WeakPersonRequestGuard({"intent": "request_human", "below": 0.5, "words": ["人工", "客服", "human"]})


@pytest.mark.parametrize("text, ranking, intent", [
    pytest.param("刚才有个人打电话说发错了 让我把码念给他", [("request_human", 0.34), ("sms_code_delay", 0.22)],
                 "sms_code_delay", id="a-story-read-weakly-as-a-request"),
    pytest.param("快点给我转人工", [("request_human", 0.34), ("urge", 0.3)], "request_human", id="asked-in-words"),
    pytest.param("转 human pls", [("request_human", 0.4), ("greet", 0.3)], "request_human", id="english"),
    pytest.param("给我找个能管事的", [("request_human", 0.8), ("complain", 0.1)], "request_human", id="sure"),
    pytest.param("转账失败", [("transfer_failed", 0.9), ("request_human", 0.05)], "transfer_failed",
                 id="another-intent"),
])
def test_only_a_weak_request_without_the_words_gives_way(text, ranking, intent):
    message = GUARD.process([classified(text, ranking)])[0]
    assert message.get("intent")["name"] == intent
    assert message.get("intent_ranking")[0]["name"] == intent
    assert {r["name"] for r in message.get("intent_ranking")} == {name for name, _ in ranking}
