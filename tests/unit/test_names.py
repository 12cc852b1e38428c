"""The one catalogue of Chinese names (data/support/names.yml): every code the bot
records has a name staff can read, and no name is itself a code."""
import re

import pytest
import yaml

from bot.diagnostics.spec import DiagnosticsSpec
from bot.names import Names
from bot.storage.models import STATUSES
from bot.storage.ticket_queue import CHANNELS
from tests.support.faq_kb import ROOT

SUPPORT = ROOT / "data" / "support"
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
NAMES = Names.load(SUPPORT)
CODE = re.compile(r"[A-Za-z_]{3,}")  # a name is Chinese (App is the one Latin word allowed)
BUILT_IN = ("action_listen", "action_session_start", "action_restart", "action_default_fallback",
            "action_deactivate_loop", "action_revert_fallback_events", "action_default_ask_affirmation",
            "action_default_ask_rephrase", "action_two_stage_fallback", "action_back", "action_unlikely_intent",
            "action_extract_slots")


def _names(key):
    return [next(iter(item)) if isinstance(item, dict) else str(item) for item in DOMAIN[key]]


@pytest.mark.parametrize("kind, codes", [
    pytest.param("intents", [*_names("intents"), "nlu_fallback"], id="intents"),
    pytest.param("actions", [*_names("actions"), *BUILT_IN], id="actions"),
    pytest.param("forms", list(DOMAIN["forms"]), id="forms"),
    pytest.param("slots", [*DOMAIN["slots"], *DiagnosticsSpec.load(SUPPORT).slots, "problem_summary"], id="slots"),
    pytest.param("reasons", [*yaml.safe_load((SUPPORT / "priorities.yml").read_text(encoding="utf-8"))["reasons"]
                             .values(), "other"], id="reasons"),
    pytest.param("statuses", list(STATUSES), id="statuses"),
    pytest.param("channels", list(CHANNELS), id="channels"),
])
def test_every_code_has_a_chinese_name(kind, codes):
    missing = [code for code in codes if not NAMES.has(kind, code)]
    assert not missing, f"names.yml {kind} lacks {missing}"


def test_no_name_is_a_code():
    for kind in NAMES.sections:
        for code, name in NAMES.section(kind).items():
            assert name and not CODE.search(name.replace("App", "")), (kind, code, name)
    assert all(not CODE.search(word) for word in NAMES.unnamed.values())


@pytest.mark.parametrize("kind, key, shown", [
    pytest.param("intents", "deny", "否定", id="intent"),
    pytest.param("intents", "brand_new_intent", "其他意图", id="unknown-intent-never-shown"),
    pytest.param("diagnostics", "bank_name", "银行", id="old-section-name"),
    pytest.param("audit", "assigned", "分配/接手", id="old-audit-name"),
    pytest.param("reasons", None, "", id="nothing"),
])
def test_label(kind, key, shown):
    assert NAMES.label(kind, key) == shown


@pytest.mark.parametrize("name, shown", [
    pytest.param("transfer_form", "转账问题诊断问答", id="form"),
    pytest.param("action_lookup_faq", "查找常见问题答案", id="action"),
    pytest.param("action_deactivate_loop", "结束问答", id="built-in"),
    pytest.param("action_something_new", "其他步骤", id="unnamed"),
])
def test_step(name, shown):
    assert NAMES.step(name) == shown


@pytest.mark.parametrize("text, shown", [
    pytest.param("/deny", "【否定】", id="intent"),
    pytest.param('/rate{"rating": "4"}', "【评分：4】", id="with-entity"),
    pytest.param("/request_human", "【要求转人工】", id="request-human"),
    pytest.param("/rate{oops}", "【评分】", id="broken-json"),
    pytest.param("/退款", None, id="canned-code-is-no-payload"),
    pytest.param("我要转人工", None, id="words"),
])
def test_payload(text, shown):
    assert NAMES.payload(text) == shown
