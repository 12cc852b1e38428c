"""action_handoff_to_human: open one ticket for this handoff and tell the customer."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.secrets import warn_about_secrets
from actions.transcript import (
    form_trigger_intent,
    handoff_key,
    intents_seen,
    masked_transcript,
    transcript_time,
    user_events,
)
from bot.diagnostics.loops import WAIT_LOOP
from bot.faq.lookup import FaqUnavailable
from bot.pii.masks import MASKS
from bot.pii.masks import phone_last4 as last_four_of_phone
from bot.pii.recognizers import PHONE
from bot.storage.models import OPEN_STATUSES, Ticket
from bot.storage.tickets import NewTicket, TicketStoreUnavailable
from bot.text.normalize import normalize_phone

logger = logging.getLogger(__name__)

# The handoff_summary slot's values when the customer gave no description
# (actions/handoff_wait.py sets them).
SUMMARY_SKIPPED = "__skipped__"
SUMMARY_CALLED_OFF = "__called_off__"
PHONE_DETAILS = ("account_phone", "phone_number")


def diagnostics_from(tracker: Tracker) -> Dict[str, Any]:
    """Details for staff: entities the customer gave (normalised, latest wins),
    then the diagnostic form's answers; free text is masked, phone numbers
    keep only their first 3 and last 4 digits."""
    spec = services.diagnostics()
    redactor = services.redactor()
    found: Dict[str, Any] = {}
    for event in user_events(tracker):
        for entity in (event.get("parse_data") or {}).get("entities") or []:
            if entity.get("entity"):
                found[entity["entity"]] = entity.get("normalized", entity.get("value"))
    for name, slot in spec.slots.items():
        value = tracker.get_slot(name)
        if value is not None:
            found[name] = (redactor.redact(value).text
                           if slot.kind == "text" and isinstance(value, str) else value)
    summary = tracker.get_slot("handoff_summary")
    if summary and summary not in (SUMMARY_SKIPPED, SUMMARY_CALLED_OFF):
        found["problem_summary"] = redactor.redact(summary).text
    for name in PHONE_DETAILS:
        if isinstance(found.get(name), str):
            found[name] = _masked_phone(found[name])
    return found


def _masked_phone(value: str) -> str:
    if "*" in value:
        return value  # masked when stored (bot.security.stored_events)
    digits = normalize_phone(value) or value
    return MASKS[PHONE](digits) if len(digits) >= 8 else value


def phone_last4(tracker: Tracker) -> Optional[str]:
    """What staff may search a ticket by: the last 4 digits of the customer's phone."""
    candidates = [tracker.get_slot("account_phone")] + [
        entity.get("value") for event in reversed(user_events(tracker))
        for entity in (event.get("parse_data") or {}).get("entities") or []
        if entity.get("entity") == "phone_number"]
    for raw in candidates:
        digits = normalize_phone(str(raw)) if raw else None
        last4 = digits[-4:] if digits else (last_four_of_phone(str(raw)) if raw else None)
        if last4:
            return last4
    return None


def _faq_is_urgent(entry_id: Optional[str]) -> bool:
    """Whether the FAQ answer given in this conversation was an urgent one.

    Without a knowledge base the handoff still happens, priority from the rules alone."""
    if not entry_id:
        return False
    try:
        entry = services.faq_service().entry(entry_id)
    except FaqUnavailable:
        return False
    return bool(entry and entry.urgent)


def _open_ticket(tracker: Tracker) -> Optional[Ticket]:
    """The ticket still open from an earlier handoff of this conversation, if any."""
    number = tracker.get_slot("ticket_number")
    if not number:
        return None
    try:
        existing = services.ticket_store().get(number)
    except TicketStoreUnavailable:
        return None
    return existing if existing is not None and existing.status in OPEN_STATUSES else None


def new_ticket(tracker: Tracker) -> NewTicket:
    """The ticket this handoff opens: masked transcript, details, reason, priority, SLA."""
    rules = services.priority_rules()
    trigger = tracker.get_intent_of_latest_message(skip_fallback_intent=False)
    reason = rules.reason_for(trigger)
    if reason == rules.default_reason:
        reason = rules.reason_for(form_trigger_intent(tracker))
    transcript = masked_transcript(tracker, services.redactor())
    customer_texts = [m.text for m in transcript if m.role == "user"]
    # The problem raised in the conversation (the `problem` slot), whatever the last message was.
    problem = tracker.get_slot("problem")
    intents = intents_seen(tracker) + ([problem] if problem else [])
    priority = rules.priority_for(customer_texts, intents, reason,
                                  faq_urgent=_faq_is_urgent(tracker.get_slot("faq_entry")))
    confidence = ((tracker.latest_message or {}).get("intent") or {}).get("confidence")
    return NewTicket(
        handoff_key=handoff_key(tracker), sender_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "rest", priority=priority,
        handoff_reason=reason, sla_due_at=services.sla_clock().due(priority, datetime.now(timezone.utc)),
        intent=problem or trigger, intent_confidence=confidence,
        diagnostics=diagnostics_from(tracker), messages=transcript,
        phone_last4=phone_last4(tracker), synced_until=transcript_time(tracker),
    )


def _waiting(ticket: Ticket) -> List[Dict[Text, Any]]:
    """From now on every message goes onto the ticket until a person closes it."""
    return [SlotSet("ticket_number", ticket.number), SlotSet("handoff", "waiting"),
            SlotSet("handoff_followups", 0), SlotSet("handoff_summary", None),
            FollowupAction(WAIT_LOOP)]


def hand_off(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Blocking (database, redactor): run in a worker thread."""
    now = datetime.now(timezone.utc)
    replies, clock = services.replies(), services.sla_clock()
    if tracker.get_slot("handoff_summary") == SUMMARY_CALLED_OFF:
        dispatcher.utter_message(text=replies.render("handoff_not_wanted"))
        return [SlotSet("handoff_summary", None)]
    existing = _open_ticket(tracker)
    if existing is not None:
        # Asking again while a person is already on it: no second ticket.
        dispatcher.utter_message(text=replies.render(
            "handoff_already_open", ticket_number=existing.number,
            due=clock.describe(existing.sla_due_at, now)))
        return _waiting(existing)
    new = new_ticket(tracker)
    try:
        ticket = services.ticket_store().create(new).ticket
    except TicketStoreUnavailable as error:
        logger.error("ticket not created for a %s handoff (%s): %s", new.priority,
                     new.handoff_reason, error)
        dispatcher.utter_message(text=replies.render("handoff_failed"))
        return [SlotSet("ticket_number", None), SlotSet("handoff_summary", None)]
    dispatcher.utter_message(text=replies.render(
        "handoff_created", ticket_number=ticket.number, due=clock.describe(ticket.sla_due_at, now)))
    return _waiting(ticket)


class ActionHandoffToHuman(Action):
    def name(self) -> Text:
        return "action_handoff_to_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        events = await services.blocking(warn_about_secrets, dispatcher, tracker)
        return events + await services.blocking(hand_off, dispatcher, tracker)
