"""Every secret is masked in a conversation's events before they are stored.

Phone, ID-card and bank-card numbers (whatever their checksum), SMS codes and
passwords: in the customer's text and metadata, the parse data's text, every
field of its entities (a normalised value too), slot values and the bot's own
text, by the redactor the transcripts use. What the dialogue still needs
survives masking: a phone keeps its last four digits (tickets are searched by
them), a card its first and last four. The turn that received a secret keeps
it in memory for that turn only (a form validates the phone, the action
server warns the customer who typed a code).

A secret recognised by its context (what follows 密码) is no longer
recognisable on its own once it is an entity's or a slot's value, so every
value found in the batch's customer texts is also replaced wherever it appears
in the batch. The sentence embedding the NLU carries to the action server
(bot.semantics.carried) is dropped.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Sequence

from bot.pii import Redactor
from bot.pii.code_watch import code_expectations
from bot.pii.masks import MASKS
from bot.semantics.carried import EMBEDDING_KEY

# Every secret has three or more printable ASCII characters in a row (digits
# included): text without such a run holds none and skips the recognizers.
_MAYBE_SECRET = re.compile(r"[!-~]{3,}")


def masked_text(text: Any, redactor: Redactor, code_expected: bool = False) -> Any:
    """``text`` with every secret masked; anything not a string unchanged.
    ``code_expected``: a customer's message while the code problem is in hand."""
    if not isinstance(text, str) or not _MAYBE_SECRET.search(text):
        return text
    return redactor.redact(text, code_expected=code_expected).text


class _BatchMasker:
    def __init__(self, redactor: Redactor, found: Dict[str, str]) -> None:
        self._redactor = redactor
        self._found = sorted(found.items(), key=lambda item: -len(item[0]))  # longest first

    def value(self, value: Any, code_expected: bool = False) -> Any:
        if isinstance(value, str):
            masked = masked_text(value, self._redactor, code_expected)
            for raw, mask in self._found:
                masked = masked.replace(raw, mask)
            return masked
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def _fields(self, data: Dict[str, Any], names: Sequence[str]) -> Dict[str, Any]:
        return {**data, **{name: self.value(data[name]) for name in names if name in data}}

    def event(self, event: Dict[str, Any], code_expected: bool = False) -> Dict[str, Any]:
        kind = event.get("event")
        if kind == "user":
            # every field of an entity: its value, and what an extractor normalised it to
            masked = {**self._fields(event, ("metadata",)), "text": self.value(event.get("text"), code_expected)}
            if isinstance(event.get("parse_data"), dict):
                parse = {k: v for k, v in event["parse_data"].items() if k != EMBEDDING_KEY}
                masked["parse_data"] = {**self._fields(parse, ("entities",)),
                                        "text": self.value(parse.get("text"), code_expected)}
            return masked
        if kind == "slot":
            return self._fields(event, ("value",))
        if kind == "bot":
            return self._fields(event, ("text",))
        return event


def secrets_in(events: Sequence[Dict[str, Any]], redactor: Redactor, code_expected: bool = False) -> Dict[str, str]:
    """Each secret the customer typed in ``events`` (serialised Rasa events), with its
    mask. ``code_expected``: the code problem was in hand before the first event
    (bot.pii.code_watch)."""
    found: Dict[str, str] = {}
    texts = [event.get("text") for event in events if event.get("event") == "user"]
    for text, expected in zip(texts, code_expectations(events, code_expected)):
        if isinstance(text, str) and _MAYBE_SECRET.search(text):
            for span in redactor.find(text, expected):
                raw = text[span.start:span.end]
                found[raw] = MASKS[span.kind](raw)
    return found


def masked_value(value: Any, redactor: Redactor) -> Any:
    """``value`` (a string, or lists and dicts of them) with every secret masked."""
    return _BatchMasker(redactor, {}).value(value)


def masked_events(events: Sequence[Dict[str, Any]], redactor: Redactor,
                  code_expected: bool = False) -> List[Dict[str, Any]]:
    """Copies of serialised Rasa events (``Event.as_dict()``) safe to store.
    ``code_expected``: the code problem was in hand before the first event (a code sent
    back alone, "482913", is masked too)."""
    masker = _BatchMasker(redactor, secrets_in(events, redactor, code_expected))
    expected = iter(code_expectations(events, code_expected))
    return [masker.event(event, next(expected) if event.get("event") == "user" else False) for event in events]
