"""A message that is only a topic word is asked which question it means (bot.faq.topics)."""
import pytest

from bot.faq.knowledge_base import ArrivalSeen, ProblemPhrases, TopicChoice, load_knowledge_base
from bot.faq.topics import another_problem, named_problem, sees_arrival, topic_choice
from tests.conftest import ROOT

TOPICS = (TopicChoice(("转账", "转帐"), "转账遇到了什么情况？", ("a",)),
          TopicChoice(("验证码",), "验证码遇到了什么情况？", ("b",)))


@pytest.mark.parametrize("text, prompt", [
    pytest.param("转账", "转账遇到了什么情况？", id="the-word"),
    pytest.param("你好 转帐！", "转账遇到了什么情况？", id="greeting-and-punctuation"),
    pytest.param("验证码啊", "验证码遇到了什么情况？", id="particle"),
    pytest.param("请问 验证码的问题", "验证码遇到了什么情况？", id="opener-and-de-wenti"),
])
def test_a_bare_topic_word_is_found(text, prompt):
    choice = topic_choice(text, TOPICS)
    assert choice is not None and choice.prompt == prompt


@pytest.mark.parametrize("text", ["转账失败", "验证码收不到", "你好", "", "转账 验证码"])
def test_a_message_that_says_more_is_not_a_topic(text):
    assert topic_choice(text, TOPICS) is None


PROBLEMS = (ProblemPhrases("account", "登录", ("登录不上", "登不上")),
            ProblemPhrases("transfer", "转账", ("转账失败",)))


@pytest.mark.parametrize("text, answered_area, name", [
    pytest.param("我登录不上，而且昨天还有一笔转账失败了", "transfer", "登录", id="login-beside-a-transfer"),
    pytest.param("我登录不上，而且昨天还有一笔转账失败了", "account", "转账", id="transfer-beside-a-login"),
    pytest.param("转账失败了 钱也没退", "transfer", None, id="one-problem"),
    pytest.param("登不上 怎么办", "account", None, id="the-answered-one-only"),
])
def test_a_second_problem_in_the_message_is_noticed(text, answered_area, name):
    other = another_problem(text, answered_area, PROBLEMS)
    assert (other.name if other else None) == name


def test_the_problem_a_message_names_in_the_customers_words():
    assert named_problem("你们这破app又登不上了", PROBLEMS).area == "account"
    assert named_problem("什么破软件 垃圾", PROBLEMS) is None


SEEN = load_knowledge_base(ROOT / "data" / "faq").settings.arrival_seen


@pytest.mark.parametrize("text, seen", [
    pytest.param("看到了 有一条写着收款1000", True, id="found-the-receipt"),
    pytest.param("找到了 已经到账了", True, id="arrived"),
    pytest.param("看到了 但是显示转账失败", False, id="found-a-failure"),
    pytest.param("看到了 没有收款记录", False, id="found-nothing"),
    pytest.param("收款1000", False, id="no-opener"),
    pytest.param("看到了", False, id="nothing-about-money"),
])
def test_the_customer_sees_the_money_arrived(text, seen):
    assert sees_arrival(text, SEEN) is seen


def test_without_openers_nothing_is_seen():
    assert not sees_arrival("看到了 收款1000", ArrivalSeen())
