"""A person and a handoff: take it, answer the customer, hand back or resolve.

The order of each step keeps Rasa and the ticket database in agreement when
one of them is down: Rasa is asked first (pause, or resume and the closing
message), and only if it answered does the ticket change; a failure leaves
both as they were and the console says so. The customer's messages come from
the tracker store (``sync``), so what they wrote while Rasa predicted nothing,
or while the console was down, reaches the ticket the next time anyone looks.

A reply that reached the customer is also recorded in the conversation (a bot
event marked as staff, `bot.handoff.transcript.staff_reply_event`), so the
conversation holds what the customer was shown; the ticket has it already, with
its delivery, and the sync leaves it out. A closed ticket still takes the rest of
its own span (`bot.handoff.ticket.rest_of_closed_ticket`): its closing, and the
customer's rating of the help, never what the customer says after.

Each step reads the ticket once (`TicketDesk.view`) and passes it down: the sync,
the pause and the delivery all work from that one read.

One owner at a time: a person's reply on a ticket someone else owns is refused
(`TicketOwnedByOther`) unless they take it over, which is audited. The customer
is told when a person joins (客服小王已接入) and when the bot has them back
(已转回机器人): `HandoffNotices`, worded in data/support/texts.yml.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Callable, Iterable, List, Mapping, Optional, Tuple, Union

from bot.console.delivery import Delivery, DeliveryResult, text_messages
from bot.console.rasa_api import RasaConversations, RasaUnavailable
from bot.handoff.ticket import rest_of_closed_ticket
from bot.handoff.transcript import masked_messages, newest_time, staff_author, staff_reply_event
from bot.pii import Redactor
from bot.storage.desk import ANYONE, AnyOwner, TicketClosed, TicketDesk, TicketOwnedByOther, TicketView
from bot.storage.models import CLOSED_STATUSES, Ticket, TranscriptMessage
from bot.storage.tickets import NewMessage
from bot.storage.tracker_events import TrackerEvents

logger = logging.getLogger(__name__)

RESOLVED_ACTION = "action_handoff_resolved"
RETURNED_ACTION = "action_handoff_returned"


class EmptyMessage(ValueError):
    pass


class Ownership(Enum):
    """How a reply treats a ticket that someone else owns."""

    SHARED = "shared"        # the JSON API: an integration's desk decides who answers
    EXCLUSIVE = "exclusive"  # the console: refused (`TicketOwnedByOther`), the page asks to take over
    TAKE_OVER = "take_over"  # the console, after the person said yes: taken over (audited), then sent


@dataclass(frozen=True)
class HandoffNotices:
    """What the customer is told when a person joins or leaves (texts.yml ``handoff_notices``)."""

    joined: str = "客服{name}已接入"
    joined_unnamed: str = "人工客服已接入"
    returned: str = "已转回机器人"

    def joined_by(self, name: Optional[str]) -> str:
        return self.joined.format(name=name) if name else self.joined_unnamed


@dataclass(frozen=True)
class Closed:
    ticket: Ticket
    delivery: DeliveryResult


@dataclass(frozen=True)
class Assigned:
    ticket: Ticket
    previous: Optional[str]  # who owned it before (None: nobody)


def _open(ticket: Ticket) -> Ticket:
    """Nothing reaches the customer or Rasa for a ticket that is already closed."""
    if ticket.status in CLOSED_STATUSES:
        raise TicketClosed(f"{ticket.number} is {ticket.status}")
    return ticket


def _last_customer_message(messages: Iterable[Union[TranscriptMessage, NewMessage]]) -> Optional[datetime]:
    times = [m.sent_at for m in messages if m.role == "user" and m.sent_at is not None]
    return max(times) if times else None


class Takeover:
    def __init__(self, desk: TicketDesk, rasa: RasaConversations, delivery: Delivery,
                 tracker: TrackerEvents, redactor: Callable[[], Redactor],
                 intent_names: Optional[Mapping[str, str]] = None,
                 notices: Optional[HandoffNotices] = None,
                 display_name: Callable[[str], Optional[str]] = lambda username: None) -> None:
        """``display_name``: a staff member's name as the customer may see it (None for an
        integration's ``api:...`` author, who joins unnamed)."""
        self._notices = notices or HandoffNotices()
        self._display_name = display_name
        self._desk = desk
        self._rasa = rasa
        self._delivery = delivery
        self._tracker = tracker
        self._redactor = redactor
        self._intent_names = dict(intent_names or {})

    # -- the transcript -------------------------------------------------------

    def _copy_new_events(self, ticket: Ticket) -> List[NewMessage]:
        """Blocking: copy the conversation's events newer than ``ticket`` (as read) onto it,
        as far as they are its own (all of them while it is open). Answers the messages
        the ticket has now beyond that read (another worker may have copied them first)."""
        events = self._tracker.after(ticket.sender_id, ticket.synced_until or 0.0)
        if ticket.status in CLOSED_STATUSES:
            events = rest_of_closed_ticket(events, rating_asked=ticket.status == "resolved")
        if not events:
            return []
        # Staff replies are on the ticket already (add_staff_message), with their delivery.
        messages = masked_messages([e for e in events if not staff_author(e)], self._redactor(),
                                   self._intent_names)
        self._desk.append_synced(ticket.number, messages, newest_time(events))
        return list(messages)

    async def _copied(self, ticket: Ticket) -> List[NewMessage]:
        try:
            return await asyncio.to_thread(self._copy_new_events, ticket)
        except Exception as error:  # noqa: BLE001 - the page still shows what the ticket has
            logger.warning("transcript of %s not synced: %s", ticket.number, error)
            return []

    async def sync(self, number: str) -> int:
        """The live inbox's copy of one open ticket's new events: how many there were."""
        try:
            ticket = await asyncio.to_thread(self._desk.ticket, number)
        except Exception as error:  # noqa: BLE001 - the next poll tries again
            logger.warning("transcript of %s not synced: %s", number, error)
            return 0
        return len(await self._copied(ticket))

    async def _current(self, number: str) -> Tuple[TicketView, Optional[datetime]]:
        """The ticket as read once, with its new events copied, and when the customer last
        wrote (counting the events just copied): what a reply or a closing works from."""
        view = await asyncio.to_thread(self._desk.view, number)
        copied = await self._copied(view.ticket)
        return view, _last_customer_message([*view.messages, *copied])

    async def view(self, number: str) -> TicketView:
        """Everything the ticket page shows, the customer's newest messages included
        (read again only when the conversation had new events)."""
        view = await asyncio.to_thread(self._desk.view, number)
        if await self._copied(view.ticket):
            view = await asyncio.to_thread(self._desk.view, number)
        return view

    async def messages_after(self, number: str, position: int) -> List[TranscriptMessage]:
        await self.sync(number)
        return await asyncio.to_thread(self._desk.messages_after, number, position)

    # -- ownership ------------------------------------------------------------

    async def assign(self, number: str, agent: str, actor: str,
                     expected_owner: Union[Optional[str], AnyOwner] = ANYONE) -> Assigned:
        """``agent`` owns the conversation: the bot is paused first. A new person on the
        conversation is announced to the customer."""
        before = await asyncio.to_thread(self._desk.ticket, number)
        return Assigned(await self._assign(before, agent, actor, expected_owner), before.assigned_agent)

    async def _assign(self, before: Ticket, agent: str, actor: str,
                      expected_owner: Union[Optional[str], AnyOwner] = ANYONE) -> Ticket:
        """`assign`, for ``before`` as the caller read it."""
        _open(before)
        await self._rasa.pause(before.sender_id)
        ticket = await asyncio.to_thread(self._desk.assign, before.number, agent, actor, expected_owner)
        if before.assigned_agent != agent:
            name = await asyncio.to_thread(self._display_name, agent)
            await self._notify(ticket, actor, self._notices.joined_by(name))
        return ticket

    async def _notify(self, ticket: Ticket, actor: str, text: str) -> None:
        """A line about the conversation itself to the customer; on WeChat it needs the
        48-hour window like any message, and a notice that could not go is only audited."""
        result = await self._delivery.send(ticket.channel, ticket.sender_id, text_messages(text), role="notice")
        if not result.delivered and ticket.channel != "rest":
            await asyncio.to_thread(self._desk.record, ticket.number, actor, f"notice_{result.status}",
                                    result.note)

    async def reply(self, number: str, author: str, text: str,
                    ownership: Ownership = Ownership.SHARED) -> DeliveryResult:
        """Send ``text`` to the customer; a waiting ticket is taken by its first replier.
        A ticket someone else owns: see `Ownership`."""
        text = (text or "").strip()
        if not text:
            raise EmptyMessage("empty reply")
        view, last_customer_message = await self._current(number)
        ticket = _open(view.ticket)
        owner = ticket.assigned_agent
        if ownership is Ownership.SHARED:
            if ticket.status == "waiting" or not owner:
                await self._assign(ticket, author, author)
        elif owner and owner != author:
            if ownership is not Ownership.TAKE_OVER:
                raise TicketOwnedByOther(number, owner)
            await self._assign(ticket, author, author, expected_owner=owner)
        elif not owner or ticket.status == "waiting":
            await self._assign(ticket, author, author, expected_owner=owner)
        result = await self._delivery.send(ticket.channel, ticket.sender_id, text_messages(text), role="staff",
                                           last_customer_message=last_customer_message)
        masked = await asyncio.to_thread(lambda: self._redactor().redact(text).text)
        await asyncio.to_thread(self._desk.add_staff_message, number, author, masked,
                                result.status, result.note)
        if result.delivered:
            await self._record(ticket, author, masked)
        return result

    async def _record(self, ticket: Ticket, author: str, masked: str) -> None:
        """The reply into the conversation: a later ticket's span never holds it, and
        the transcript of this one can be read from the conversation alone."""
        try:
            await self._rasa.append(ticket.sender_id, [staff_reply_event(masked, author)])
        except RasaUnavailable as error:  # the customer has it and the ticket has it
            logger.warning("reply on %s not recorded in the conversation: %s", ticket.number, error)

    async def note(self, number: str, author: str, text: str) -> None:
        text = (text or "").strip()
        if not text:
            raise EmptyMessage("empty note")
        masked = await asyncio.to_thread(lambda: self._redactor().redact(text).text)
        await asyncio.to_thread(self._desk.add_note, number, author, masked)

    async def resolve(self, number: str, actor: str, note: str) -> Closed:
        """Resolved: the bot asks the customer to rate the help."""
        return await self._close(number, actor, "resolved", RESOLVED_ACTION, note)

    async def hand_back(self, number: str, actor: str) -> Closed:
        return await self._close(number, actor, "handed_back", RETURNED_ACTION, "")

    async def _close(self, number: str, actor: str, status: str, action: str, note: str) -> Closed:
        view, last_customer_message = await self._current(number)
        before = _open(view.ticket)
        messages = await self._rasa.give_back(before.sender_id, action)
        masked_note = await asyncio.to_thread(lambda: self._redactor().redact(note).text) if note else ""
        ticket = await asyncio.to_thread(self._desk.close, number, status, actor, masked_note)
        if status == "handed_back":
            await self._notify(ticket, actor, self._notices.returned)
        result = await self._delivery.send(before.channel, before.sender_id, messages, role="bot",
                                           last_customer_message=last_customer_message)
        if not result.delivered:
            await asyncio.to_thread(self._desk.record, number, actor, f"close_{result.status}", result.note)
        # The closing message is in the tracker now: copy it at once (onto the ticket as closed).
        await asyncio.to_thread(self._copy_new_events, ticket)
        return Closed(ticket, result)
