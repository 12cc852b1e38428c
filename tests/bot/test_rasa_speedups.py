"""The cached action-response validation accepts and rejects what Rasa's does."""
import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import bot.nlu  # noqa: F401  (installs the speed-up, as loading the model does)
from bot.rasa_speedups import validate_action_result

VALID = {"events": [{"event": "slot", "name": "amount", "value": 5000.0, "timestamp": None}],
         "responses": [{"text": "收到"}]}
INVALID = [
    {"events": [{"event": "slot", "value": 1}]},         # a slot event without a name
    {"events": "not a list"},
    {"responses": [["not", "an", "object"]]},
]


def test_installed_on_rasa_remote_action():
    assert RemoteAction._validate_action_result is validate_action_result


def test_a_valid_response_passes():
    action = RemoteAction("action_lookup_faq", None)
    assert action._validate_action_result(VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_responses_fail_like_rasas_own_check(result):
    with pytest.raises(ValidationError):
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_lookup_faq", None)._validate_action_result(result)
