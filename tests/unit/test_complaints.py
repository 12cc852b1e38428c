"""What a complaint is about (bot/complaints.py)."""
import pytest

from bot.complaints import (
    PROBLEM,
    SERVICE,
    UNSPECIFIED,
    URGENT_STORY,
    VENTING,
    VENTING_PROBLEM,
    ComplaintWords,
    read_complaint,
)
from tests.conftest import ROOT

WORDS = ComplaintWords.load(ROOT / "data" / "support" / "handoff.yml")
NO_AREA = [("complain", 0.97), ("greet", 0.02)]


@pytest.mark.parametrize("text, about", [
    ("我要投诉", UNSPECIFIED),
    ("你们领导呢 我要找你们经理", UNSPECIFIED),
    ("什么破软件 垃圾", VENTING),
    ("烦死了 真的无语", VENTING),
    ("客服态度太差了", SERVICE),
    ("我要投诉 转的钱一直没到", PROBLEM),
])
def test_what_a_complaint_asks_for(text, about):
    assert read_complaint(text, NO_AREA, WORDS).about == about


def test_anger_about_money_is_a_problem_even_without_a_complaint_word():
    complaint = read_complaint("垃圾 又扣我钱", NO_AREA, WORDS)
    assert (complaint.about, complaint.area) == (PROBLEM, "transfer_failed")


def test_without_request_words_configured_a_bare_complaint_stays_unspecified():
    words = ComplaintWords(money=WORDS.money, service=WORDS.service)
    assert read_complaint("什么破软件 垃圾", NO_AREA, words).about == UNSPECIFIED


@pytest.mark.parametrize("ranking", [NO_AREA, [("complain", 0.9), ("account_locked", 0.06)]],
                         ids=["alone", "runner-up"])
def test_anger_that_names_a_problem_gets_that_problem(ranking):
    complaint = read_complaint("你们这破app又登不上了", ranking, WORDS, named="account_locked")
    assert (complaint.about, complaint.area) == (VENTING_PROBLEM, "account_locked")


def test_a_complaint_asked_for_goes_to_a_person_whatever_it_names():
    assert read_complaint("我要投诉 又登不上了", NO_AREA, WORDS, named="account_locked").about == UNSPECIFIED


def test_anger_while_giving_up_opens_no_ticket():
    ranking = [("complain", 0.77), ("transfer_failed", 0.05)]
    assert read_complaint("算了 我直接去银行转 你们这个真麻烦", ranking, WORDS).about == VENTING
    assert read_complaint("算了 我要投诉你们", ranking, WORDS).about == PROBLEM
    assert read_complaint("算了 钱都被扣了 垃圾", ranking, WORDS).about == PROBLEM


def test_theft_or_a_scam_told_as_a_complaint_is_an_urgent_story_of_its_area():
    ranking = [("complain", 0.6), ("transfer_failed", 0.2)]
    complaint = read_complaint("群里老师让我加仓 你们还限额 烦死了", ranking, WORDS, urgent=True)
    assert (complaint.about, complaint.area) == (URGENT_STORY, "transfer_failed")
