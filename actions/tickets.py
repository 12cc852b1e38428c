"""action_ticket_status: tell a customer where their ticket stands."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from bot.tickets.store import TicketStoreUnavailable

STATUS_TEXT = {"open": "已受理，等待客服处理", "in_progress": "客服正在处理中", "resolved": "已处理完成"}


class ActionTicketStatus(Action):
    def name(self) -> Text:
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        store = services.ticket_store()
        asked = next(tracker.get_latest_entity_values("ticket_id"), None)
        try:
            ticket = store.get(asked.upper()) if asked else store.latest_for_sender(tracker.sender_id)
        except TicketStoreUnavailable:
            dispatcher.utter_message(text=services.replies().render("ticket_status_unavailable"))
            return []
        # Only the customer who opened a ticket may hear about it.
        if ticket is None or ticket.sender_id != tracker.sender_id:
            dispatcher.utter_message(text=services.replies().render("no_ticket"))
            return []
        dispatcher.utter_message(text=services.replies().render(
            "ticket_status", ticket_number=ticket.number,
            status=STATUS_TEXT.get(ticket.status, ticket.status),
            due=services.sla_clock().describe(ticket.sla_due_at, datetime.now(timezone.utc)),
        ))
        return []
