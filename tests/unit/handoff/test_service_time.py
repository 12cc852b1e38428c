"""Staffed time between two moments (the queue's 剩余 / 已超时), on 09:00-18:00 working days."""
from datetime import datetime, timedelta

import pytest
from dateutil import tz

from tests.support.times import at


@pytest.mark.parametrize(
    "start, end, hours",
    [
        pytest.param(at(2026, 11, 23, 10, 0), at(2026, 11, 23, 11, 20), 4 / 3, id="within-a-day"),
        pytest.param(at(2026, 11, 23, 17, 0), at(2026, 11, 24, 10, 0), 2, id="across-closing-time"),
        pytest.param(at(2026, 11, 23, 19, 0), at(2026, 11, 23, 23, 0), 0, id="all-evening"),
        pytest.param(at(2026, 11, 23, 7, 0), at(2026, 11, 23, 9, 30), 0.5, id="before-opening"),
        # Friday 20 November 2026 17:00 -> Monday 23 November 10:00: the weekend does not count
        pytest.param(at(2026, 11, 20, 17, 0), at(2026, 11, 23, 10, 0), 2, id="over-a-weekend"),
        pytest.param(at(2026, 11, 21, 10, 0), at(2026, 11, 22, 16, 0), 0, id="inside-a-weekend"),
        # 2026 National Day: 1-7 October off, back on the 8th (chinese-calendar)
        pytest.param(at(2026, 9, 30, 17, 0), at(2026, 10, 8, 10, 0), 2, id="over-national-day"),
        pytest.param(at(2026, 11, 23, 10, 0), at(2026, 11, 25, 10, 0), 18, id="two-whole-days"),
        pytest.param(datetime(2026, 11, 23, 2, 0), at(2026, 11, 23, 11, 0), 1, id="naive-is-utc"),
    ],
)
def test_service_time_between(clock, start, end, hours):
    start = start if start.tzinfo else start.replace(tzinfo=tz.UTC)
    assert clock.service_time_between(start, end) == timedelta(hours=hours)


def test_service_time_is_negative_backwards(clock):
    start, end = at(2026, 11, 23, 17, 0), at(2026, 11, 24, 10, 0)
    assert clock.service_time_between(end, start) == -timedelta(hours=2)


@pytest.mark.parametrize(
    "priority, due, now, left",
    [
        # P2 counts service hours: due Monday 10:00, seen Friday 17:00 -> 2 hours left
        pytest.param("P2", at(2026, 11, 23, 10, 0), at(2026, 11, 20, 17, 0), timedelta(hours=2), id="p2-left"),
        # due Friday 17:25, now Monday 09:10: 35 minutes of Friday + 10 of Monday overdue
        pytest.param("P2", at(2026, 11, 20, 17, 25), at(2026, 11, 23, 9, 10), -timedelta(minutes=45),
                     id="p2-overdue-over-a-weekend"),
        # P1 is staffed around the clock: Saturday night counts
        pytest.param("P1", at(2026, 11, 21, 3, 0), at(2026, 11, 21, 2, 40), timedelta(minutes=20), id="p1-night"),
        pytest.param("P1", at(2026, 11, 21, 3, 0), at(2026, 11, 21, 3, 35), -timedelta(minutes=35),
                     id="p1-overdue"),
    ],
)
def test_time_left(clock, priority, due, now, left):
    assert clock.time_left(priority, due, now) == left
