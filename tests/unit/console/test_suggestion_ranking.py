"""The suggestions panel's ranking (pure): FAQ answers and canned replies, three at most."""
import math

import pytest

from bot.console.suggestion_ranking import (
    CANNED,
    FAQ,
    LIMIT,
    MIN_SCORE,
    Suggestion,
    meaning_probabilities,
    rank_suggestions,
)


def faq(key, score, text=None):
    return Suggestion(FAQ, key, f"问题 {key}", text if text is not None else f"答案 {key}", score)


def canned(key, score, text=None):
    return Suggestion(CANNED, f"/{key}", f"标题 {key}", text if text is not None else f"回复 {key}", score)


def keys(suggestions):
    return [s.key for s in suggestions]


@pytest.mark.parametrize("faq_list, canned_list, expected", [
    pytest.param([faq("a", 0.9), faq("b", 0.05)], [canned("x", 0.6), canned("y", 0.3)], ["a", "/x", "/y"],
                 id="both-kinds-by-score"),
    pytest.param([faq("a", 0.4), faq("b", 0.3), faq("c", 0.2), faq("d", 0.15)], [], ["a", "b", "c"],
                 id="three-at-most"),
    pytest.param([faq("a", 0.05)], [canned("x", 0.09)], [], id="guesses-below-the-floor-left-out"),
    pytest.param([faq("a", MIN_SCORE)], [], ["a"], id="the-floor-itself-is-shown"),
    pytest.param([faq("a", 0.5)], [canned("x", 0.5)], ["a", "/x"], id="tie-faq-first"),
    pytest.param([faq("a", 0.4, "同一段话")], [canned("x", 0.7, " 同一段话\n")], ["/x"],
                 id="same-text-once-the-better"),
    pytest.param([faq("a", 0.8, "  ")], [canned("x", 0.2)], ["/x"], id="blank-text-left-out"),
    pytest.param([], [], [], id="nothing"),
])
def test_rank_suggestions(faq_list, canned_list, expected):
    assert keys(rank_suggestions(faq_list, canned_list)) == expected


def test_the_best_come_first_whatever_list_they_are_in():
    ranked = rank_suggestions([faq("a", 0.2), faq("b", 0.7)], [canned("x", 0.5), canned("y", 0.95)])
    assert keys(ranked) == ["/y", "b", "/x"]
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    assert LIMIT == 3


def test_limit_and_floor_can_be_given():
    ranked = rank_suggestions([faq("a", 0.9), faq("b", 0.02)], [canned("x", 0.5)], limit=5, min_score=0.01)
    assert keys(ranked) == ["a", "/x", "b"]


def test_meaning_probabilities_sum_to_one_and_keep_the_order():
    probabilities = meaning_probabilities([0.92, 0.90, 0.87])
    assert math.isclose(sum(probabilities), 1.0)
    assert probabilities == sorted(probabilities, reverse=True)
    # e5's temperature: 0.02 of cosine similarity is a factor e^2 between two replies
    assert math.isclose(probabilities[0] / probabilities[1], math.exp(2), rel_tol=1e-6)


@pytest.mark.parametrize("similarities, best", [
    pytest.param([0.84, 0.84, 0.84, 0.84], 0.25, id="alike-spread-evenly"),
    pytest.param([0.95, 0.80], 1 / (1 + math.exp(-15)), id="far-apart-nearly-certain"),
    pytest.param([0.5], 1.0, id="one-candidate"),
])
def test_meaning_probabilities_cases(similarities, best):
    assert math.isclose(max(meaning_probabilities(similarities)), best, rel_tol=1e-6)


def test_meaning_probabilities_of_nothing_is_nothing():
    assert meaning_probabilities([]) == []
