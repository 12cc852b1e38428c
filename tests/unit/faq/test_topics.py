"""A message that is only a topic word is asked which question it means (bot.faq.topics)."""
import pytest

from bot.faq.knowledge_base import ProblemPhrases, TopicChoice
from bot.faq.topics import another_problem, topic_choice

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
