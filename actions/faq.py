"""action_lookup_faq: answer the customer's question from the FAQ knowledge base."""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.secrets import warn_about_secrets
from bot.faq.knowledge_base import FaqEntry
from bot.faq.lookup import URGENT, FaqUnavailable
from bot.semantics.carried import carried_vector
from bot.semantics.encoder import DIMENSION

logger = logging.getLogger(__name__)

ANSWERED = "answered"
URGENT_ANSWER = "urgent"  # theft or fraud told: the urgent entry, then a person offered at once
NOT_FOUND = "not_found"


def choice_payload(entry: FaqEntry) -> str:
    """Button payload that asks for one entry by id, bypassing NLU."""
    return "/general_question" + json.dumps({"faq_id": entry.id}, ensure_ascii=False)


def answer_from_faq(dispatcher: CollectingDispatcher, tracker: Tracker) -> Tuple[str, Optional[str]]:
    """Utter the best entry for the latest message, if any; return the outcome and its id.

    Blocking (may refit the index after an edit): run in a worker thread. With
    no usable knowledge base the answer is "not found", and the rules offer a person;
    after the urgent answer to theft or fraud they offer one at once."""
    service = services.faq_service()
    try:
        chosen_id = next(tracker.get_latest_entity_values("faq_id"), None)
        chosen = service.entry(chosen_id) if chosen_id else None
        if chosen is not None:
            dispatcher.utter_message(text=chosen.answer)
            return ANSWERED, chosen.id
        message = tracker.latest_message or {}
        result = service.lookup(message.get("text") or "",
                                tracker.get_intent_of_latest_message(skip_fallback_intent=False),
                                carried_vector(message, DIMENSION))
        see_also = service.index.kb.settings.see_also_text
    except FaqUnavailable as error:
        logger.error("FAQ lookup skipped: %s", error)
        return NOT_FOUND, None
    if result.answer is None:
        return NOT_FOUND, None
    dispatcher.utter_message(text=result.answer.answer)
    if result.suggestions:
        dispatcher.utter_message(
            text=see_also,
            buttons=[{"title": e.title, "payload": choice_payload(e)} for e in result.suggestions],
        )
    return URGENT_ANSWER if result.reason == URGENT else ANSWERED, result.answer.id


class ActionLookupFaq(Action):
    def name(self) -> Text:
        return "action_lookup_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        events = await services.blocking(warn_about_secrets, dispatcher, tracker)
        outcome, entry_id = await services.blocking(answer_from_faq, dispatcher, tracker)
        # Without an answer, data/rules decide what follows: first aid for a
        # known problem, "not sure, want a human?" for anything else.
        return events + [SlotSet("faq_outcome", outcome), SlotSet("faq_entry", entry_id)]


class ActionAnswerDuringForm(Action):
    """A question asked instead of answering a diagnostic question: answer it
    from the FAQ; the form asks its question again next, whatever the outcome."""

    def name(self) -> Text:
        return "action_answer_during_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        events = await services.blocking(warn_about_secrets, dispatcher, tracker)
        outcome, _ = await services.blocking(answer_from_faq, dispatcher, tracker)
        if outcome == NOT_FOUND:
            dispatcher.utter_message(text=services.replies().render("faq_not_found_in_form"))
        return events
