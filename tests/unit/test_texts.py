"""The text catalogue: every placeholder of every template is a name code can fill
(a literal brace must be doubled), and every section is there."""
from string import Formatter

import pytest

from bot.texts import Texts
from tests.support.servers import ROOT

TEXTS = Texts.load(ROOT / "data" / "support")
SECTIONS = ("actions", "ticket_statuses", "due_times", "webchat", "wechat")


@pytest.mark.parametrize("section", SECTIONS)
def test_every_placeholder_is_a_name(section):
    raw = TEXTS.raw(section)
    for name, value in raw.items():
        for variant in value if isinstance(value, list) else [value]:
            fields = [field for _, field, _, _ in Formatter().parse(variant) if field is not None]
            assert all(field.isidentifier() for field in fields), (section, name, fields)


def test_the_diagnostic_questions_are_there():
    assert set(TEXTS.raw("diagnostic_questions")) == {"account_form", "transfer_form", "sms_form", "billing_form"}


def test_the_inbox_names_every_source_and_every_refusal_and_fills_only_names():
    from bot.teaching.misread import SOURCES

    inbox = TEXTS.raw("inbox")
    assert set(inbox["sources"]) == set(SOURCES)
    assert set(inbox["refused"]) == {"evaluation", "training", "conflict", "empty", "too_long", "known_question"}
    templates = [*inbox["done"].values(), *inbox["problems"].values(), inbox["preparing"], inbox["preparing_failed"]]
    for template in templates:
        fields = [field for _, field, _, _ in Formatter().parse(template) if field is not None]
        assert all(field.isidentifier() for field in fields), template
