"""Warn a customer who sends an SMS code, a password or an ID number (staff never need
them in the chat; they are masked when stored): the full warning the first time, a short
reminder every later time ("那我密码也给你" right after the warning must not pass
silently). A 16-19-digit number is warned about only where the message names it a card
(卡号 6217…): alone it is as often an order number the forms ask for."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from bot.pii.code_watch import CODE_PROBLEM, CODE_PROBLEM_SLOT
from bot.pii.recognizers import BANK_CARD, ID_CARD, PASSWORD, SMS_CODE

SECRET_KINDS = frozenset({SMS_CODE, PASSWORD, ID_CARD})
WARNED_SLOT = "secret_warned"
CARD_WORDS = ("卡号", "银行卡", "储蓄卡", "信用卡", "借记卡", "卡是", "卡:", "卡：", "的卡", "这张卡", "card")


def contains_secret(text: str, code_expected: bool = False) -> bool:
    """``code_expected``: the code problem is in hand ("收到了 是这个吗 482913", bot.pii.code_watch)."""
    kinds = set(services.redactor().redact(text, code_expected=code_expected).kinds)
    named_card = BANK_CARD in kinds and any(word in text.lower() for word in CARD_WORDS)
    return bool(SECRET_KINDS & kinds) or named_card


def sends_secret(tracker: Tracker) -> bool:
    """Whether the latest message sends a secret (a code alone while the code problem is
    in hand). Blocking (spaCy)."""
    text = (tracker.latest_message or {}).get("text") or ""
    return contains_secret(text, tracker.get_slot(CODE_PROBLEM_SLOT) == CODE_PROBLEM)


def _warned_this_turn(tracker: Tracker) -> bool:
    """An earlier action of this turn warned about the latest message already (a form
    that ends in a handoff runs two actions that would)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") == WARNED_SLOT:
            return True
    return False


def warn_about_secrets(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    """Say that staff never need codes, passwords or full ID numbers when one is sent
    (shorter after the first time), once per message.

    Blocking (spaCy): async actions run it in a thread."""
    if _warned_this_turn(tracker):
        return []
    if not sends_secret(tracker):
        return []
    again = bool(tracker.get_slot(WARNED_SLOT))
    dispatcher.utter_message(text=services.replies().render("secret_warning_again" if again else "secret_warning"))
    return [SlotSet(WARNED_SLOT, True)]
