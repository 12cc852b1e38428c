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
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from typing import Any, Callable, Dict, List, Mapping, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.faq import ANSWERED, NOT_FOUND, answer_from_faq
from actions.secrets import warn_about_secrets
from actions.tickets import URGENT_PRIORITY, money_lost, standing
from actions.urgent import (
    ALARM_CALLED_OFF,
    MONEY_GONE,
    bot_texts,
    customer_texts,
    meanwhile_step,
    say_urgent,
    steps_for,
    theft_answered,
    urgent_answered,
    urgent_entry,
)
from bot.diagnostics.answers import is_question, reports_a_screen, says_solved
from bot.diagnostics.loops import SUMMARY_LOOP, WAIT_LOOP
from bot.handoff.phrases import CONFIRMED
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
RESET_WAITING = ("handoff", "handoff_note", "handoff_followups", ALARM_CALLED_OFF, "requested_slot")
ASKED = "general_question"
ASKING_WHILE_WAITING = frozenset({ASKED})
# "那登录呢", "那换手机号那个呢": a question by its 那…呢 ("付款页面还开着呢" is not one).
ASKS_ABOUT_ANOTHER = re.compile(r"那[^，。,.!！?？\s]{0,12}呢")
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
    if is_question(text, spec) or ASKS_ABOUT_ANOTHER.search(text):
        return intent if intent in spec.problems else ASKED
    if intent in spec.problems and reports_a_screen(text, spec):
        # "提示说 账户存在风险 请完成身份验证": a new symptom of the ticket's own problem,
        # which an entry may answer while the person is awaited.
        return intent
    return None


@dataclass(frozen=True)
class Waiting:
    """One message while a person is awaited, and what its reply is read against."""

    dispatcher: CollectingDispatcher
    tracker: Tracker
    ticket: Optional[Ticket]
    number: Optional[str]
    text: str
    intent: Optional[str]
    count: int  # messages kept since the handoff, this one included
    lost: bool  # money lost to theft or a scam (`money_lost`)
    theft: bool = False  # the account itself was taken (`theft_answered`)
    told: Tuple[str, ...] = ()  # the customer's earlier messages of this span (`customer_texts`)
    said: Tuple[str, ...] = ()  # what the bot said in this span (`bot_texts`)

    @cached_property
    def step(self) -> str:
        """The step the customer is at (`meanwhile_step`), read once per message."""
        return meanwhile_step(self.text, self.told, self.theft)

    def meanwhile(self) -> str:
        return steps_for(self.text, self.step)


@dataclass
class Reply:
    """What a step says after what it uttered itself: ``text`` (none: all said),
    followed by the steps for money lost when ``meanwhile`` and money was lost."""

    text: str = ""
    buttons: List[Dict[Text, Any]] = field(default_factory=list)
    events: List[Dict[Text, Any]] = field(default_factory=list)
    meanwhile: bool = False


def _theft_or_scam(w: Waiting) -> Optional[Reply]:
    """Theft or a scam told in so many words ("前两天有个人说是你们客服 让我下载了个app"):
    its urgent answer (hang up, uninstall, freeze) unless the customer had it in this
    handoff, and the ticket becomes P1. Words only (`urgent_entry`): "你帮我关掉 然后退钱"
    after a complaint about a charge, read alone by meaning, has lost the story it belongs to."""
    entry = urgent_entry(w.text, words_only=True) if w.ticket is not None else None
    if entry is None or w.ticket is None:
        return None
    replies = services.replies()
    events = say_urgent(w.dispatcher, w.tracker, entry)
    if w.ticket.priority != URGENT_PRIORITY:
        now = datetime.now(timezone.utc)
        try:
            services.desk().escalate(w.ticket.number, URGENT_PRIORITY, services.sla_clock().due(URGENT_PRIORITY, now),
                                     actor="bot", detail=replies.render("escalated_detail"))
        except (TicketClosed, TicketNotFound, TicketStoreUnavailable) as error:
            logger.error("ticket %s not raised to %s: %s", w.ticket.number, URGENT_PRIORITY, error)
    # Always the steps: the words just told money lost (or a scam stopped in time).
    return Reply(replies.render("handoff_noted_urgent", ticket_number=w.ticket.number)
                 + w.meanwhile(), events=events)


def _alarm_called_off(w: Waiting) -> Optional[Reply]:
    """"问了 是我老婆用我手机买的": no theft after all. Relief, no more freezing steps, and a
    note on the ticket so the person can close it (the customer may cancel it at once)."""
    if w.ticket is None or not (w.lost and w.theft) or \
            services.handoff_phrases().calls_off_alarm(w.text, w.told) != CONFIRMED:
        return None
    replies = services.replies()
    try:
        services.desk().add_note(w.ticket.number, "bot", replies.render("alarm_called_off_note"))
    except (TicketClosed, TicketNotFound, TicketStoreUnavailable) as error:
        logger.error("no note on ticket %s: %s", w.ticket.number, error)
    return Reply(replies.render("alarm_called_off", ticket_number=w.number), buttons=SOLVED_BUTTONS,
                 events=[SlotSet(ALARM_CALLED_OFF, True)])


def _solved(w: Waiting) -> Optional[Reply]:
    """"好了付上了 谢谢": the person may no longer be needed; the customer says so with a
    button (a "收到了" that only acknowledges the ticket must not cancel it)."""
    if not says_solved(w.text, services.diagnostics()):
        return None
    return Reply(services.replies().render("handoff_solved_offer", ticket_number=w.number), buttons=SOLVED_BUTTONS)


def _urged(w: Waiting) -> Optional[Reply]:
    """"还在吗", "快点", 转人工 again, "什么时候有人": the ticket's standing and promise."""
    if w.ticket is None or not (w.intent in (URGE, HUMAN) or services.handoff_phrases().asks_when(w.text)):
        return None
    return Reply(services.replies().render("urged_with_ticket", **standing(w.ticket)), meanwhile=True)


def _complaint(w: Waiting) -> Optional[Reply]:
    """"再不解决我就去投诉": noted as a complaint. A scam victim's words the NLU read as a
    complaint get the later steps instead."""
    top = w.tracker.get_intent_of_latest_message(skip_fallback_intent=False)
    if w.intent != COMPLAINT or top != COMPLAINT or w.lost:
        # Only the NLU's own first reading: "收到了 来了四五条 用哪个", unclear and complain
        # only next, is a question to answer.
        return None
    return Reply(services.replies().render("handoff_complaint_noted", ticket_number=w.number))


def _thanked(w: Waiting) -> Optional[Reply]:
    if w.ticket is None or w.intent != THANKS:
        return None
    return Reply(services.replies().render("handoff_thanked", **standing(w.ticket)))


def _goodbye(w: Waiting) -> Optional[Reply]:
    """"那好吧 明天没到再找你 先拉活去了": the ticket stays open; when they will hear."""
    if w.ticket is None or w.intent != GOODBYE:
        return None
    return Reply(services.replies().render("handoff_goodbye", **standing(w.ticket)), meanwhile=True)


def _asked(w: Waiting) -> Optional[Reply]:
    """"那登录呢", "银行那边也有限额吗", "冻结在哪弄 我现在登不进去": answered from the FAQ
    while the person is awaited (the message is on the ticket either way); a later
    question nothing answers ("那这8000我要还吗") is promised to the person, not "noted"."""
    asked = asked_as(w.tracker, w.text, w.ticket) if w.ticket is not None else None
    if asked is None:
        return None
    replies = services.replies()
    # "那我之前转的那几笔 能追回来吗" read as the ticket's problem: searched again as a
    # general question; "锁多久自动解" read as a general one: again as the ticket's problem.
    tries = list(dict.fromkeys(i for i in (asked, ASKED, w.ticket.intent if w.ticket else None) if i))
    outcome = None
    for intent in tries:
        outcome, _ = answer_from_faq(w.dispatcher, w.tracker, as_intent=intent, urgent_told=w.lost)
        if outcome != NOT_FOUND:
            break
    if outcome == ANSWERED:
        return Reply(replies.render("handoff_noted_after_answer", ticket_number=w.number))
    if w.count > 1 and is_question(w.text, services.diagnostics()):
        return Reply(replies.render("handoff_question_kept", ticket_number=w.number), meanwhile=True)
    return None


def _money_gone_now(w: Waiting) -> Optional[Reply]:
    """"账单里有一笔付款 2000 给一个什么商贸" after a scam stopped, the customer thought,
    in time: the money left after all. The steps for money gone, never an FAQ entry about
    charges one does not recognise."""
    if not w.lost or w.step != MONEY_GONE or services.handoff_phrases().tells_money_gone(w.told):
        return None
    return _lost_again(w)  # its reply, ahead of the steps that would answer otherwise


def _lost_again(w: Waiting) -> Optional[Reply]:
    """Money lost to theft or a scam: never only "noted"; what to do meanwhile, each time."""
    if not (w.lost and w.count > 1):
        return None
    return Reply(services.replies().render("handoff_noted_urgent", ticket_number=w.number), meanwhile=True)


def _first(w: Waiting) -> Optional[Reply]:
    """The first message after the handoff: the ticket and when a person replies; after
    money lost, that a person replies first, or the steps for a scam stopped in time."""
    if w.count != 1:
        return None
    replies = services.replies()
    due = services.sla_clock().describe(w.ticket.sla_due_at, datetime.now(timezone.utc)) if w.ticket else ""
    if w.lost and w.step != MONEY_GONE:
        return Reply(replies.render("handoff_waiting", ticket_number=w.number, due=due), meanwhile=True)
    waiting = "handoff_waiting_urgent" if w.lost else "handoff_waiting"
    return Reply(replies.render(waiting, ticket_number=w.number, due=due))


def _later(w: Waiting) -> Optional[Reply]:
    return Reply(services.replies().render("handoff_waiting_brief", ticket_number=w.number))


# The first step that replies wins: a scam told beats "solved", urging beats a complaint.
STEPS: Tuple[Callable[[Waiting], Optional[Reply]], ...] = (
    _theft_or_scam, _alarm_called_off, _money_gone_now, _solved, _urged, _complaint, _thanked, _goodbye, _asked,
    _lost_again, _first, _later)


def ask_note(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Blocking (database): run in a worker thread."""
    number = tracker.get_slot("ticket_number")
    closed, ticket = _read_ticket(number)
    if closed:
        return _ended(tracker)
    count = int(tracker.get_slot("handoff_followups") or 0)
    if count == 0:
        return []  # the loop starts right after the handoff message: nothing to add
    text = (tracker.latest_message or {}).get("text") or ""
    lost = money_lost(ticket, urgent_answered(tracker)) and not tracker.get_slot(ALARM_CALLED_OFF)
    waiting = Waiting(dispatcher, tracker, ticket, number, text, tracker.get_intent_of_latest_message(), count,
                      lost, theft_answered(tracker), tuple(customer_texts(tracker)[:-1]), tuple(bot_texts(tracker)))
    for step in STEPS:
        reply = step(waiting)
        if reply is None:
            continue
        if reply.text:
            dispatcher.utter_message(text=reply.text + (_steps(waiting) if reply.meanwhile else ""),
                                     buttons=reply.buttons)
        return reply.events
    return []


def _steps(w: Waiting) -> str:
    """The steps for money lost, after a reply; once said in these words, a line pointing
    back to them (the same block under every message read as not listening)."""
    if not w.lost:
        return ""
    replies = services.replies()
    if any(replies.render(w.step) in line for line in w.said):
        return replies.render("meanwhile_said")
    return w.meanwhile()


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
