"""The customer's messages of the problem at hand, read out of a rasa-sdk tracker.

"The problem at hand" is the span a handoff now would open a ticket for
(`bot.handoff.ticket`): what the customer said since the conversation's previous
ticket ended, so details given for an earlier ticket are never offered again
(the diagnostic forms prefill from these, actions/forms.py). Only the tracker's
applied events count: turns undone by a restart or a rewind are not part of the
conversation.
"""
from __future__ import annotations

from typing import Any, List, Mapping, Set

from rasa_sdk import Tracker

from bot.handoff.ticket import current_span


def user_events(tracker: Tracker) -> List[Mapping[str, Any]]:
    """The customer's messages since the conversation's previous ticket ended, oldest first."""
    return current_span(tracker.applied_events()).user_events


def problem_in_hand(tracker: Tracker) -> bool:
    """A problem was raised or an answer given (their slots are set): what follows may
    continue it ("我不想说金额", "你问这个干嘛", "就那个啊")."""
    return bool(tracker.get_slot("problem") or tracker.get_slot("faq_entry"))


def answered_in_span(tracker: Tracker) -> Set[str]:
    """The FAQ entries the bot gave since the conversation's previous ticket ended."""
    return {str(e.get("value")) for e in current_span(tracker.applied_events()).events
            if e.get("event") == "slot" and e.get("name") == "faq_entry" and e.get("value")}
