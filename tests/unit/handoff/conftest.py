"""The SLA clock on the project's service hours."""
import pytest

from bot.handoff.sla import ServiceHours, SlaClock
from bot.texts import Texts
from tests.support.faq_kb import ROOT


@pytest.fixture(scope="module")
def clock():
    support = ROOT / "data" / "support"
    return SlaClock(ServiceHours.load(support / "service_hours.yml"),
                    Texts.load(support).replies("due_times"))
