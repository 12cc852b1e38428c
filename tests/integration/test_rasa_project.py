"""The project as Rasa sees it: data validation, held-out NLU accuracy, test stories,
and the trained model's own tokenizer."""
import json
import subprocess
import sys

import pytest

from bench.real_dev import REAL_DEV
from bench.real_dev import measure as measure_real_dev
from tests.conftest import ROOT, run_rasa

pytestmark = pytest.mark.model

# Minimum intent accuracy per evaluation set, one and a half to two points under
# what the current data measures (session 6, trainings with PYTHONHASHSEED=0),
# so a real regression fails and noise does not.
# held-out: 0.972 (never looked at example by example).
# dev: 0.972, 0.944 before session 6 (written without seeing the training data;
# its errors guided two rounds of new training data, so it is not untouched).
# customers: real-customer style with the company's product and merchant names,
# written apart in session 4 (0.945; 0.934 with the catalogue, 0.871 before).
# fresh: written in session 5 by a helper who saw neither the training data nor
# the other sets, less the examples that equal training ones; never looked at
# example by example, only at its confusion counts (0.910 in session 5, 0.920).
MIN_ACCURACY = {"holdout": 0.95, "dev": 0.95, "customers": 0.925, "fresh": 0.90}


def test_data_validates_without_warnings():
    result = run_rasa("data", "validate", "--fail-on-warnings")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    problems = [line for line in output.splitlines()
                if "UserWarning" in line and "MovedIn20Warning" not in line]
    assert problems == []


@pytest.mark.parametrize("evaluation_set", sorted(MIN_ACCURACY))
def test_intent_accuracy(model_path, tmp_path, evaluation_set):
    result = run_rasa("test", "nlu", "--nlu", f"tests/nlu/{evaluation_set}.yml",
                      "--model", str(model_path), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "intent_report.json").read_text())
    assert report["accuracy"] >= MIN_ACCURACY[evaluation_set], {
        name: scores.get("confused_with")
        for name, scores in report.items()
        if isinstance(scores, dict) and scores.get("confused_with")
    }


# Routed right on the real development set (../shared/nlu/real_dev.tsv: 300 real
# messages of wallet and bank app customers, never trained on), overall and per
# source, a little under what the reproducible training measures (README "NLU").
# Session 8 (sentence encoder): 0.920 overall, ATEC 0.927, BQ 0.913; session 7 (DIET): 0.69.
MIN_REAL_DEV = {"all": 0.90, "source atec": 0.905, "source bq": 0.89}


@pytest.fixture(scope="module")
def real_dev_scores(model_path):
    if not REAL_DEV.is_file():
        pytest.fail(f"{REAL_DEV} is missing: the real-customer yardstick is part of every run")
    return measure_real_dev(model_path)["scores"]


@pytest.mark.parametrize("group", sorted(MIN_REAL_DEV))
def test_real_customers_are_routed_right(real_dev_scores, group):
    found = real_dev_scores[group]["routed_right"]
    assert found >= MIN_REAL_DEV[group], {k: v for k, v in real_dev_scores.items() if k.startswith("label")}


def test_stories_predict_every_action(model_path, tmp_path):
    result = run_rasa("test", "core", "--stories", "tests/test_stories.yml",
                      "--model", str(model_path), "--out", str(tmp_path),
                      "--fail-on-prediction-errors")
    assert result.returncode == 0, (tmp_path / "failed_test_stories.yml").read_text() \
        if (tmp_path / "failed_test_stories.yml").exists() else result.stderr[-3000:]


def test_trained_model_segments_with_the_product_dictionary(model_path):
    """A fresh process knows only jieba's default dictionary until the model loads ours."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "model_tokens.py"), str(model_path),
         "自动续费", "人工客服", "收不到动态码", "138 1234 5678"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    tokens = json.loads(result.stdout.strip().splitlines()[-1])
    assert tokens["自动续费"] == ["自动续费"]
    assert tokens["人工客服"] == ["人工客服"]
    assert "动态码" in tokens["收不到动态码"]
    assert tokens["138 1234 5678"] == ["138", "1234", "5678"]  # no blank tokens
