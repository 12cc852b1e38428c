"""The diagnostics data file agrees with the domain and the generated rules."""
from pathlib import Path

import yaml

from bot.diagnostics.form_rules import diagnostic_forms, handled_interruptions, render
from bot.diagnostics.spec import DiagnosticsSpec

SPEC = DiagnosticsSpec.load(Path("data/support"))
DOMAIN = yaml.safe_load(Path("domain.yml").read_text(encoding="utf-8"))


def test_every_form_slot_has_a_question_and_a_kind():
    forms = {name: form["required_slots"] for name, form in diagnostic_forms(DOMAIN).items()}
    assert SPEC.missing_questions(forms) == []


def test_every_form_belongs_to_a_problem_intent():
    assert set(SPEC.forms) == set(diagnostic_forms(DOMAIN))
    assert set(SPEC.forms.values()) <= set(DOMAIN["intents"])


def test_every_interruption_has_a_rule():
    assert set(SPEC.interruptions) | set(SPEC.stop_intents) <= handled_interruptions(SPEC)


def test_generated_rules_are_up_to_date():
    written = Path("data/rules/diagnostics.yml").read_text(encoding="utf-8")
    assert written == render(Path("domain.yml"), SPEC), "run `python -m bot form-rules`"


def test_question_buttons_have_titles_and_payloads():
    for asked in SPEC.questions.values():
        for question in asked.values():
            assert all(set(b) == {"title", "payload"} for b in question.buttons)
