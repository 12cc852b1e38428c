"""action_handoff_to_human: open one ticket for this handoff and tell the customer."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.transcript import (
    channel_of,
    form_trigger_intent,
    handoff_key,
    intents_seen,
    main_problem,
    masked_transcript,
    user_events,
)
from actions.secrets import warn_about_secrets
from bot.pii import redact
from bot.tickets.store import NewTicket, TicketStoreUnavailable

logger = logging.getLogger(__name__)

SECRET_ENTITIES = {"sms_code", "password"}


def diagnostics_from(tracker: Tracker) -> Dict[str, Any]:
    """Details for staff: entities the customer gave (normalised, latest wins),
    then the diagnostic form's answers; free text is masked."""
    found: Dict[str, Any] = {}
    for event in user_events(tracker):
        for entity in (event.get("parse_data") or {}).get("entities") or []:
            name = entity.get("entity")
            if name and name not in SECRET_ENTITIES:
                found[name] = entity.get("normalized", entity.get("value"))
    for name, slot in services.diagnostics().slots.items():
        value = tracker.get_slot(name)
        if value is not None:
            found[name] = redact(value) if slot.kind == "text" and isinstance(value, str) else value
    return found


class ActionHandoffToHuman(Action):
    def name(self) -> Text:
        return "action_handoff_to_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return warn_about_secrets(dispatcher, tracker) + self._hand_off(dispatcher, tracker)

    @staticmethod
    def _hand_off(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        store = services.ticket_store()
        open_number = tracker.get_slot("ticket_number")
        if open_number:
            try:
                existing = store.get(open_number)
            except TicketStoreUnavailable:
                existing = None
            if existing is not None and existing.status != "resolved":
                # Asking again while a person is already on it: no second ticket.
                dispatcher.utter_message(text=services.replies().render(
                    "handoff_already_open", ticket_number=existing.number,
                    due=services.sla_clock().describe(existing.sla_due_at, datetime.now(timezone.utc)),
                ))
                return []
        rules = services.priority_rules()
        latest = tracker.latest_message or {}
        trigger = (latest.get("intent") or {}).get("name")
        reason = rules.reason_for(trigger)
        if reason == rules.default_reason:
            reason = rules.reason_for(form_trigger_intent(tracker))
        transcript = masked_transcript(tracker)
        customer_texts = [m.text for m in transcript if m.role == "user"]
        faq = services.faq_service().entry(tracker.get_slot("faq_entry") or "")
        priority = rules.priority_for(customer_texts, intents_seen(tracker), reason,
                                      faq_urgent=bool(faq and faq.urgent))
        problem = main_problem(tracker)
        now = datetime.now(timezone.utc)
        due = services.sla_clock().due(priority, now)
        new = NewTicket(
            handoff_key=handoff_key(tracker), sender_id=tracker.sender_id,
            channel=channel_of(tracker), priority=priority, handoff_reason=reason,
            sla_due_at=due, intent=problem or trigger,
            intent_confidence=(latest.get("intent") or {}).get("confidence"),
            diagnostics=diagnostics_from(tracker), messages=transcript,
        )
        try:
            ticket = store.create(new).ticket
        except TicketStoreUnavailable as error:
            logger.error("ticket not created for a %s handoff (%s): %s", priority, reason, error)
            dispatcher.utter_message(text=services.replies().render("handoff_failed"))
            return [SlotSet("ticket_number", None)]
        dispatcher.utter_message(text=services.replies().render(
            "handoff_created", ticket_number=ticket.number,
            due=services.sla_clock().describe(ticket.sla_due_at, now),
        ))
        return [SlotSet("ticket_number", ticket.number)]
