"""action_ticket_status: tell a customer where their ticket stands."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from bot.storage.tickets import TicketStoreUnavailable


def tell_status(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Blocking (database): run in a worker thread."""
    replies = services.replies()
    asked = next(tracker.get_latest_entity_values("ticket_id"), None)
    try:
        store = services.ticket_store()
        ticket = store.get(asked.upper()) if asked else store.latest_for_sender(tracker.sender_id)
    except TicketStoreUnavailable:
        dispatcher.utter_message(text=replies.render("ticket_status_unavailable"))
        return
    # Only the customer who opened a ticket may hear about it.
    if ticket is None or ticket.sender_id != tracker.sender_id:
        dispatcher.utter_message(text=replies.render("no_ticket"))
        return
    statuses = services.texts().replies("ticket_statuses")
    dispatcher.utter_message(text=replies.render(
        "ticket_status", ticket_number=ticket.number,
        status=statuses.render(ticket.status) if ticket.status in statuses else ticket.status,
        due=services.sla_clock().describe(ticket.sla_due_at, datetime.now(timezone.utc)),
    ))


class ActionTicketStatus(Action):
    def name(self) -> Text:
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        await services.blocking(tell_status, dispatcher, tracker)
        return []
