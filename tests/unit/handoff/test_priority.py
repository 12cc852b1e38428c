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
        # theft and fraud told as stories (the theft_fraud lexicon), whatever the intent
        pytest.param(["早上醒来发现半夜有两笔转账不是我操作的"], ["billing_issue"], "not_solved", False, "P1",
                     id="night-transfers-not-mine"),
        pytest.param(["你好", "有人说是客服让我把验证码念给他 我念了 然后钱就没了"], ["sms_code_delay"],
                     "customer_request", False, "P1", id="fake-staff-earlier-in-the-conversation"),
        pytest.param(["登录设备里有台陌生手机"], ["general_question"], "customer_request", False, "P1",
                     id="unknown-device"),
        pytest.param(["有人说是客服要验证码 我没给直接挂了"], ["general_question"], "customer_request", False, "P3",
                     id="code-asked-not-given"),
        pytest.param(["怎么防止账号被盗"], ["general_question"], "customer_request", False, "P3", id="prevention"),
        pytest.param(["出差登了一下 说检测到异地登录 账户被冻结了"], ["account_locked"], "not_solved", False, "P2",
                     id="risk-control-freeze"),
    ],
)
def test_priority(rules, texts, intents, reason, urgent, expected):
    assert rules.priority_for(texts, intents, reason, urgent) == expected


def test_reason_from_triggering_intent(rules):
    assert rules.reason_for("request_human") == "customer_request"
    assert rules.reason_for("complain") == "complaint"
    assert rules.reason_for("greet") == "other"


def test_rules_without_a_lexicon_still_use_keywords(tmp_path):
    path = tmp_path / "priorities.yml"
    path.write_text("priority_rules:\n  - priority: P1\n    keywords: [被盗]\n    theft_fraud: true\n"
                    "default: P3\n", encoding="utf-8")
    rules = PriorityRules.load(path)
    assert rules.urgency is None
    assert rules.priority_for(["账号被盗了"], [], "other") == "P1"
    assert rules.priority_for(["半夜两笔转账不是我操作的"], [], "other") == "P3"
