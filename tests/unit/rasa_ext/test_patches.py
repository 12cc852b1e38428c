"""The patches of Rasa internals: installed by one explicit call, only on the tested
Rasa version, and each behaving exactly as the Rasa code it replaces."""
import asyncio
from typing import Any, Dict, List, Tuple

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_ext import patches
from bot.rasa_ext.patches import validate_action_result


@pytest.fixture(scope="module", autouse=True)
def installed():
    assert patches.install(), "the installed Rasa is not the version the patches were tested on"

VALID = {"events": [{"event": "slot", "name": "amount", "value": 5000.0, "timestamp": None}],
         "responses": [{"text": "收到"}]}
INVALID = [
    {"events": [{"event": "slot", "value": 1}]},         # a slot event without a name
    {"events": "not a list"},
    {"responses": [["not", "an", "object"]]},
]


def test_installed_on_rasa_remote_action():
    assert RemoteAction._validate_action_result is validate_action_result


def test_refuses_an_untested_rasa_version_with_one_warning(caplog, monkeypatch):
    untouched = object()
    monkeypatch.setattr(RemoteAction, "_validate_action_result", untouched)
    with caplog.at_level("WARNING", logger="bot.rasa_ext.patches"):
        assert patches.install(rasa_version="3.7.0") is False
    assert RemoteAction._validate_action_result is untouched
    assert [r.message for r in caplog.records] == [
        "Rasa 3.7.0: speed-ups not installed (tested with 3.6.21 only)"]


def test_importing_rasa_ext_installs_nothing():
    import subprocess
    import sys

    code = ("import bot.rasa_ext.nlu.tokenizer, bot.rasa_ext.tracker_store, bot.rasa_ext.channels.webchat;"
            "from rasa.core.actions.action import RemoteAction;"
            "print(RemoteAction._validate_action_result.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "rasa.core.actions.action"


def test_a_valid_response_passes():
    action = RemoteAction("action_lookup_faq", None)
    assert action._validate_action_result(VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_responses_fail_like_rasas_own_check(result):
    with pytest.raises(ValidationError):
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_lookup_faq", None)._validate_action_result(result)


def _event_type_names():
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    return sorted({cls.type_name for cls in all_subclasses(Event)})


@pytest.mark.parametrize("type_name", _event_type_names())
def test_event_classes_resolve_as_rasa_resolves_them(type_name):
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type.__wrapped__
    assert Event.resolve_by_type(type_name) is original(type_name)
    assert Event.resolve_by_type(type_name) is original(type_name)  # remembered the same


def test_unknown_event_names_keep_rasas_answers():
    from rasa.shared.core.events import Event, UserUttered

    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", UserUttered) is UserUttered
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")


def test_rule_keys_are_parsed_once_into_rasas_states():
    import json

    from rasa.core.policies.rule_policy import RulePolicy

    key = json.dumps([{"prev_action": {"action_name": "action_listen"},
                       "user": {"intent": "request_human"}}])
    parse = RulePolicy._rule_key_to_state
    hits = parse.cache_info().hits
    assert parse(key) == json.loads(key)
    assert parse(key) is parse(key)
    assert parse.cache_info().hits == hits + 2


@pytest.mark.model
def test_understanding_runs_off_the_event_loop_and_reads_as_rasas_own(agent):
    """The encoder's time is the loop's free time: other customers are served meanwhile."""
    from rasa.core.channels.channel import UserMessage

    texts = ["昨天下午三点给招行转了两千元 一直显示处理中 到底什么时候能到", "5分", "你好", ""]

    async def parse_all(parse) -> Tuple[List[Dict[str, Any]], int]:
        ticks = 0

        async def ticking() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        ticker = asyncio.create_task(ticking())
        await asyncio.sleep(0)
        started = ticks
        parsed = [await parse(agent.processor, UserMessage(text, sender_id="s")) for text in texts]
        ticker.cancel()
        return parsed, ticks - started

    ours, ticks_meanwhile = asyncio.run(parse_all(patches.parse_message))
    theirs, ticks_blocked = asyncio.run(parse_all(patches.rasas_parse_message))
    assert ours == theirs
    assert ticks_blocked <= len(texts) and ticks_meanwhile > 10 * len(texts)
