"""Warn a customer who sends an SMS code, a password or an ID number (staff never need
them in the chat; they are masked when stored): the full warning the first time, a short
reminder every later time ("那我密码也给你" right after the warning must not pass
silently). A 16-19-digit number is warned about only where the message names it a card
(卡号 6217…): alone it is as often an order number the forms ask for."""
from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from bot.pii.recognizers import BANK_CARD, ID_CARD, PASSWORD, SMS_CODE

SECRET_KINDS = frozenset({SMS_CODE, PASSWORD, ID_CARD})
WARNED_SLOT = "secret_warned"
CARD_WORDS = ("卡号", "银行卡", "储蓄卡", "信用卡", "借记卡", "卡是", "卡:", "卡：", "的卡", "这张卡", "card")


def contains_secret(text: str) -> bool:
    kinds = set(services.redactor().redact(text).kinds)
    named_card = BANK_CARD in kinds and any(word in text.lower() for word in CARD_WORDS)
    return bool(SECRET_KINDS & kinds) or named_card


# 4-8 digits alone; not a service number (10086, 95588, 96110, 400…) the customer called.
_BARE_CODE = re.compile(r"(?<![0-9A-Za-z])(?!10|95|96|400)[0-9]{4,8}(?![0-9A-Za-z])")
SMS_PROBLEM = "sms_code_delay"


def code_sent_bare(tracker: Tracker) -> bool:
    """"收到了 是这个吗 482913 你帮我看看对不对" while the problem in hand is the SMS code:
    a code with no 码 beside it (the recognizers need one), read as a ticket number."""
    text = (tracker.latest_message or {}).get("text") or ""
    return tracker.get_slot("problem") == SMS_PROBLEM and bool(_BARE_CODE.search(text))


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
    if not contains_secret((tracker.latest_message or {}).get("text") or "") and not code_sent_bare(tracker):
        return []
    again = bool(tracker.get_slot(WARNED_SLOT))
    dispatcher.utter_message(text=services.replies().render("secret_warning_again" if again else "secret_warning"))
    return [SlotSet(WARNED_SLOT, True)]
