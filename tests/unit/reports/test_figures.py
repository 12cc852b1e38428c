"""Every figure of the report on the hand-built history of tests/support/report_history.py
(its docstring has the table), against a hand count."""
from datetime import datetime

import pytest
from dateutil import tz

from bot.reports.figures import Csat, Durations, SlaCompliance, build_report, median, p90
from bot.reports.period import BadPeriod, Period
from bot.storage.models import NEW_FAQ_QUESTION
from tests.support.report_history import AREAS, CONVERSATIONS, CORRECTIONS, NOW, SH, TICKETS


def test_conversations_and_containment(report):
    assert (report.conversations, report.contained, report.containment) == (6, 2, 0.3333)
    assert [(d.day.day, d.conversations, d.contained) for d in report.days] == [(30, 2, 1), (1, 2, 0), (2, 2, 1)]


def test_fallback_rate(report):
    assert (report.answered_turns, report.rephrase_turns, report.fallback_rate) == (13, 3, 0.2308)


def test_handoffs_by_reason_and_area_and_cancelled(report):
    assert (report.handoffs, report.cancelled, report.no_first_response) == (4, 1, 2)
    assert report.by_reason == {"not_solved": 1, "low_confidence": 1, "complaint": 1, "customer_request": 1}
    assert report.by_area == {"transfer_failed": 1, "other": 1, "billing_issue": 1, "account_locked": 1}


def test_first_response_and_resolution_times(report):
    # T1 opened 20:05, answered 09:30 next morning: 13 h 25 min on the clock, 30 min of service hours
    # T3 opened 09:01, answered 10:31: 1.5 h both ways
    assert report.first_response_clock == Durations(2, 7.4583, 13.4167)
    assert report.first_response_service == Durations(2, 1.0, 1.5)
    # T1 resolved 10:00 (13 h 55 min; 1 service hour), T3 11:01 (2 h)
    assert report.resolution_clock == Durations(2, 7.9583, 13.9167)
    assert report.resolution_service == Durations(2, 1.5, 2.0)


def test_sla_compliance_per_priority(report):
    assert report.sla == {"P1": SlaCompliance(0, 1, 0),   # T3 answered 30 min late
                          "P2": SlaCompliance(1, 1, 0),   # T1 in time; T4 still waiting past its due time
                          "P3": SlaCompliance(0, 0, 1)}   # T2 cancelled before it was due
    assert (report.sla["P2"].rate, report.sla["P3"].rate) == (0.5, None)


def test_csat_per_channel_and_per_agent(report):
    assert report.csat_by_channel == {
        "all": Csat(5, 3.6, {1: 1, 2: 0, 3: 1, 4: 1, 5: 2}),
        "webchat": Csat(3, 4.67, {1: 0, 2: 0, 3: 0, 4: 1, 5: 2}),
        "rest": Csat(2, 2.0, {1: 1, 2: 0, 3: 1, 4: 0, 5: 0})}
    assert report.csat_by_agent == {"li": Csat(1, 1.0, {1: 1, 2: 0, 3: 0, 4: 0, 5: 0}),
                                    "wang": Csat(1, 4.0, {1: 0, 2: 0, 3: 0, 4: 1, 5: 0})}


def test_the_intents_staff_corrected_most(report):
    assert report.corrected_intents == (("billing_issue", "transfer_failed", 2),
                                        ("general_question", NEW_FAQ_QUESTION, 1))
    assert report.answers_marked_wrong == {"general_question": 1} and report.intent_corrections == 3


def test_an_empty_period_has_no_numbers_to_divide_by():
    empty = build_report(Period.of("2026-10-01", "2026-10-02", SH, NOW), CONVERSATIONS, TICKETS, CORRECTIONS,
                         lambda a, b: b - a, NOW, AREAS)
    assert (empty.conversations, empty.containment, empty.fallback_rate, empty.handoffs) == (0, None, None, 0)
    assert empty.first_response_clock == Durations(0, None, None) and empty.sla == {}
    assert empty.csat_by_channel == {"all": Csat(0, None, {1: 0, 2: 0, 3: 0, 4: 0, 5: 0})}


@pytest.mark.parametrize("values, middle, ninetieth", [
    pytest.param([3.0], 3.0, 3.0, id="one"),
    pytest.param([4.0, 1.0], 2.5, 4.0, id="two"),
    pytest.param([float(v) for v in range(1, 11)], 5.5, 9.0, id="ten"),
    pytest.param([float(v) for v in range(1, 12)], 6.0, 10.0, id="eleven"),
])
def test_median_and_nearest_rank_90th_percentile(values, middle, ninetieth):
    assert (median(values), p90(values)) == (middle, ninetieth)


def test_the_default_period_is_the_last_7_days_in_beijing_time():
    late = datetime(2026, 12, 2, 17, 0, tzinfo=tz.UTC)  # already 12-03 01:00 in Beijing
    period = Period.of(None, None, SH, late)
    assert (period.first.isoformat(), period.last.isoformat()) == ("2026-11-27", "2026-12-03")
    assert period.start == datetime(2026, 11, 27, tzinfo=SH) and period.end == datetime(2026, 12, 4, tzinfo=SH)


@pytest.mark.parametrize("first, last", [("2026-12-02", "2026-12-01"), ("yesterday", None),
                                         ("2025-01-01", "2026-12-01")])
def test_periods_that_cannot_be(first, last):
    with pytest.raises(BadPeriod):
        Period.of(first, last, SH, NOW)
