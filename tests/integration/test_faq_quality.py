"""Quality gate for the FAQ lookup: labelled queries through the trained NLU and the lookup."""
import sys

import pytest

from bot.faq.lookup import FaqService
from bot.text.segment import load_dictionary
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from faq_eval import evaluate, load_queries  # noqa: E402

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
async def scores(agent):
    load_dictionary(ROOT / "data" / "dictionary")
    queries = load_queries(ROOT / "tests" / "faq" / "queries.yml")
    intents = [(await agent.parse_message(text))["intent"]["name"] for text, _ in queries]
    return evaluate(FaqService(ROOT / "data" / "faq"), queries, intents)


def test_enough_labelled_queries(scores):
    assert scores["queries"] >= 150


def test_top1_accuracy(scores):
    assert scores["top1_accuracy"] >= 0.85, scores


# Measured 0.97: the FAQ analyzer now reads traditional characters as simplified
# (as the NLU does) and a misread stop_form still gets looked up, so one or two
# routing changes between trainings no longer cross the gate.
NO_ANSWER_PRECISION_GATE = 0.9


def test_no_answer_precision(scores):
    assert scores["no_answer_precision"] >= NO_ANSWER_PRECISION_GATE, scores
