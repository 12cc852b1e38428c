"""Which customer turns the bot was unsure of, from one conversation's events (pure)."""
import pytest

from bot.teaching.misread import (
    AMBIGUOUS,
    FALLBACK,
    FAQ_NOT_FOUND,
    LOW_CONFIDENCE,
    Thresholds,
    turns_of,
    unsure_reasons,
    unsure_turns,
)
from tests.support.servers import ROOT

LIMITS = Thresholds(threshold=0.3, ambiguity=0.05)


def parse(*ranking, fallback=False):
    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    if fallback:
        ranked.insert(0, {"name": "nlu_fallback", "confidence": 0.3})
    return {"intent": ranked[0] if ranked else {}, "intent_ranking": ranked}


def user(text, parse_data, at=100.0):
    return {"event": "user", "text": text, "timestamp": at, "parse_data": parse_data}


def slot(name, value):
    return {"event": "slot", "name": name, "value": value}


def test_the_limits_are_the_fallback_classifier_s_in_config_yml():
    assert Thresholds.from_config(ROOT / "config.yml") == Thresholds(0.3, 0.05)


@pytest.mark.parametrize("parse_data, reasons, intent", [
    pytest.param(parse(("billing_issue", 0.9), ("inform", 0.05)), (), "billing_issue", id="sure"),
    pytest.param(parse(("billing_issue", 0.22), ("inform", 0.2), fallback=True), (LOW_CONFIDENCE,),
                 "billing_issue", id="fallback-below-threshold"),
    pytest.param(parse(("billing_issue", 0.41), ("transfer_failed", 0.39), fallback=True), (AMBIGUOUS,),
                 "billing_issue", id="fallback-ambiguous"),
    pytest.param(parse(("inform", 0.8), ("greet", 0.1), fallback=True), (FALLBACK,), "inform",
                 id="fallback-unknown-words"),
    pytest.param(parse(("inform", 0.2)), (LOW_CONFIDENCE,), "inform", id="low-without-the-classifier"),
    pytest.param(parse(("inform", 0.5), ("deny", 0.48)), (AMBIGUOUS,), "inform", id="ambiguous-without-it"),
    pytest.param({}, (), None, id="no-reading"),
])
def test_why_a_reading_is_unsure(parse_data, reasons, intent):
    assert unsure_reasons(parse_data, LIMITS) == (reasons, intent)


def test_a_faq_search_without_an_answer_marks_the_turn_before_it():
    events = [user("年费怎么算", parse(("general_question", 0.9))), slot("faq_outcome", "not_found"),
              user("谢谢", parse(("thank", 0.99))), slot("faq_outcome", "answered")]
    [turn] = unsure_turns(list(enumerate(events)), LIMITS)
    assert (turn.event_id, turn.text, turn.sources, turn.intent) == (0, "年费怎么算", (FAQ_NOT_FOUND,),
                                                                     "general_question")


def test_both_reasons_are_kept_in_one_order():
    events = [user("啥", parse(("inform", 0.1), fallback=True)), slot("faq_outcome", "not_found")]
    [turn] = unsure_turns(list(enumerate(events)), LIMITS)
    assert turn.sources == (LOW_CONFIDENCE, FAQ_NOT_FOUND)


def test_buttons_and_turns_while_a_person_owns_the_conversation_are_left_out():
    unsure = parse(("inform", 0.1), fallback=True)
    events = [user("/deny", unsure), {"event": "pause"}, user("客服在吗", unsure), {"event": "resume"},
              user("还是不行", unsure)]
    assert [t.text for t in unsure_turns(list(enumerate(events)), LIMITS)] == ["还是不行"]


def test_turns_by_sender():
    unsure = parse(("inform", 0.1), fallback=True)
    rows = [(1, "a", user("嗯嗯", unsure)), (2, "a", user("好的", parse(("affirm", 0.99)))),
            (3, "b", user("那个东西", unsure))]
    found = turns_of(rows, LIMITS)
    assert {sender: [t.event_id for t in turns] for sender, turns in found.items()} == {"a": [1], "b": [3]}
