"""The two loops around a handoff.

- ``handoff_summary_form``: a bare 转人工 first asks for one line about the
  problem (skippable), so the ticket says what it is about.
- ``handoff_wait_form``: after the ticket is opened, while nobody has taken it,
  every message is kept by the loop (the console copies it onto the ticket)
  and answered once in full, then briefly; 不用了 / 问题已经解决了 calls the
  handoff off. When a person takes the ticket the console pauses the
  conversation, and closing it ends the loop (bot/console/takeover.py).
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.faq import ANSWERED, answer_from_faq
from actions.secrets import warn_about_secrets
from actions.tickets import URGENT_PRIORITY, money_lost, standing
from actions.urgent import say_urgent, urgent_answered, urgent_entry
from bot.diagnostics.answers import is_question, reports_a_screen, says_solved
from bot.diagnostics.loops import SUMMARY_LOOP, WAIT_LOOP
from bot.handoff.ticket import SUMMARY_CALLED_OFF, SUMMARY_SKIPPED, current_span, owned_slots
from bot.storage.desk import TicketClosed, TicketNotFound
from bot.storage.models import CLOSED_STATUSES, Ticket
from bot.storage.tickets import TicketStoreUnavailable

logger = logging.getLogger(__name__)

CALLED_OFF = "__called_off__"
URGE = "urge"  # "还在吗", "快点": answered with the ticket's status and promise
HUMAN = "request_human"  # "转人工" again: the same (a person is already on the way)
COMPLAINT = "complain"  # "再不解决我就去投诉": acknowledged as a complaint on the ticket
THANKS = "thank"  # "ok thx": you're welcome, and when the person will reply
GOODBYE = "goodbye"  # "先这样吧": the ticket stays open, and when the person will reply
RESET_WAITING = ("handoff", "handoff_note", "handoff_followups", "requested_slot")
ASKED = "general_question"
ASKING_WHILE_WAITING = frozenset({ASKED})
# Typed text, not intents: "不用了" is what `HandoffPhrases.calls_off` reads.
SOLVED_BUTTONS = [{"title": "不用人工了", "payload": "不用了"}, {"title": "还需要人工", "payload": "还要人工客服处理"}]


def _activating(tracker: Tracker, loop: str) -> bool:
    """Whether the latest message came before ``loop`` started.

    Rasa fills a loop's from_text slot with the message that started the loop
    (the 转人工 itself, the message before the handoff): that is not an answer."""
    active: Optional[str] = None
    active_at_message: Optional[str] = None
    for event in tracker.events:
        if event.get("event") == "active_loop":
            active = event.get("name")
        elif event.get("event") == "user":
            active_at_message = active
    return active_at_message != loop


def _messages_before_summary(tracker: Tracker) -> List[Mapping[Text, Any]]:
    """The customer's messages of this handoff's span (not an earlier ticket's) up to
    the one that started the summary loop."""
    events = current_span(tracker.applied_events()).events
    starts = [i for i, e in enumerate(events)
              if e.get("event") == "active_loop" and e.get("name") == SUMMARY_LOOP]
    before = events[:starts[-1]] if starts else events
    return [e for e in before if e.get("event") == "user"]


def _described(tracker: Tracker) -> bool:
    """Whether the conversation already said what the handoff is about before
    the loop asked (its own answer is validated, not counted here)."""
    if tracker.get_slot("problem"):
        return True
    phrases = services.handoff_phrases()
    return any(phrases.describes_problem(((e.get("parse_data") or {}).get("intent") or {}).get("name"),
                                         e.get("text") or "")
               for e in _messages_before_summary(tracker))


class ValidateHandoffSummaryForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_handoff_summary_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return [] if _described(tracker) else list(domain_slots)

    def validate_handoff_summary(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if _activating(tracker, SUMMARY_LOOP):
            return {"handoff_summary": None}
        text = str(value or "")
        phrases = services.handoff_phrases()
        intent = tracker.get_intent_of_latest_message()
        if phrases.skips(text) or intent == "deny":  # 跳过 reads as stop_form to the NLU
            return {"handoff_summary": SUMMARY_SKIPPED}
        if phrases.calls_off(text) or intent == "stop_form":
            return {"handoff_summary": SUMMARY_CALLED_OFF}
        return {"handoff_summary": text}


class ActionAskHandoffSummary(Action):
    def name(self) -> Text:
        return "action_ask_handoff_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=services.replies().render("handoff_ask_summary"))
        return []


class ValidateHandoffWaitForm(FormValidationAction):
    """Keeps the loop going (the slot is emptied again) unless the customer calls it off."""

    def name(self) -> Text:
        return "validate_handoff_wait_form"

    def validate_handoff_note(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if _activating(tracker, WAIT_LOOP):
            return {"handoff_note": None}
        if services.handoff_phrases().calls_off(str(value or "")):
            return {"handoff_note": CALLED_OFF}
        count = tracker.get_slot("handoff_followups") or 0
        return {"handoff_note": None, "handoff_followups": float(count) + 1}


def problem_forgotten() -> List[Dict[Text, Any]]:
    """The slots about an ended ticket's problem emptied (`bot.handoff.ticket.owned_slots`):
    the next problem is asked about afresh, and its ticket carries only its own details."""
    return [SlotSet(name, None) for name in owned_slots(services.diagnostics())]


def ticket_ended() -> List[Dict[Text, Any]]:
    """The ticket ended: the bot answers again, and its problem is forgotten."""
    return [*problem_forgotten(), *(SlotSet(name, None) for name in RESET_WAITING)]


def _ended(tracker: Tracker) -> List[Dict[Text, Any]]:
    return [ActiveLoop(None), *ticket_ended()]


def _read_ticket(number: Optional[str]) -> Tuple[bool, Optional[Ticket]]:
    """Whether the ticket has ended (the console closed it but could not reach Rasa to
    end the loop), and the ticket as read: one read per message. With the database
    down the loop goes on, and the replies leave out what they would have read."""
    if not number:
        return True, None
    try:
        ticket = services.ticket_store().get(number)
    except TicketStoreUnavailable:
        return False, None
    return ticket is None or ticket.status in CLOSED_STATUSES, ticket


def asked_as(tracker: Tracker, text: str, ticket: Ticket) -> Optional[str]:
    """The intent to search the FAQ with when the message asks something it may answer;
    None when it does not. A question the NLU read as one, a problem of another area
    than the ticket's ("提示账号异常" while a transfer's ticket waits; more about the
    ticket's own problem is only kept for the person), or a question by its words
    ("…吗", "那登录呢 还是不行"), searched as a general question when the NLU read it as
    something else ("那换手机号那个呢 还是不行" read as deny)."""
    intent = tracker.get_intent_of_latest_message()
    spec = services.diagnostics()
    if intent in ASKING_WHILE_WAITING or (intent in spec.problems and intent != ticket.intent):
        return intent
    if is_question(text, spec) or "呢" in text:
        return intent if intent in spec.problems else ASKED
    if intent in spec.problems and reports_a_screen(text, spec):
        # "提示说 账户存在风险 请完成身份验证": a new symptom of the ticket's own problem,
        # which an entry may answer while the person is awaited.
        return intent
    return None


def meanwhile(text: str) -> str:
    """What to do while the person is on the way, after theft or a scam: the steps for
    money gone, or for a scam stopped in time ("填了卡号 验证码没填 余额没少")."""
    nothing_lost = services.handoff_phrases().says_nothing_lost(text)
    return services.replies().render("urged_nothing_lost_meanwhile" if nothing_lost else "urged_urgent_meanwhile")


def tells_theft_or_scam(dispatcher: CollectingDispatcher, tracker: Tracker, ticket: Ticket,
                        text: str) -> Optional[List[Dict[Text, Any]]]:
    """Theft or a scam told in so many words while a person is awaited ("前两天有个人说是你们
    客服 让我下载了个app"): its urgent answer (hang up, uninstall, freeze) unless the
    customer had it in this handoff, and the ticket becomes P1. Answered (with these
    events) unless this returns None. Words only (`urgent_entry`): "你帮我关掉 然后退钱" after a complaint
    about a charge, read alone by meaning, has lost the story it belongs to.

    Blocking (database): run in a worker thread."""
    entry = urgent_entry(text, words_only=True)
    if entry is None:
        return None
    replies = services.replies()
    events = say_urgent(dispatcher, tracker, entry)
    if ticket.priority != URGENT_PRIORITY:
        now = datetime.now(timezone.utc)
        try:
            services.desk().escalate(ticket.number, URGENT_PRIORITY, services.sla_clock().due(URGENT_PRIORITY, now),
                                     actor="bot", detail=replies.render("escalated_detail"))
        except (TicketClosed, TicketNotFound, TicketStoreUnavailable) as error:
            logger.error("ticket %s not raised to %s: %s", ticket.number, URGENT_PRIORITY, error)
    dispatcher.utter_message(text=replies.render("handoff_noted_urgent", ticket_number=ticket.number)
                             + meanwhile(text))
    return events


def ask_note(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Blocking (database): run in a worker thread."""
    number = tracker.get_slot("ticket_number")
    closed, ticket = _read_ticket(number)
    if closed:
        return _ended(tracker)
    count = int(tracker.get_slot("handoff_followups") or 0)
    if count == 0:
        return []  # the loop starts right after the handoff message: nothing to add
    replies = services.replies()
    text = (tracker.latest_message or {}).get("text") or ""
    intent = tracker.get_intent_of_latest_message()
    told = tells_theft_or_scam(dispatcher, tracker, ticket, text) if ticket is not None else None
    if told is not None:
        return told
    if says_solved(text, services.diagnostics()):
        # "好了付上了 谢谢": the person may no longer be needed; the customer says so with
        # a button (a "收到了" that only acknowledges the ticket must not cancel it).
        dispatcher.utter_message(text=replies.render("handoff_solved_offer", ticket_number=number),
                                 buttons=SOLVED_BUTTONS)
        return []
    lost = money_lost(ticket, urgent_answered(tracker))
    if ticket is not None and (intent in (URGE, HUMAN) or services.handoff_phrases().asks_when(text)):
        reply = replies.render("urged_with_ticket", **standing(ticket))
        if lost:
            reply += meanwhile(text)
        dispatcher.utter_message(text=reply)
        return []
    if intent == COMPLAINT and not lost:  # a scam victim's words read as a complaint get the steps
        dispatcher.utter_message(text=replies.render("handoff_complaint_noted", ticket_number=number))
        return []
    if ticket is not None and intent == THANKS:
        dispatcher.utter_message(text=replies.render("handoff_thanked", **standing(ticket)))
        return []
    if ticket is not None and intent == GOODBYE:
        # "那好吧 明天没到再找你 先拉活去了": the ticket stays open; when they will hear.
        dispatcher.utter_message(text=replies.render("handoff_goodbye", **standing(ticket))
                                 + (meanwhile(text) if lost else ""))
        return []
    asked = asked_as(tracker, text, ticket) if ticket is not None else None
    if asked is not None:
        # "那登录呢", "银行那边也有限额吗", "冻结在哪弄 我现在登不进去": answered from the
        # FAQ while the person is awaited (the message is on the ticket either way).
        outcome, _ = answer_from_faq(dispatcher, tracker, as_intent=asked, urgent_told=lost)
        if outcome == ANSWERED:
            dispatcher.utter_message(text=replies.render("handoff_noted_after_answer", ticket_number=number))
            return []
        if count > 1 and is_question(text, services.diagnostics()):
            # "那这8000我要还吗": nothing here answers it; the person will (said so, not "noted").
            kept = replies.render("handoff_question_kept", ticket_number=number)
            dispatcher.utter_message(text=kept + (meanwhile(text) if lost else ""))
            return []
    if lost and count > 1:
        # Money lost to theft or a scam: never only "noted"; what to do meanwhile, each time.
        dispatcher.utter_message(text=replies.render("handoff_noted_urgent", ticket_number=number)
                                 + meanwhile(text))
        return []
    if count == 1:
        due = services.sla_clock().describe(ticket.sla_due_at, datetime.now(timezone.utc)) if ticket else ""
        # Money lost to theft or a scam (P1): what the customer can do while waiting.
        if lost and services.handoff_phrases().says_nothing_lost(text):
            reply = replies.render("handoff_waiting", ticket_number=number, due=due) + meanwhile(text)
        else:
            waiting = "handoff_waiting_urgent" if lost else "handoff_waiting"
            reply = replies.render(waiting, ticket_number=number, due=due)
        dispatcher.utter_message(text=reply)
    else:
        dispatcher.utter_message(text=replies.render("handoff_waiting_brief", ticket_number=number))
    return []


class ActionAskHandoffNote(Action):
    def name(self) -> Text:
        return "action_ask_handoff_note"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        # A code or a card number sent while waiting is warned about too (masked on the ticket).
        warned = await services.blocking(warn_about_secrets, dispatcher, tracker)
        return warned + await services.blocking(ask_note, dispatcher, tracker)


def call_off(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Blocking (database): run in a worker thread."""
    number = tracker.get_slot("ticket_number")
    try:
        services.desk().close(number, "cancelled", actor="customer", note="客户取消转人工")
    except (TicketClosed, TicketNotFound):
        pass  # closed by staff meanwhile: the customer's wish holds either way
    except TicketStoreUnavailable as error:
        logger.error("handoff %s not cancelled: %s", number, error)
    dispatcher.utter_message(text=services.replies().render("handoff_cancelled", ticket_number=number))
    return ticket_ended()


class ActionHandoffCancelled(Action):
    def name(self) -> Text:
        return "action_handoff_cancelled"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return await services.blocking(call_off, dispatcher, tracker)


__all__ = ["ActionAskHandoffNote", "ActionAskHandoffSummary", "ActionHandoffCancelled",
           "ValidateHandoffSummaryForm",
           "ValidateHandoffWaitForm", "WAIT_LOOP"]
