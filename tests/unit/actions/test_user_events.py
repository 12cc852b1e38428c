"""The customer's messages the diagnostic forms prefill from (actions/transcript.py)."""
from rasa_sdk import Tracker

from actions.transcript import user_events
from tests.support.two_tickets import Conversation, first_problem, first_ticket_life, second_problem


def tracker(conversation):
    return Tracker(conversation.sender, conversation.slots(), conversation.latest_message,
                   list(conversation.events), False, None, {}, "action_listen")


def test_the_problem_at_hand_starts_after_the_previous_ticket_and_its_rating():
    conversation = first_problem(Conversation())
    assert [e["text"] for e in user_events(tracker(conversation))][:2] == ["给招商银行转账5000块失败了", "/deny"]
    first_ticket_life(conversation.handed_over("T1"), "T1")
    second_problem(conversation)
    texts = [e["text"] for e in user_events(tracker(conversation))]
    # The account form is never offered the transfer's time or message.
    assert texts[0] == "我的账户被锁了 登录不了" and "昨天下午" not in texts and len(texts) == 7
