"""The report of the hand-built history (tests/support/report_history.py)."""
import pytest

from bot.handoff.sla import ServiceHours, SlaClock
from bot.reports.figures import build_report
from bot.texts import Texts
from tests.support.report_history import AREAS, CONVERSATIONS, CORRECTIONS, NOW, PERIOD, TICKETS
from tests.support.servers import ROOT


@pytest.fixture(scope="module")
def report():
    support = ROOT / "data" / "support"
    clock = SlaClock(ServiceHours.load(support / "service_hours.yml"), Texts.load(support).replies("due_times"))
    return build_report(PERIOD, CONVERSATIONS, TICKETS, CORRECTIONS, clock.service_time_between, NOW, AREAS)
