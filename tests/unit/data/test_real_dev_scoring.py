"""Our real-dev scoring (bench/real_dev.py) agrees with the reference scorer beside the set."""
import importlib.util
import itertools

import pytest

from bench.real_dev import REAL_DEV, load_rows, routed_right, score

INTENTS = ["account_locked", "transfer_failed", "sms_code_delay", "billing_issue", "request_human",
           "out_of_scope", "general_question", "nlu_fallback", "inform", "greet"]

pytestmark = pytest.mark.skipif(not REAL_DEV.is_file(), reason="../shared/nlu/real_dev.tsv is not here")


@pytest.fixture(scope="module")
def reference():
    spec = importlib.util.spec_from_file_location("reference_score", REAL_DEV.with_name("score.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_routed_right_agrees_with_the_reference_on_every_row_and_answer(reference):
    rows = load_rows()
    assert len(rows) == 300
    disagreements = [(r.text, got) for r, got in itertools.product(rows, INTENTS)
                     if routed_right(r.intent, got, r.text) != reference.routed_right(r.intent, got, r.text)]
    assert disagreements == []


def test_scores_group_overall_per_source_and_per_label():
    rows = load_rows()
    perfect = score(rows, [r.intent for r in rows])
    assert perfect["all"] == {"routed_right": 1.0, "plain": 1.0, "n": 300}
    assert perfect["source atec"]["n"] == perfect["source bq"]["n"] == 150
    fallback_everywhere = score(rows, ["nlu_fallback"] * len(rows))
    assert fallback_everywhere["label out_of_scope"]["routed_right"] == 1.0
    assert fallback_everywhere["label account_locked"]["routed_right"] == 0.0
