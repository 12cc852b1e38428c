"""Faster equivalents of Rasa 3.6 internals that showed up in profiles.

Rasa checks every action server response with ``jsonschema.validate``, which
first validates the (constant) response schema against its meta-schema, on
every call. Profiling `rasa run` under bench/load.py put 40 % of the server's
CPU per turn there (each turn calls the action server once or twice). Here
the schema is checked once and its validator reused; the response is validated
exactly as before (same schema, same best-matching error, same message).

Installed when our NLU components are imported, i.e. by every `rasa run`,
`rasa shell` or `rasa test` of this project.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

import jsonschema
from jsonschema.exceptions import ValidationError, best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _response_validator() -> jsonschema.protocols.Validator:
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result with the schema checked only once."""
    error = best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result


__all__ = ["ValidationError", "install", "validate_action_result"]
