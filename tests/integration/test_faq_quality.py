"""Quality gates for the FAQ lookup: labelled queries through the trained NLU and the lookup.

queries.yml: questions as customers ask them (the tuning set of search.yml).
stories.yml: what happened to the customer, told as a story, written by someone who
never saw the knowledge base (session 4) and labelled by another."""
import sys

import pytest

from bot.faq.lookup import FaqService
from bot.settings import Settings
from bot.text.catalogue import Catalogue
from bot.text.segment import load_dictionary
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from faq_eval import evaluate, load_queries  # noqa: E402

pytestmark = pytest.mark.model


async def scores_of(agent, name):
    settings = Settings.from_env()
    load_dictionary(settings.dictionary_dir)
    queries = load_queries(ROOT / "tests" / "faq" / name)
    intents = [(await agent.parse_message(query[0]))["intent"]["name"] for query in queries]
    service = FaqService(ROOT / "data" / "faq", Catalogue.load(settings.catalogue_file).fill)
    return evaluate(service, queries, intents)


@pytest.fixture(scope="module")
async def scores(agent):
    return await scores_of(agent, "queries.yml")


@pytest.fixture(scope="module")
async def stories(agent):
    return await scores_of(agent, "stories.yml")


def test_enough_labelled_queries(scores, stories):
    assert scores["queries"] >= 150 and stories["queries"] >= 140


def test_top1_accuracy(scores):
    assert scores["top1_accuracy"] >= 0.85, scores


# Measured 0.97 in session 3, 0.88 since the NLU learned real customers' wording
# (session 4): questions about other companies' accounts and memberships (抖音账号
# 注销, 美团会员怎么退) now reach the FAQ, and a few answerable ones are misrouted.
NO_ANSWER_PRECISION_GATE = 0.85


def test_no_answer_precision(scores):
    assert scores["no_answer_precision"] >= NO_ANSWER_PRECISION_GATE, scores


def test_story_like_messages_get_the_right_entry(stories):
    assert stories["top1_accuracy"] >= 0.85, stories  # measured 0.91 (0.80 before the story paraphrases)


def test_most_theft_and_fraud_stories_reach_an_urgent_answer(stories):
    assert stories["urgent_reached"] >= 0.75, stories  # measured 0.83; the target is all of them
