"""action_session_start: a new session keeps a handoff that is still open.

Rasa starts a new session after an hour of silence, which resets a paused
conversation and any active loop. A customer whose ticket a person owns must
not get the bot back because the agent took longer than that; one still
waiting for a person stays in the waiting loop.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, ConversationPaused, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.handoff_wait import problem_forgotten
from bot.diagnostics.loops import WAIT_LOOP
from bot.storage.tickets import TicketStoreUnavailable

logger = logging.getLogger(__name__)


def _handoff_events(tracker: Tracker) -> List[Dict[Text, Any]]:
    """Blocking (database): where the open handoff of this conversation stands."""
    number = tracker.get_slot("ticket_number")
    if tracker.get_slot("handoff") != "waiting" or not number:
        return []
    try:
        ticket = services.ticket_store().get(number)
    except TicketStoreUnavailable as error:
        logger.error("session start: ticket %s unknown (%s); keeping the waiting loop", number, error)
        ticket = None
    if ticket is not None and ticket.status == "assigned":
        return [ActiveLoop(WAIT_LOOP), SlotSet("requested_slot", "handoff_note"), ConversationPaused()]
    if ticket is None or ticket.status == "waiting":
        return [ActiveLoop(WAIT_LOOP), SlotSet("requested_slot", "handoff_note")]
    return [*problem_forgotten(), SlotSet("handoff", None)]


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        carried = [SlotSet(name, value) for name, value in tracker.slots.items()
                   if value is not None and name not in ("session_started_metadata", "requested_slot")]
        handoff = await services.blocking(_handoff_events, tracker)
        return [SessionStarted(), *carried, *handoff, ActionExecuted("action_listen")]
