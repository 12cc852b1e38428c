"""The four problem areas are declared once (data/support/diagnostics.yml `forms`);
the places Rasa or the FAQ search need them spelled out must agree with it."""

import yaml

from bot.diagnostics.spec import DiagnosticsSpec
from tests.support.servers import ROOT

PROBLEMS = set(DiagnosticsSpec.load(ROOT / "data" / "support").forms.values())


def test_four_problem_areas():
    assert PROBLEMS == {"account_locked", "transfer_failed", "sms_code_delay", "billing_issue"}


def test_the_problem_slot_knows_exactly_the_problem_intents():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    slot = domain["slots"]["problem"]
    assert set(slot["values"]) == PROBLEMS
    assert {m["intent"] for m in slot["mappings"]} == PROBLEMS


def test_the_faq_search_routes_every_problem_intent_to_an_area():
    search = yaml.safe_load((ROOT / "data" / "faq" / "search.yml").read_text(encoding="utf-8"))
    routed = {intent for intent, route in search["intents"].items() if route.get("area") not in (None, "general")}
    assert routed == PROBLEMS
