from datetime import datetime

import pytest

from tests.support.times import at


@pytest.mark.parametrize(
    "priority, created, due",
    [
        pytest.param("P1", at(2026, 11, 21, 2, 0), at(2026, 11, 21, 3, 0), id="p1-saturday-night"),
        pytest.param("P2", at(2026, 11, 23, 10, 0), at(2026, 11, 23, 14, 0), id="p2-monday-morning"),
        pytest.param("P2", at(2026, 11, 23, 16, 0), at(2026, 11, 24, 11, 0), id="p2-spills-to-next-day"),
        pytest.param("P2", at(2026, 11, 21, 10, 0), at(2026, 11, 23, 13, 0), id="p2-weekend"),
        # 2026 National Day: 1-7 October off, back on the 8th (chinese-calendar)
        pytest.param("P2", at(2026, 9, 30, 17, 0), at(2026, 10, 8, 12, 0), id="p2-national-day-holiday"),
        pytest.param("P2", at(2026, 11, 23, 7, 30), at(2026, 11, 23, 13, 0), id="p2-before-opening"),
        pytest.param("P3", at(2026, 11, 23, 10, 0), at(2026, 11, 24, 10, 0), id="p3-next-day-same-time"),
        pytest.param("P3", at(2026, 11, 20, 20, 0), at(2026, 11, 23, 9, 0), id="p3-friday-evening"),
    ],
)
def test_first_response_due(clock, priority, created, due):
    assert clock.due(priority, created) == due


@pytest.mark.parametrize(
    "due, expected",
    [
        (at(2026, 11, 23, 14, 0), "今天 14:00"),
        (at(2026, 11, 24, 11, 0), "明天 11:00"),
        (at(2026, 11, 26, 9, 30), "11月26日 09:30"),
        (datetime(2026, 11, 23, 6, 0), "今天 14:00"),  # naive from SQLite = UTC
    ],
)
def test_describe_due(clock, due, expected):
    assert clock.describe(due, at(2026, 11, 23, 10, 0)) == expected
