"""action_read_complaint: a complaint about money goes to a person with its problem
area; one about our service gets the feedback channel and a person offered
(bot.complaints decides which; data/rules/rules.yml acts on ``complaint_about``)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.tickets import HUMAN_BUTTON
from bot.complaints import SERVICE, read_complaint
from bot.semantics.carried import carried_vector
from bot.semantics.encoder import DIMENSION


def read(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Blocking (the urgency model, the FAQ index): run in a worker thread."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    ranking = [(str(r.get("name")), float(r.get("confidence") or 0.0))
               for r in message.get("intent_ranking") or []]
    urgency = services.priority_rules().urgency
    urgent = bool(urgency and urgency.signals(text, carried_vector(message, DIMENSION)))
    complaint = read_complaint(text, ranking, services.complaint_words(), urgent)
    events: List[Dict[Text, Any]] = [SlotSet("complaint_about", complaint.about)]
    if complaint.area is not None:
        events.append(SlotSet("problem", complaint.area))
    if complaint.about == SERVICE:
        entry = services.faq_service().entry(services.complaint_words().feedback_entry)
        if entry is not None:
            dispatcher.utter_message(text=entry.answer)
        dispatcher.utter_message(text=services.replies().render("complaint_offer_person"), buttons=[HUMAN_BUTTON])
    return events


class ActionReadComplaint(Action):
    def name(self) -> Text:
        return "action_read_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return await services.blocking(read, dispatcher, tracker)
