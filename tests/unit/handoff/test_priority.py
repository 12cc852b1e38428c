import pytest

from bot.handoff.priority import PriorityRules
from tests.support.faq_kb import ROOT


@pytest.fixture(scope="module")
def rules():
    return PriorityRules.load(ROOT / "data" / "support" / "priorities.yml")


@pytest.mark.parametrize(
    "texts, intents, reason, urgent, expected",
    [
        pytest.param(["我的账号被盗了"], ["account_locked"], "customer_request", False, "P1", id="stolen"),
        pytest.param(["被骗转了5000"], ["transfer_failed"], "not_solved", False, "P1", id="fraud"),
        pytest.param(["转账失败"], ["transfer_failed"], "not_solved", False, "P2", id="transfer"),
        pytest.param(["账号锁了"], ["account_locked"], "customer_request", False, "P2", id="locked"),
        pytest.param(["发票怎么开"], ["billing_issue"], "customer_request", False, "P3", id="billing"),
        pytest.param(["发票怎么开"], ["billing_issue"], "complaint", False, "P2", id="complaint-raises"),
        pytest.param(["转账失败"], ["transfer_failed"], "complaint", False, "P1", id="complaint-raises-p2"),
        pytest.param(["这个怎么弄"], ["general_question"], "other", True, "P1", id="urgent-faq"),
    ],
)
def test_priority(rules, texts, intents, reason, urgent, expected):
    assert rules.priority_for(texts, intents, reason, urgent) == expected


def test_reason_from_triggering_intent(rules):
    assert rules.reason_for("request_human") == "customer_request"
    assert rules.reason_for("complain") == "complaint"
    assert rules.reason_for("greet") == "other"
