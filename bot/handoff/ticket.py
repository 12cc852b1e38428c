"""A handoff's ticket, built from the conversation's events in one place: one walk
finds the ticket's span (`spans`), one pass reads it (`SpanReading`: the customer's
messages, the slots set in it, the details named in it), and `TicketBuilder`
makes the ticket of it (transcript, details, summary, reason, priority).

**A ticket owns its span of the conversation**: from the end of the
conversation's previous ticket (or from the first event there is) to its own
end. Its transcript, details, problem summary, reason and priority come from
that span only, never from an earlier ticket's.

Where tickets begin and end in Rasa's events:

- opened: the ``handoff`` slot set to ``waiting`` (action_handoff_to_human sets it
  with ``ticket_number``; a new session carries it while the ticket is open);
- ended: the ``handoff`` slot emptied: resolved or handed back in the console,
  called off by the customer, or found closed by the waiting loop or a new
  session (each of them also empties the slots a ticket owns, `owned_slots`);
- the customer's rating after the end (`bot.ratings`: the console's resolution
  asks for one) still belongs to the ticket; the next message of any other kind
  begins the next span.

Slots are read from the span's own events, not from the tracker's current
values: a value set before the span belongs to an earlier ticket.

Everything here is plain data in and out: actions/handoff.py passes the tracker's
events, the console passes the tracker store's rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar

from bot.diagnostics.facts import one_field_per_fact
from bot.diagnostics.spec import DiagnosticsSpec
from bot.handoff.priority import PriorityRules
from bot.handoff.sla import SlaClock
from bot.handoff.transcript import masked_messages, newest_time
from bot.pii import Redactor
from bot.pii.masks import MASKS
from bot.pii.masks import phone_last4 as last_four_of_masked
from bot.pii.recognizers import PHONE
from bot.ratings import RATING_ENTITY, RATING_REQUESTS, rating_of
from bot.storage.tickets import NewMessage, NewTicket
from bot.text.normalize import normalize_phone

Event = Mapping[str, Any]
E = TypeVar("E", bound=Mapping[str, Any])

HANDOFF_SLOT = "handoff"
WAITING = "waiting"
TICKET_SLOT = "ticket_number"
SUMMARY_SLOT = "handoff_summary"
# The handoff_summary slot's values when the customer gave no description
# (actions/handoff_wait.py sets them).
SUMMARY_SKIPPED = "__skipped__"
SUMMARY_CALLED_OFF = "__called_off__"
SOLVED_SLOT = "solved_in_form"  # the problem was solved while its form asked: no ticket
# Slots about the problem a ticket was opened for, besides the diagnostic ones:
# emptied when the ticket ends, so the next problem starts from nothing.
OWNED_SLOTS = ("problem", SUMMARY_SLOT, "faq_entry")
PHONE_DETAILS = ("account_phone", "phone_number")
# The customer's verdict is not a detail of the problem (the transcript shows it).
NOT_DETAILS = frozenset({RATING_ENTITY})
LISTEN = "action_listen"
# Rasa events after which no slot has a value any more (carried slots follow a session start).
SLOTS_RESET = ("reset_slots", "session_started")

BEFORE, OPEN, AFTER = "before", "open", "after"  # where a span stands: no ticket yet, ticket open, ended


def owned_slots(spec: DiagnosticsSpec) -> Tuple[str, ...]:
    """Every slot that belongs to one ticket: emptied when it ends."""
    return (*OWNED_SLOTS, *spec.slots)


def _intent_of(event: Event) -> Optional[str]:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


# Answers masked before staff see them: free text, and identifiers (an order number may be a card).
MASKED_KINDS = ("text", "id")


class _Walk:
    """Follows the events one by one and tells where a new span begins."""

    def __init__(self, phase: str = BEFORE, just_asked: bool = False) -> None:
        self.phase = phase
        self.just_asked = just_asked  # the bot's last act was a rating question
        self.number: Optional[str] = None  # the ticket_number slot
        self.opened: Optional[str] = None  # the ticket opened in the current span

    def begins_span(self, event: Event) -> bool:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == TICKET_SLOT:
            self.number = event.get("value")
        elif kind == "slot" and event.get("name") == HANDOFF_SLOT:
            if event.get("value") == WAITING and self.phase != OPEN:
                new = self.phase == AFTER  # a ticket opened without a message in between
                self.phase, self.opened = OPEN, self.number
                return new
            if event.get("value") is None and self.phase == OPEN:
                self.phase = AFTER
        elif kind == "action":
            name = event.get("name")
            if name in RATING_REQUESTS:
                self.just_asked = True
            elif name != LISTEN:
                self.just_asked = False
        elif kind == "user":
            asked, self.just_asked = self.just_asked, False
            if self.phase == AFTER and rating_of(event, asked) is None:
                self.phase, self.opened = BEFORE, None
                return True
        return False


@dataclass(frozen=True)
class Span:
    """One ticket's part of the conversation (or, last, the part since the last ticket)."""

    events: Tuple[Event, ...]
    ticket_number: Optional[str] = None  # the ticket opened in it; None: no handoff yet
    ended: bool = False  # its ticket ended (the rating after it included)

    @property
    def open(self) -> bool:
        return self.ticket_number is not None and not self.ended

    @property
    def user_events(self) -> List[Event]:
        """The customer's messages, oldest first."""
        return [e for e in self.events if e.get("event") == "user"]


def spans(events: Sequence[Event]) -> List[Span]:
    """The conversation cut into its tickets' spans, oldest first; never empty."""
    walk, found, start = _Walk(), [], 0
    for index, event in enumerate(events):
        opened = walk.opened
        if walk.begins_span(event) and index > start:
            found.append(Span(tuple(events[start:index]), opened, ended=True))
            start = index
    found.append(Span(tuple(events[start:]), walk.opened, ended=walk.phase == AFTER))
    return found


def current_span(events: Sequence[Event]) -> Span:
    """The part of the conversation a handoff now would open a ticket for."""
    return spans(events)[-1]


def rest_of_closed_ticket(events: Sequence[E], rating_asked: bool) -> List[E]:
    """Of the events that followed what a closed ticket has copied, those still its
    own: up to its end if that is among them, then the customer's rating of it.

    ``rating_asked``: the ticket was resolved, whose closing asks for a rating."""
    opening = next((i for i, e in enumerate(events) if _is_handoff(e, WAITING)), len(events))
    end_ahead = any(_is_handoff(e, None) for e in events[:opening])
    walk = _Walk(OPEN if end_ahead else AFTER, just_asked=rating_asked and not end_ahead)
    for index, event in enumerate(events):
        if walk.begins_span(event):
            return list(events[:index])
    return list(events)


def _is_handoff(event: Event, value: Optional[str]) -> bool:
    return event.get("event") == "slot" and event.get("name") == HANDOFF_SLOT and event.get("value") == value


@dataclass
class SpanReading:
    """What one pass over a span finds: the customer's messages, the slots set in
    it, the details named in it, and what started a loop that just ended."""

    user_events: List[Event] = field(default_factory=list)
    slots: Dict[str, Any] = field(default_factory=dict)
    entities: Dict[str, Any] = field(default_factory=dict)  # entity -> value, latest wins
    phones: List[List[Any]] = field(default_factory=list)  # phone_number values, per message
    loop_trigger: Optional[str] = None  # the intent of the message before the latest loop started
    loop_since_message: bool = False  # a loop started or ended after the customer's latest message

    @classmethod
    def of(cls, events: Sequence[Event]) -> "SpanReading":
        reading = cls()
        for event in events:
            kind = event.get("event")
            if kind == "user":
                reading._user(event)
            elif kind == "slot" and event.get("name"):
                reading.slots[str(event["name"])] = event.get("value")
            elif kind in SLOTS_RESET:
                reading.slots.clear()
            elif kind == "active_loop":
                reading.loop_since_message = True
                if event.get("name"):
                    reading.loop_trigger = _intent_of(reading.user_events[-1]) if reading.user_events else None
        return reading

    def _user(self, event: Event) -> None:
        self.user_events.append(event)
        self.loop_since_message = False
        entities = (event.get("parse_data") or {}).get("entities") or []
        for entity in entities:
            name = entity.get("entity")
            if name and name not in NOT_DETAILS:
                self.entities[name] = entity.get("normalized", entity.get("value"))
        self.phones.append([e.get("value") for e in entities if e.get("entity") == "phone_number"])

    def slot(self, name: str) -> Any:
        """The slot's value if the span set it; a value from before belongs to an earlier ticket."""
        return self.slots.get(name)

    @property
    def form_trigger_intent(self) -> Optional[str]:
        """When a form ended in this turn: the intent that started it (没解决, 转人工),
        since the latest message only answered its last question."""
        return self.loop_trigger if self.loop_since_message else None

    @property
    def intents(self) -> List[str]:
        return [_intent_of(e) or "" for e in self.user_events]


@dataclass(frozen=True)
class Conversation:
    """What a handoff knows of its conversation, as plain data."""

    sender_id: str
    events: Sequence[Event]  # the tracker's applied events, oldest first
    trigger_intent: Optional[str] = None  # the latest message's intent (nlu_fallback too)
    trigger_confidence: Optional[float] = None
    channel: Optional[str] = None  # of the latest message


def handoff_key(sender_id: str, events: Sequence[Event]) -> str:
    """Same key for every retry of a handoff triggered by the same user turn."""
    users = [e for e in events if e.get("event") == "user"]
    last = users[-1] if users else {}
    return f"{sender_id}:{last.get('timestamp', 0)}:{len(users)}"


@dataclass(frozen=True)
class TicketBuilder:
    """Builds the ticket a handoff opens. ``intent_names``: the console's Chinese
    names of intents (a pressed button without its title is described by them)."""

    spec: DiagnosticsSpec
    priorities: PriorityRules
    clock: SlaClock
    redactor: Redactor
    intent_names: Mapping[str, str] = field(default_factory=dict)

    def transcript(self, span: Span) -> List[NewMessage]:
        """The span's messages, masked: the customer's, the bot's, staff replies."""
        return masked_messages(span.events, self.redactor, self.intent_names)

    def new_ticket(self, conversation: Conversation, now: datetime,
                   faq_urgent: Callable[[Optional[str]], bool] = lambda entry: False) -> NewTicket:
        """The ticket for a handoff now: ``faq_urgent`` tells whether the FAQ answer
        given in the span (its entry id) was an urgent one."""
        span = current_span(conversation.events)
        reading = SpanReading.of(span.events)
        transcript = self.transcript(span)
        reason = self.priorities.reason_for(conversation.trigger_intent)
        if reason == self.priorities.default_reason:
            reason = self.priorities.reason_for(reading.form_trigger_intent)
        # The problem raised in the span (the `problem` slot), whatever the last message was.
        problem = reading.slot("problem")
        intents = reading.intents + ([problem] if problem else [])
        priority = self.priorities.priority_for([m.text for m in transcript if m.role == "user"], intents,
                                                reason, faq_urgent=faq_urgent(reading.slot("faq_entry")))
        return NewTicket(
            handoff_key=handoff_key(conversation.sender_id, conversation.events),
            sender_id=conversation.sender_id, channel=conversation.channel or "rest", priority=priority,
            handoff_reason=reason, sla_due_at=self.clock.due(priority, now),
            intent=problem or conversation.trigger_intent, intent_confidence=conversation.trigger_confidence,
            diagnostics=self.diagnostics(reading), messages=transcript,
            phone_last4=phone_last4(reading), synced_until=newest_time(conversation.events),
        )

    def diagnostics(self, reading: SpanReading) -> Dict[str, Any]:
        """Details for staff, one field per fact: entities the customer gave (normalised,
        latest wins) that no form answer holds, then the diagnostic form's answers; free
        text and identifiers are masked, phone numbers keep only their first 3 and last 4 digits."""
        answers = {name: (self.redactor.redact(value).text if slot.kind in MASKED_KINDS and isinstance(value, str)
                          else value)
                   for name, slot in self.spec.slots.items() if (value := reading.slot(name)) is not None}
        found: Dict[str, Any] = one_field_per_fact(reading.entities, answers, self.spec)
        summary = reading.slot(SUMMARY_SLOT)
        if summary and summary not in (SUMMARY_SKIPPED, SUMMARY_CALLED_OFF):
            found["problem_summary"] = self.redactor.redact(summary).text
        for name in PHONE_DETAILS:
            if isinstance(found.get(name), str):
                found[name] = _masked_phone(found[name])
        return found


def _masked_phone(value: str) -> str:
    if "*" in value:
        return value  # masked when stored (bot.security.stored_events)
    digits = normalize_phone(value) or value
    return MASKS[PHONE](digits) if len(digits) >= 8 else value


def phone_last4(reading: SpanReading) -> Optional[str]:
    """What staff may search a ticket by: the last 4 digits of the customer's phone."""
    latest_first = [value for values in reversed(reading.phones) for value in values]
    for raw in [reading.slot("account_phone"), *latest_first]:
        digits = normalize_phone(str(raw)) if raw else None
        last4 = digits[-4:] if digits else (last_four_of_masked(str(raw)) if raw else None)
        if last4:
            return last4
    return None
