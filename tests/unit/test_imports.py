"""The action server, the log filter and the pure libraries never load Rasa or TensorFlow."""
import json
import re
import subprocess
import sys

import pytest

from tests.support.servers import ROOT

HEAVY = ("rasa", "tensorflow")
IMPORTS_RASA_EXT = re.compile(r"^\s*(from|import)\s+bot\.rasa_ext\b", re.MULTILINE)


def loaded_after(statement: str):
    code = (f"import sys, json; {statement}; "
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("statement", [
    pytest.param("import actions.forms, actions.handoff, actions.faq, actions.tickets", id="actions"),
    pytest.param("import bot.diagnostics.answers, bot.faq.lookup, bot.storage.tickets, bot.handoff.sla",
                 id="pure-libraries"),
    pytest.param("from bot.pii import redact; redact('验证码 123456')", id="redactor-in-use"),
])
def test_does_not_load_rasa_or_tensorflow(statement):
    assert loaded_after(statement) == []


def test_nothing_below_rasa_ext_imports_it():
    """Arrows point one way: only the Rasa server's own code imports bot.rasa_ext."""
    offenders = [str(path.relative_to(ROOT)) for folder in ("bot", "actions", "rasa_sdk_plugins")
                 for path in (ROOT / folder).rglob("*.py")
                 if "rasa_ext" not in path.parts
                 and IMPORTS_RASA_EXT.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


IMPORTS_HANDOFF = re.compile(r"^\s*(from|import)\s+bot\.handoff\b", re.MULTILINE)


def test_the_diagnostics_never_import_the_handoff():
    """The handoff builds on the diagnostics (a ticket carries their answers): the
    arrow points one way, and what both name lives in bot/diagnostics."""
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "bot" / "diagnostics").rglob("*.py")
                 if IMPORTS_HANDOFF.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
