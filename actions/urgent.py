"""Theft or a scam told where another question was expected (a form's question, the
wait for a person): the urgent entry of its kind, once per handoff span."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Set

import numpy as np
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.transcript import answered_in_span
from bot.faq.knowledge_base import FaqEntry
from bot.faq.lookup import FaqUnavailable
from bot.handoff.ticket import current_span
from bot.text.simplify import to_simplified
from bot.urgency import FRAUD, THEFT, Signal

# The slot set once the customer says a theft was no theft ("问了 是我老婆买的").
ALARM_CALLED_OFF = "alarm_called_off"


def urgency_signals(text: str, vector: Optional[np.ndarray] = None, words_only: bool = False,
                    strict: bool = False) -> List[Signal]:
    """The theft or scam ``text`` tells, by the lexicon and meaning (``vector``: its
    embedding, when the NLU carried it), by the lexicon alone, or (``strict``) by meaning
    only when it is sure; none when urgency is off."""
    urgency = services.priority_rules().urgency
    if urgency is None:
        return []
    if words_only:
        return urgency.words_only().signals(text)
    return (urgency.strict() if strict else urgency).signals(text, vector)


def told_in_words(texts: Sequence[str]) -> bool:
    """Whether any of ``texts`` tells theft or a scam in the lexicon's words."""
    urgency = services.priority_rules().urgency
    return urgency is not None and urgency.words_only().any_in(texts)


def urgent_entry(text: str, vector: Optional[np.ndarray] = None, words_only: bool = False,
                 strict: bool = False) -> Optional[FaqEntry]:
    """The urgent entry for the theft or scam ``text`` tells; None when it tells none.
    ``words_only``: the lexicon alone (a short follow-up read by meaning has lost the
    story it belongs to)."""
    found = urgency_signals(text, vector, words_only, strict)
    if not found:
        return None
    try:
        kb = services.faq_service().index.kb
    except FaqUnavailable:
        return None
    return kb.by_id.get(kb.settings.emergency.get(found[0].kind, ""))


def urgent_ids() -> Set[str]:
    """The entries that answer theft and scams (data/faq/search.yml ``emergency``); none
    while the knowledge base is unusable (the handoff goes on without it)."""
    try:
        return set(services.faq_service().index.kb.settings.emergency.values())
    except FaqUnavailable:
        return set()


def urgent_entries_answered(tracker: Tracker) -> Set[str]:
    """The theft or scam entries the bot gave since the conversation's previous ticket ended."""
    return answered_in_span(tracker) & urgent_ids()


def urgent_answered(tracker: Tracker) -> bool:
    """The bot gave the theft or scam answer since the conversation's previous ticket ended."""
    return bool(urgent_entries_answered(tracker))


def theft_answered(tracker: Tracker, said: Sequence[Dict[str, Any]] = ()) -> bool:
    """The bot gave the stolen-account answer (not the scam one) since the previous ticket
    ended, or in ``said`` (events of this turn): what to do meanwhile is about the
    account, the phone and the cards."""
    try:
        emergency = services.faq_service().index.kb.settings.emergency
    except FaqUnavailable:
        return False
    answered = answered_in_span(tracker) | {str(e.get("value")) for e in said if e.get("name") == "faq_entry"}
    return emergency.get(THEFT) in answered and emergency.get(FRAUD) not in answered


def scam_signs(text: str) -> List[str]:
    """What to say about the signs of a scam ``text`` tells (search.yml `scam_signs`)."""
    try:
        return services.faq_service().index.kb.settings.scam_signs_in(to_simplified(text or ""))
    except FaqUnavailable:
        return []


def is_scam_entry(entry: FaqEntry) -> bool:
    """``entry`` is the scam answer (not the stolen-account one)."""
    try:
        return entry.id == services.faq_service().index.kb.settings.emergency.get(FRAUD)
    except FaqUnavailable:
        return False


def say_urgent(dispatcher: CollectingDispatcher, tracker: Tracker, entry: FaqEntry) -> List[Dict[str, Any]]:
    """Utter ``entry`` unless this handoff span gave it already, after the signs of a scam
    the latest message tells; the events that record it (the entry given, as
    `answered_in_span` reads them)."""
    if entry.id in answered_in_span(tracker):
        return []
    signs = scam_signs((tracker.latest_message or {}).get("text") or "") if is_scam_entry(entry) else []
    if signs:
        dispatcher.utter_message(text="".join(signs))
    dispatcher.utter_message(text=entry.answer)
    return [SlotSet("faq_entry", entry.id)]


MONEY_GONE = "urged_urgent_meanwhile"  # the reply for money gone: banks and police decide what comes back


def meanwhile_step(text: str, told: Sequence[str] = (), theft: bool = False) -> str:
    """The reply (its name in the replies) for what to do while the person is on the way,
    after theft or a scam, by the step the customer is at: a scam going on now ("我刚刚已经
    开了屏幕共享给他看了"), a forged document as proof ("还发了逮捕令的照片"), a scam
    stopped in time ("填了卡号 验证码没填 余额没少"), a code given away ("刚把验证码念给
    他了"), money not yet paid (nothing in ``text`` or ``told``, the customer's earlier
    messages, says it went: "老板在微信上让我马上转"), or money gone (`MONEY_GONE`).
    ``theft``: the account itself was taken (a stolen phone): freeze it, the SIM and the cards."""
    phrases = services.handoff_phrases()
    if phrases.says_under_way(text):
        return "urged_stop_now"
    if theft:
        return "urged_theft_meanwhile"
    if phrases.shows_fake_proof(text):
        return "urged_fake_proof"
    if phrases.says_nothing_lost(text):
        return "urged_nothing_lost_meanwhile"
    if phrases.tells_money_gone([*told, text]):
        return MONEY_GONE
    return "urged_code_given" if phrases.says_code_given(text) else "urged_before_paying"


def steps_for(text: str, step: str) -> str:
    """What to say for ``step`` (a `meanwhile_step`); the steps about money follow the
    signs of the scam ``text`` tells."""
    about_money = step in ("urged_nothing_lost_meanwhile", "urged_before_paying", MONEY_GONE)
    return ("".join(scam_signs(text)) if about_money else "") + services.replies().render(step)


def meanwhile(text: str, told: Sequence[str] = (), theft: bool = False) -> str:
    """What to say for the step the customer is at (`meanwhile_step`)."""
    return steps_for(text, meanwhile_step(text, told, theft))


def _texts_in_span(tracker: Tracker, event: str) -> List[str]:
    """The texts of ``event`` ("user", "bot") since the conversation's previous ticket ended."""
    return [str(e.get("text") or "") for e in current_span(tracker.applied_events()).events if e.get("event") == event]


def bot_texts(tracker: Tracker) -> List[str]:
    """What the bot said since the conversation's previous ticket ended."""
    return _texts_in_span(tracker, "bot")


def customer_texts(tracker: Tracker) -> List[str]:
    """What the customer told since the conversation's previous ticket ended, the latest
    message included (the ticket's own copy may lag behind)."""
    return _texts_in_span(tracker, "user")
