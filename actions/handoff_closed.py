"""What the customer hears when a person closes a handoff in the staff console.

The console resumes the conversation and runs one of these through Rasa's API
(``POST /conversations/<id>/execute``); both end the waiting loop, so the
customer's next message is the bot's again.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.handoff_wait import ticket_ended


def _back_to_bot() -> List[Dict[Text, Any]]:
    return [ActiveLoop(None), *ticket_ended()]


class ActionHandoffResolved(Action):
    """Resolved: ask for a rating of the person's help (answered by the `rate` rule)."""

    def name(self) -> Text:
        return "action_handoff_resolved"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text=services.replies().render("handoff_resolved",
                                           ticket_number=tracker.get_slot("ticket_number") or ""),
            buttons=services.texts().buttons("rating_buttons"))
        return _back_to_bot()


class ActionHandoffReturned(Action):
    def name(self) -> Text:
        return "action_handoff_returned"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=services.replies().render("handoff_returned"))
        return _back_to_bot()
