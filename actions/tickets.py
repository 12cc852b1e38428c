"""Where a customer's ticket stands: asked for (action_ticket_status) or urged
(action_answer_urge: "还在吗", "快点给我处理", "人呢")."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.secrets import warn_about_secrets
from actions.transcript import problem_in_hand
from actions.urgent import told_in_words
from bot.handoff.priority import ORDER
from bot.storage.models import OPEN_STATUSES, Ticket
from bot.storage.tickets import TicketStoreUnavailable

HUMAN_BUTTON = {"title": "转人工", "payload": "/request_human"}
URGENT_PRIORITY = ORDER[0]  # theft and scams (or a complaint raised to it)


def standing(ticket: Ticket) -> Dict[str, str]:
    """The ticket's number, status and promised reply time, as the reply texts name them."""
    statuses = services.texts().replies("ticket_statuses")
    return {"ticket_number": ticket.number,
            "status": statuses.render(ticket.status) if ticket.status in statuses else ticket.status,
            "due": services.sla_clock().describe(ticket.sla_due_at, datetime.now(timezone.utc))}


def money_lost(ticket: Optional[Ticket], urgent_answered: bool) -> bool:
    """A P1 ticket about money lost to theft or a scam: its replies say what to do
    meanwhile (freeze the bank card, 110). Not every P1 is one: a transfer to the wrong
    person is urgent too, and a complaint raises a login problem to P1 ("傻X" in its
    questions). ``urgent_answered``: the bot gave the theft or scam answer in this
    conversation; otherwise the lexicon's words in the customer's messages must tell it
    (a message read later by meaning alone, "给你发红包" in a complaint, does not)."""
    if ticket is None or ticket.priority != URGENT_PRIORITY:
        return False
    if urgent_answered:
        return True
    return told_in_words([m.text for m in ticket.messages if m.role == "user"])


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
    dispatcher.utter_message(text=replies.render("ticket_status", **standing(ticket)))


def answer_urge(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Impatience or "are you there": the open ticket's status and promise; with none,
    we are here, tell us the problem (or, right after an answer, try it or take a
    person), a person at one click. Blocking (database)."""
    replies = services.replies()
    try:
        ticket = services.ticket_store().latest_for_sender(tracker.sender_id)
    except TicketStoreUnavailable:
        ticket = None
    if ticket is not None and ticket.sender_id == tracker.sender_id and ticket.status in OPEN_STATUSES:
        dispatcher.utter_message(text=replies.render("urged_with_ticket", **standing(ticket)))
        return
    # "我就是想快点登上" right after an answer: that answer's problem, a person at one click.
    dispatcher.utter_message(text=replies.render("urged_after_answer" if problem_in_hand(tracker)
                                                 else "urged_without_ticket"),
                             buttons=[HUMAN_BUTTON])


class ActionTicketStatus(Action):
    def name(self) -> Text:
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        warned = await services.blocking(warn_about_secrets, dispatcher, tracker)
        if warned:
            # "是这个吗 482913 你帮我看看对不对": the number is a code, not a ticket's.
            return warned
        await services.blocking(tell_status, dispatcher, tracker)
        return []


class ActionAnswerUrge(Action):
    def name(self) -> Text:
        return "action_answer_urge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        warned = await services.blocking(warn_about_secrets, dispatcher, tracker)
        await services.blocking(answer_urge, dispatcher, tracker)
        return warned
