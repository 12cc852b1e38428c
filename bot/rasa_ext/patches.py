"""Faster equivalents of Rasa 3.6 internals that showed up in profiles.

Rasa checks every action server response with ``jsonschema.validate``, which
first validates the (constant) response schema against its meta-schema, on
every call. Profiling `rasa run` under bench/load.py put 40 % of the server's
CPU per turn there (each turn calls the action server once or twice). Here
the schema is checked once and its validator reused; the response is validated
exactly as before (same schema, same best-matching error, same message).

Rasa also finds an event's class by its name (``Event.resolve_by_type``) by
walking every subclass of ``Event`` and asking `inspect.isabstract` of each,
for every event it reads back: 93 % of rebuilding a 60-event conversation from
the tracker store and of reading the action server's events. Here each name
is looked up that way once and remembered.

RulePolicy parses each rule's JSON key again for every rule, every turn of
history and every prediction (``RulePolicy._rule_key_to_state``); with the
form rules that was most of the policy's time. The parsed states are read, never
changed, so each key is parsed once.

Understanding a message runs the sentence encoder (10-40 ms of C code that
releases the GIL) on the event loop: every other conversation of the server
waited for it. ``parse_message`` here runs the same NLU graph in one NLU thread
(so NLU components never run concurrently with themselves) and awaits it; the
loop meanwhile serves other customers' action calls and tracker writes. Rasa's
debug line with the message's text and entities is left out (it would put what
a customer typed, card numbers included, in a debug log).

Installed by one explicit call, `install()`, made by the project's Rasa entry
point (`python -m bot.rasa_ext.launcher`, used by `make run`, `make shell`, the
tests and the benchmarks). Each patch replaces a method whose behaviour the
tests compare with Rasa's own, on the Rasa version in `TESTED_WITH`; on any
other version nothing is installed and one warning says so (Rasa then runs as
shipped, only slower). A plain `rasa run` works the same, without the speed-ups.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Callable, Dict, Optional, Text, Type

import jsonschema
from jsonschema.exceptions import ValidationError, best_match
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.version import __version__ as RASA_VERSION

logger = logging.getLogger(__name__)

# Rasa versions whose internals the equivalence tests (tests/unit/rasa_ext/test_patches.py) ran on.
TESTED_WITH = frozenset({"3.6.21"})


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


_EVENT_CLASSES: Dict[Text, Type[Event]] = {}


def _remembering(resolve: Callable[..., Optional[Type[Event]]]) -> Callable[..., Optional[Type[Event]]]:
    """Rasa's lookup, remembered per name once it found a class of that name.

    Unknown names (``topic``, defaults, errors) always go through Rasa's lookup,
    so its answers for them stay exactly the same.
    """

    def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
        known = _EVENT_CLASSES.get(type_name)
        if known is not None:
            return known
        found = resolve(type_name, default)
        if found is not None and found is not default and found.type_name == type_name:
            _EVENT_CLASSES[type_name] = found
        return found

    resolve_by_type.__wrapped__ = resolve  # type: ignore[attr-defined]
    return resolve_by_type


rasas_parse_message = MessageProcessor.parse_message  # as shipped (this module is what replaces it)


@lru_cache(maxsize=1)
def _nlu_thread() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")


async def parse_message(self: MessageProcessor, message: UserMessage,
                        tracker: Optional[DialogueStateTracker] = None,
                        only_output_properties: bool = True) -> Dict[Text, Any]:
    """MessageProcessor.parse_message with the NLU graph run off the event loop."""
    if self.http_interpreter:
        parse_data = await self.http_interpreter.parse(message)
    else:
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await asyncio.get_running_loop().run_in_executor(
            _nlu_thread(), self._parse_message_with_graph, message, tracker, only_output_properties)
    self._update_full_retrieval_intent(parse_data)
    self._check_for_unseen_features(parse_data)
    return parse_data


# Rule keys of the loaded models; a model has a few hundred.
_RULE_KEYS_KEPT = 20_000


def install(rasa_version: str = RASA_VERSION) -> bool:
    """Install every patch once; returns whether they are installed.

    Refuses (one warning, nothing changed) on a Rasa version not in `TESTED_WITH`.
    """
    if rasa_version not in TESTED_WITH:
        logger.warning("Rasa %s: speed-ups not installed (tested with %s only)",
                       rasa_version, ", ".join(sorted(TESTED_WITH)))
        return False
    RemoteAction._validate_action_result = validate_action_result
    MessageProcessor.parse_message = parse_message
    if not hasattr(RulePolicy._rule_key_to_state, "cache_info"):
        RulePolicy._rule_key_to_state = staticmethod(
            lru_cache(maxsize=_RULE_KEYS_KEPT)(RulePolicy._rule_key_to_state))
    if not hasattr(Event.resolve_by_type, "__wrapped__"):
        Event.resolve_by_type = staticmethod(_remembering(Event.resolve_by_type))
    return True


__all__ = ["ValidationError", "install", "parse_message", "validate_action_result"]
