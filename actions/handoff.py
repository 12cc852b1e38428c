"""action_handoff_to_human: open one ticket for this handoff and tell the customer.

An adapter: the ticket (its own span of the conversation, transcript, details,
reason, priority) is built by `bot.handoff.ticket` from the tracker's events;
this module reads the tracker, stores the ticket and answers with slot events.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import NLU_FALLBACK_INTENT_NAME

from actions import services
from actions.handoff_wait import problem_forgotten
from actions.secrets import warn_about_secrets
from actions.tickets import money_lost
from actions.urgent import customer_texts, meanwhile, say_urgent, theft_answered, urgent_answered, urgent_entry
from bot.diagnostics.loops import WAIT_LOOP
from bot.faq.lookup import FaqUnavailable
from bot.handoff.ticket import (
    HANDOFF_SLOT,
    SOLVED_SLOT,
    SUMMARY_CALLED_OFF,
    SUMMARY_SLOT,
    TICKET_SLOT,
    WAITING,
    Conversation,
    TicketBuilder,
)
from bot.handoff.transcript import intent_names
from bot.semantics.carried import carried_vector
from bot.semantics.encoder import DIMENSION
from bot.storage.models import OPEN_STATUSES, Ticket
from bot.storage.tickets import NewTicket, TicketStoreUnavailable

logger = logging.getLogger(__name__)

# The messages that ask for a person themselves: read by meaning for theft or a scam.
HANDOFF_INTENTS = frozenset({"request_human", "complain"})


def ticket_builder() -> TicketBuilder:
    return TicketBuilder(services.diagnostics(), services.priority_rules(), services.sla_clock(),
                         services.redactor(), intent_names(services.names()))


def conversation_of(tracker: Tracker) -> Conversation:
    """The tracker as plain data: its applied events (turns undone by a restart or
    a rewind are not part of the conversation staff see) and its latest message."""
    confidence = ((tracker.latest_message or {}).get("intent") or {}).get("confidence")
    return Conversation(tracker.sender_id, tracker.applied_events(),
                        tracker.get_intent_of_latest_message(skip_fallback_intent=False), confidence,
                        tracker.get_latest_input_channel())


def _faq_is_urgent(entry_id: Optional[str]) -> bool:
    """Whether the FAQ answer given in this ticket's span was an urgent one.

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
    number = tracker.get_slot(TICKET_SLOT)
    if not number:
        return None
    try:
        existing = services.ticket_store().get(number)
    except TicketStoreUnavailable:
        return None
    return existing if existing is not None and existing.status in OPEN_STATUSES else None


def new_ticket(tracker: Tracker) -> NewTicket:
    """The ticket this handoff opens. Blocking (redactor, urgency by meaning)."""
    return ticket_builder().new_ticket(conversation_of(tracker), datetime.now(timezone.utc), _faq_is_urgent)


def _waiting(ticket: Ticket) -> List[Dict[Text, Any]]:
    """From now on every message goes onto the ticket until a person closes it."""
    return [SlotSet(TICKET_SLOT, ticket.number), SlotSet(HANDOFF_SLOT, WAITING),
            SlotSet("handoff_followups", 0), SlotSet(SUMMARY_SLOT, None),
            FollowupAction(WAIT_LOOP)]


def hand_off(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Blocking (database, redactor): run in a worker thread."""
    now = datetime.now(timezone.utc)
    replies, clock = services.replies(), services.sla_clock()
    if tracker.get_slot(SUMMARY_SLOT) == SUMMARY_CALLED_OFF:
        dispatcher.utter_message(text=replies.render("handoff_not_wanted"))
        return [SlotSet(SUMMARY_SLOT, None)]
    if tracker.get_slot(SOLVED_SLOT):
        # Solved while the form asked ("好了付上了 谢谢"): glad, and nothing to hand over.
        dispatcher.utter_message(text=replies.render("solved_in_form"))
        return [SlotSet(SOLVED_SLOT, None), *problem_forgotten()]
    existing = _open_ticket(tracker)
    if existing is not None:
        # Asking again while a person is already on it: no second ticket.
        dispatcher.utter_message(text=replies.render(
            "handoff_already_open", ticket_number=existing.number,
            due=clock.describe(existing.sla_due_at, now)))
        return _waiting(existing)
    told = _urgent_first(dispatcher, tracker)
    new = new_ticket(tracker)
    try:
        ticket = services.ticket_store().create(new).ticket
    except TicketStoreUnavailable as error:
        logger.error("ticket not created for a %s handoff (%s): %s", new.priority,
                     new.handoff_reason, error)
        dispatcher.utter_message(text=replies.render("handoff_failed"))
        return [SlotSet(TICKET_SLOT, None), SlotSet(SUMMARY_SLOT, None)]
    created = replies.render("handoff_created", ticket_number=ticket.number, due=clock.describe(ticket.sla_due_at, now))
    # What to do meanwhile, at once: freeze the bank card, 110.
    if money_lost(ticket, bool(told) or urgent_answered(tracker)):
        texts = customer_texts(tracker)
        created += meanwhile(texts[-1] if texts else "", texts[:-1], theft_answered(tracker, told))
    dispatcher.utter_message(text=created)
    return told + _waiting(ticket)


def _urgent_first(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """A handoff asked for in a message that tells theft or a scam ("就是一个炒股群 老师带我们
    做 这次要加仓" read as a complaint, a request for a person): its urgent answer before the
    ticket, unless given already. Meaning counts only for the message that asked for the
    person, or for a message the bot could not place twice ("他说不取消就影响征信 让我下个会议
    软件", handed over after the rephrase), and only when it is sure (anger reads like alarm);
    a form's last answer, "昨天 工行", is read by its words."""
    message = tracker.latest_message or {}
    asked = tracker.get_intent_of_latest_message() in HANDOFF_INTENTS \
        or tracker.get_intent_of_latest_message(skip_fallback_intent=False) == NLU_FALLBACK_INTENT_NAME
    entry = urgent_entry(message.get("text") or "", carried_vector(message, DIMENSION), words_only=not asked,
                         strict=True)
    return say_urgent(dispatcher, tracker, entry) if entry is not None else []


class ActionHandoffToHuman(Action):
    def name(self) -> Text:
        return "action_handoff_to_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        events = await services.blocking(warn_about_secrets, dispatcher, tracker)
        return events + await services.blocking(hand_off, dispatcher, tracker)
