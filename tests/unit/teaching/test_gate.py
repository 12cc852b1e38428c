"""The activation gate: per set and per intent, within the tolerances, and the confusions that changed."""
import pytest

from bot.teaching.gate import gate, report_of


def figures(right, n, per_intent=None, confusions=None):
    return {"n": n, "right": right, "per_intent": per_intent or {}, "confusions": confusions or {}}


ACTIVE = {"holdout": figures(90, 100, {"billing_issue": [18, 20], "inform": [10, 10]},
                             {"billing_issue>inform": 2}),
          "approved": figures(0, 3, {"billing_issue": [0, 3]}, {"billing_issue>inform": 3})}


def test_a_candidate_that_learnt_its_examples_and_lost_nothing_passes():
    candidate = {"holdout": figures(90, 100, {"billing_issue": [19, 20], "inform": [9, 10]},
                                    {"billing_issue>inform": 1, "inform>billing_issue": 1}),
                 "approved": figures(3, 3, {"billing_issue": [3, 3]})}
    report = gate(ACTIVE, candidate, tolerance=0.01, intent_tolerance=0.1)
    assert report.passed
    assert report.missing == ("real_dev",)
    holdout, approved = report.sets
    assert [(d.intent, round(d.delta, 2)) for d in holdout.intents] == [("inform", -0.1), ("billing_issue", 0.05)]
    assert [(c.wanted, c.given, c.before, c.after) for c in holdout.confusions] == [
        ("inform", "billing_issue", 0, 1), ("billing_issue", "inform", 2, 1)]
    assert approved.before == 0.0 and approved.after == 1.0


@pytest.mark.parametrize("candidate, why", [
    pytest.param({"holdout": figures(88, 100, {"billing_issue": [18, 20], "inform": [10, 10]})}, "set",
                 id="overall-drop-beyond-tolerance"),
    pytest.param({"holdout": figures(90, 100, {"billing_issue": [16, 20], "inform": [10, 10]})}, "intent",
                 id="one-intent-drops-beyond-its-tolerance"),
])
def test_a_drop_beyond_the_tolerance_fails(candidate, why):
    report = gate({"holdout": ACTIVE["holdout"]}, candidate, tolerance=0.01, intent_tolerance=0.05)
    assert not report.passed
    (holdout,) = report.sets
    assert holdout.dropped == (why == "set")
    assert any(d.dropped for d in holdout.intents) == (why == "intent")


def test_a_drop_within_the_tolerance_passes():
    candidate = {"holdout": figures(89, 100, {"billing_issue": [17, 20], "inform": [10, 10]})}
    assert gate({"holdout": ACTIVE["holdout"]}, candidate, tolerance=0.01, intent_tolerance=0.05).passed


def test_nothing_measured_does_not_pass():
    assert not gate({}, {}, 0.01, 0.05).passed


def test_the_report_of_stored_figures_uses_their_tolerances():
    stored = {"candidate": {"holdout": figures(89, 100)}, "active": {"holdout": figures(90, 100)},
              "tolerance": {"overall": 0.0, "intent": 0.0}}
    report = report_of(stored)
    assert report is not None and not report.passed
    assert report_of({}) is None
