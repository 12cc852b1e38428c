"""SMS codes and passwords are masked in a conversation's events before they are stored.

Staff never need them, so they must not persist anywhere: not in the user's
text, the parse data, entity values or slot values. Phone, ID-card and
bank-card numbers stay (the bot needs them for diagnostics); transcripts, logs
and exports mask those separately. The event being processed keeps the secret
in memory for its turn (the action server warns the customer about it).
"""
from __future__ import annotations

import re
from typing import Any, Dict

from bot.pii import Redactor
from bot.pii.recognizers import PASSWORD, SMS_CODE

NEVER_STORED = frozenset({SMS_CODE, PASSWORD})


# Codes are 4-8 digits, passwords 3+ printable ASCII characters: text without such
# a run holds neither, and skips the (costlier) recognizers.
_MAYBE_SECRET = re.compile(r"[!-~]{3,}")


def mask_secrets(text: Any, redactor: Redactor) -> Any:
    """``text`` with SMS codes and passwords masked; anything not a string unchanged."""
    if not isinstance(text, str) or not _MAYBE_SECRET.search(text):
        return text
    return redactor.redact(text, NEVER_STORED).text


def without_secrets(event: Dict[str, Any], redactor: Redactor) -> Dict[str, Any]:
    """A copy of a serialised Rasa event (``Event.as_dict()``) safe to store."""
    kind = event.get("event")
    if kind == "user":
        masked = dict(event, text=mask_secrets(event.get("text"), redactor))
        parse = event.get("parse_data")
        if isinstance(parse, dict):
            parse = dict(parse, text=mask_secrets(parse.get("text"), redactor))
            if isinstance(parse.get("entities"), list):
                parse["entities"] = [
                    dict(e, value=mask_secrets(e.get("value"), redactor)) if isinstance(e, dict) else e
                    for e in parse["entities"]]
            masked["parse_data"] = parse
        return masked
    if kind == "slot":
        return dict(event, value=mask_secrets(event.get("value"), redactor))
    return event
