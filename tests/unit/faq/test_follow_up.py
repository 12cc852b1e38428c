"""A message the FAQ cannot place alone, read with the conversation (bot/faq/follow_up.py)."""
from typing import List, Optional, Tuple

import pytest

from bot.faq.follow_up import ANSWER, NOT_HELPED, NOTE_DETAIL, NOTHING, REMIND_URGENT, Context, follow_up
from bot.faq.knowledge_base import FaqEntry
from bot.faq.lookup import URGENT, LookupResult

REFUND = FaqEntry("transfer_refund", "transfer", ("转账失败钱什么时候退回",), "原路退回……")
RENEWAL = FaqEntry("cancel_renewal", "billing", ("怎么取消自动续费",), "关闭自动续费……")


class Search:
    """The bot's search as a stand-in: answers ``entry`` and records what it was asked."""

    def __init__(self, entry: Optional[FaqEntry]) -> None:
        self.entry = entry
        self.asked: List[Tuple[str, Optional[str]]] = []

    def __call__(self, text: str, intent: Optional[str]) -> LookupResult:
        self.asked.append((text, intent))
        return LookupResult(self.entry, 0.9 if self.entry else 0.0, ())


def test_a_detail_is_searched_with_the_previous_message_as_the_problem():
    search = Search(RENEWAL)
    context = Context(previous_text="每个月都扣我钱", problem="billing_issue", last_entry="transfer_refund")
    decided = follow_up("inform", "19块那个", context, search)
    assert decided.kind == ANSWER and decided.result is not None
    assert decided.result.answer == RENEWAL
    assert search.asked == [("每个月都扣我钱 19块那个", "billing_issue")]


def test_the_answer_just_given_is_not_given_again_a_person_is_offered():
    context = Context(previous_text="转账失败了钱扣了", problem="transfer_failed", last_entry="transfer_refund")
    assert follow_up("inform", "3000 建行", context, Search(REFUND)).kind == NOTE_DETAIL


def test_a_detail_with_no_problem_at_hand_gets_the_usual_question():
    assert follow_up("inform", "3000 建行", Context(), Search(None)).kind == NOTHING


def test_right_after_the_urgent_answer_an_unclear_message_is_warned_again():
    search = Search(REFUND)
    context = Context(previous_text="对方让我先交保证金", last_entry="fraud_help", urgent_recently=True)
    for intent in ("inform", "nlu_fallback", "general_question", "out_of_scope"):
        assert follow_up(intent, "可是他发了工作证", context, search).kind == REMIND_URGENT
    assert search.asked == []


@pytest.mark.parametrize("intent", ["general_question", "billing_issue", "out_of_scope"])
def test_a_question_of_its_own_is_not_joined_to_the_last_one(intent):
    search = Search(RENEWAL)
    context = Context(previous_text="转账失败了", problem="transfer_failed", last_entry="transfer_refund")
    assert follow_up(intent, "你们几点下班", context, search).kind == NOTHING
    assert search.asked == []


def test_two_harmless_messages_joined_never_start_the_urgent_answer():
    """"我转错人了" then "两千五": a wrong transfer and its amount, not theft."""
    freeze = FaqEntry("account_stolen_suspected", "account", ("账户被盗了",), "立即冻结……", urgent=True)

    def urgent_search(text, intent):
        return LookupResult(freeze, 0.9, (), URGENT)

    context = Context(previous_text="我转错人了", problem="transfer_failed", last_entry="transfer_wrong_payee")
    assert follow_up("inform", "两千五", context, urgent_search).kind == NOTE_DETAIL


def test_an_unclear_question_after_an_answer_is_not_noted_as_a_detail():
    context = Context(previous_text="账单在哪里", problem="transfer_failed", last_entry="billing_view_statements",
                      asks=True)
    assert follow_up("nlu_fallback", "那个按钮是什么", context, Search(None)).kind == NOTHING


def test_asking_again_about_what_was_just_answered_is_an_answer_that_did_not_help():
    context = Context(previous_text="转账失败钱什么时候退回", problem="transfer_failed", last_entry="transfer_refund",
                      asks=True)
    assert follow_up("nlu_fallback", "没解决 我问的是为什么还没退", context, Search(REFUND)).kind == NOT_HELPED


def test_details_after_a_problem_s_answer_are_noted_not_searched():
    search = Search(REFUND)
    context = Context(previous_text="钱转出去了对方没收到", problem="transfer_failed", last_entry="transfer_refund",
                      details=True)
    assert follow_up("inform", "两万 前天 浦发", context, search).kind == NOTE_DETAIL
    assert search.asked == []
