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


# -- the staff console's own words (texts.yml ``console``, bot/console/wording.py) -----

CONSOLE = ROOT / "bot" / "console"
# Field names and acronyms staff see as they are (the API's fields, SLA, the date format).
ASCII_WORDS = {"text", "note", "agent", "assignee", "none", "after", "since", "typing", "read", "JSON", "SLA",
               "YYYY", "MM", "DD"}


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    else:
        yield path, value


def _syntax(name):
    import ast

    return ast.parse((CONSOLE / name).read_text(encoding="utf-8"))


def _keys_read(attribute):
    """Constant keys the console's code reads as ``<something>.<attribute>[key]`` (or
    ``<attribute>[key]``, the section held in a local name)."""
    import ast

    found = set()
    for path in CONSOLE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Subscript) or not isinstance(node.slice, ast.Constant):
                continue
            if getattr(node.value, "attr", None) == attribute or getattr(node.value, "id", None) == attribute:
                found.add(node.slice.value)
    return found


def _notice_codes():
    """The notice codes the ticket forms send back: returned by their work, or passed to
    the redirect back; a reply's outcome is ``reply_<delivery status>``."""
    import ast

    from bot.console.delivery import FAILED, KEPT
    from bot.console.errors import FORM_NOTICES

    codes = set(FORM_NOTICES.values()) | {f"reply_{status}" for status in (KEPT, FAILED)}
    for name in ("tickets.py", "corrections.py"):
        for node in ast.walk(_syntax(name)):
            values = []
            named_code = isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "code"
            if (isinstance(node, ast.Return) and node.value is not None) or named_code:
                values = [node.value]
                while isinstance(values[-1], ast.IfExp):  # a if ... else b
                    values[-1:] = [values[-1].body, values[-1].orelse]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_back", "_done", "back_to_ticket"):
                values = list(node.args)
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.isidentifier():
                    codes.add(value.value)
    return codes


def _api_codes():
    import ast
    import re

    from bot.console.errors import API_ERRORS

    codes = {code for _, code in API_ERRORS.values()}
    for node in ast.walk(_syntax("api.py")):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "BadRequest":
            argument = node.args[0]
            if isinstance(argument, ast.Constant):
                codes.add(argument.value)
            else:  # f"bad_{name}" for the text fields the API reads
                fields = re.findall(r'text_field\(body, "(\w+)"', (CONSOLE / "api.py").read_text(encoding="utf-8"))
                codes.update(f"bad_{field}" for field in fields)
    return codes


def test_the_console_section_loads_into_its_typed_accessor():
    from bot.console.wording import ConsoleTexts

    wording = ConsoleTexts.of(TEXTS)
    assert wording.notice("replied")[0] == "ok" and wording.notice("closed")[0] == "error"
    assert wording.notice("<script>") == (None, None)
    assert "2000" in wording.notice("too_long")[1]
    assert "40003" in wording.delivery.failed(40003)


def test_every_console_key_the_code_uses_is_there_and_every_key_is_used():
    from bot.console.reports import HEADLINE
    from bot.console.wording import ConsoleTexts

    wording = ConsoleTexts.of(TEXTS)
    raw = TEXTS.raw("console")
    notices = set(raw["notices"]["ok"]) | set(raw["notices"]["error"])
    used_notices = _notice_codes()
    assert used_notices <= notices, used_notices - notices
    assert notices <= used_notices, notices - used_notices
    used_api = _api_codes()
    assert used_api <= set(wording.api), used_api - set(wording.api)
    assert set(raw["api"]) <= used_api, set(raw["api"]) - used_api
    for section in ("errors", "auth", "queue", "exports"):
        assert _keys_read(section) == set(raw[section]), section
    from bot.console.suggestion_ranking import CANNED, FAQ

    assert _keys_read("suggestions") | {FAQ, CANNED} == set(raw["suggestions"])  # a kind's label by its code
    assert {name for _, name in HEADLINE} == set(raw["dashboard"]["headline"])


def test_the_console_speaks_chinese():
    import re

    for path, value in _leaves(TEXTS.raw("console")):
        assert isinstance(value, str) and re.search(r"[\u4e00-\u9fff]", value), path
        words = set(re.findall(r"[A-Za-z]+", re.sub(r"\{\w+\}", "", value)))
        assert words <= ASCII_WORDS, (path, words - ASCII_WORDS)
