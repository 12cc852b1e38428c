"""action_lookup_faq: answer the customer's question from the FAQ knowledge base."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import NLU_FALLBACK_INTENT_NAME

from actions import services
from actions.secrets import warn_about_secrets
from actions.tickets import HUMAN_BUTTON
from actions.transcript import problem_in_hand, user_events
from actions.urgent import (
    ALARM_CALLED_OFF,
    MONEY_GONE,
    customer_texts,
    is_scam_entry,
    meanwhile_step,
    scam_signs,
    steps_for,
    theft_answered,
    urgency_signals,
    urgent_entries_answered,
    urgent_entry,
)
from bot.diagnostics.answers import asks_why_we_ask, declines, is_question
from bot.faq.follow_up import ANSWER, DETAIL_INTENTS, NOT_HELPED, NOTE_DETAIL, REMIND_URGENT, Context, follow_up
from bot.faq.key_step import key_step
from bot.faq.knowledge_base import FaqEntry
from bot.faq.lookup import NOT_COVERED, URGENT, FaqService, FaqUnavailable, LookupResult
from bot.faq.topics import another_problem, sees_arrival, topic_choice
from bot.handoff.phrases import CONFIRMED
from bot.semantics.carried import carried_vector
from bot.semantics.encoder import DIMENSION
from bot.text.normalize import amount_within
from bot.urgency import THEFT

logger = logging.getLogger(__name__)

ANSWERED = "answered"
URGENT_ANSWER = "urgent"  # theft or fraud told: the urgent entry, then a person offered at once
NOT_FOUND = "not_found"
NOTED = "noted"  # a detail of the problem at hand: its questions start (data/rules)
# A password, code or ID sent ("她密码是 奶奶生日 ****** 你帮我看看对不对"): the warning
# is the reply (change it, never send it); no questions start from it (data/rules).
SECRET_SENT = "secret_sent"
ASKED_WHICH = "asked_which"  # only a topic word ("转账"): which of its questions, as buttons (bot.faq.topics)
NOT_HELPED_OUTCOME = "not_helped"  # asked again about what was just answered: sorry, a person offered
NEEDS_DECISION = "needs_decision"  # "罚息能不能免了" after the answer: a person decides; one offered
REPEATED = "repeated"  # "关掉 全部都给我关掉" after those steps: that is the way; a person offered
SIMPLIFIED = "simplified"  # "没看懂 直接说点哪" after an answer: its key step again, a person offered
DETAIL_DECLINED = "declined"  # "我不想说金额" after an answer asked for details: fine, what else can be told
ARRIVAL_SEEN = "arrived"  # "看到了 有一条写着收款1000": the money is there, said plainly
NOT_COVERED_TOPIC = "not_covered"  # a topic no entry answers ("借款自动还款没扣成功"): named, a person offered
ASKED_WHICH_ONE = "asked_which_one"  # "就那个啊": we cannot see it; which one (its reply is a detail)
# "问了 是她用我手机买的" after the theft answer: no theft. Said as `ANSWERED` (the rules
# follow an answer); `ActionLookupFaq` also ends the alarm and the problem's questions.
ALARM_OFF = "alarm_off"
REPLIES_TO_WHICH_ONE = DETAIL_INTENTS | {"out_of_scope"}  # "买的那个课" read as out of scope
# Theft or fraud told again while the offer of a person stands: no second offer,
# the person at once (a P1 handoff, data/rules).
URGENT_AGAIN = "urgent_again"
URGENT_TURNS = 2  # customer turns after the urgent answer that still continue its story
DECLINED = frozenset({"deny"})
SHORT_FALLBACK_CHARS = 8  # an unclear message this short continues the conversation
WHY_ASK_CHARS = 24  # "你问这个干嘛 是不是想骗我"; a longer message with 骗我 tells a story
SIMPLER_CHARS = 30  # "你说的我都没看懂 直接说 点哪"; a longer one may ask something new


@dataclass(frozen=True)
class RecentUrgent:
    """The urgent outcome given within the customer's last `URGENT_TURNS` messages."""

    outcome: str  # URGENT_ANSWER or URGENT_AGAIN
    declined: bool  # a later message of the customer declined the offered person


def recent_urgent(tracker: Tracker) -> Optional[RecentUrgent]:
    """One walk back over the conversation: the urgent outcome of an earlier turn, if
    it came within the customer's last `URGENT_TURNS` messages."""
    turns = 0
    declined = False
    for event in reversed(tracker.applied_events()):
        if event.get("event") == "user":
            turns += 1
            if turns > URGENT_TURNS:
                return None
            if turns > 1 and ((event.get("parse_data") or {}).get("intent") or {}).get("name") in DECLINED:
                declined = True
        elif event.get("event") == "slot" and event.get("name") == "faq_outcome":
            if turns > 0:  # set in an earlier turn, not by this one
                value = event.get("value")
                return RecentUrgent(value, declined) if value in (URGENT_ANSWER, URGENT_AGAIN) else None
    return None


def urgent_recently(tracker: Tracker) -> bool:
    """The urgent answer was given within the customer's last `URGENT_TURNS` messages."""
    recent = recent_urgent(tracker)
    return recent is not None and recent.outcome == URGENT_ANSWER


def urgent_offer_stands(tracker: Tracker) -> bool:
    """The urgent answer (and its offer of a person) came within the customer's last
    `URGENT_TURNS` messages, and none of them declined it."""
    if tracker.get_slot(ALARM_CALLED_OFF):
        return False  # "问了 是她买的": no theft, nothing to offer a person for
    recent = recent_urgent(tracker)
    return recent is not None and not recent.declined


# What a story's details are named as: not codes or numbers (an order number, an error
# code), which a password or an SMS code typed into the chat can look like.
DETAIL_ENTITIES = frozenset({"amount", "bank_name", "time_expression", "carrier"})


def gives_details(tracker: Tracker, text: str) -> bool:
    """The latest message names what a diagnostic form asks (an amount, a bank, a time...)."""
    named = {e.get("entity") for e in (tracker.latest_message or {}).get("entities") or []}
    return bool(named & DETAIL_ENTITIES) or amount_within(text) is not None


def previous_message(tracker: Tracker) -> Optional[str]:
    """The customer's message before the latest one, as typed (a button's payload skipped)."""
    typed = [e.get("text") or "" for e in user_events(tracker)[:-1]]
    return next((text for text in reversed(typed) if text and not text.startswith("/")), None)


def conversation_context(tracker: Tracker, text: str, details: bool) -> Context:
    """What the conversation says before the latest message ``text`` (see bot.faq.follow_up);
    ``details``: whether it gives details of the problem at hand (`gives_details`)."""
    return Context(previous_text=previous_message(tracker), problem=tracker.get_slot("problem"),
                   last_entry=tracker.get_slot("faq_entry"), urgent_recently=urgent_recently(tracker),
                   asks=is_question(text, services.diagnostics()), details=details)


def explain_why_we_ask(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """"你问这个干嘛 是不是想骗我" after an answer that asked for details: what they are
    for, that none is required, and a person one click away. False when the latest
    message does not ask that, or nothing was asked."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    if len(text) > WHY_ASK_CHARS or not problem_in_hand(tracker):
        return False
    if not asks_why_we_ask(text, services.diagnostics()):
        return False
    if urgency_signals(text, carried_vector(message, DIMENSION)):
        return False  # "你们的人骗我转了钱": a story of money lost, never an explanation
    dispatcher.utter_message(text=services.replies().render("why_we_ask_outside"), buttons=[HUMAN_BUTTON])
    return True


def say_simpler(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """"你说的我都没看懂 直接说 点哪" right after an answer: its key step in one line and a
    person who walks the customer through it offered. False when the message does not say
    so, says more than that (a new question is searched), or the last answer was urgent
    (its steps stand as they are)."""
    last = tracker.get_slot("faq_entry")
    service = services.faq_service()
    entry = service.entry(last) if last else None
    if entry is None or entry.urgent or len(text) > SIMPLER_CHARS:
        return False
    if not any(word in text for word in service.index.kb.settings.asks_simpler):
        return False
    dispatcher.utter_message(text=services.replies().render("answer_simpler", step=key_step(entry.answer)),
                             buttons=[HUMAN_BUTTON])
    return True


def _utter_answer(dispatcher: CollectingDispatcher, result: LookupResult, see_also: str) -> None:
    if result.answer is None:
        return
    dispatcher.utter_message(text=result.answer.answer)
    if result.suggestions:
        dispatcher.utter_message(
            text=see_also,
            buttons=[{"title": e.title, "payload": choice_payload(e)} for e in result.suggestions],
        )


def choice_payload(entry: FaqEntry) -> str:
    """Button payload that asks for one entry by id, bypassing NLU."""
    return "/general_question" + json.dumps({"faq_id": entry.id}, ensure_ascii=False)


def answer_from_faq(dispatcher: CollectingDispatcher, tracker: Tracker, continues: bool = False,
                    as_intent: Optional[str] = None, urgent_told: bool = False) -> Tuple[str, Optional[str]]:
    """Utter the best entry for the latest message, if any; return the outcome and its id.
    ``as_intent``: search as if the NLU had read this intent (a question it read as
    another kind of message); ``urgent_told``: the customer has had the urgent answer
    and a person is on the way (a message that tells it again gets no answer here).

    Blocking (may refit the index after an edit): run in a worker thread. With
    no usable knowledge base the answer is "not found", and the rules offer a person;
    after the urgent answer to theft or fraud they offer one at once."""
    service = services.faq_service()
    try:
        chosen_id = next(tracker.get_latest_entity_values("faq_id"), None)
        chosen = service.entry(chosen_id) if chosen_id else None
        if chosen is not None:
            dispatcher.utter_message(text=chosen.answer)
            return ANSWERED, chosen.id
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        intent = as_intent or tracker.get_intent_of_latest_message(skip_fallback_intent=False)
        if continues:
            replied = _reply_to_the_conversation(dispatcher, tracker, text, intent, service)
            if replied is not None:
                return replied
        topic = _topic_asked(tracker) if continues else None
        if topic is not None:
            # "没到" right after "转账遇到了什么情况？": read with the topic word it answers.
            result = _search_joined(service, f"{topic} {text}", None)
        else:
            vector = carried_vector(message, DIMENSION)
            # Once the customer said a theft was no theft, "那我现在要转出来交房租" (read
            # 0.83 fraud by meaning) is not a new alarm: only a plain story is.
            strict = tracker.get_slot(ALARM_CALLED_OFF) is True
            result = service.lookup(text, intent, vector, strict)
            problem = tracker.get_slot("problem")
            if continues and result.answer is None and problem and is_question(text, services.diagnostics()):
                # A question while a problem is in hand, read as another kind ("算了中午再弄
                # 锁多久自动解" as a general question, "订单里写的退款中 那要多久啊" as out of
                # scope): asked about that problem (its entries boosted), then of any area.
                for as_intent in dict.fromkeys(i for i in (problem, None) if i != intent):
                    retried = service.lookup(text, as_intent, vector, strict)
                    if retried.answer is not None and retried.reason != URGENT:
                        result = retried
                        break
        if urgent_told and result.answer is not None and (result.reason == URGENT or result.answer.urgent):
            return NOT_FOUND, None
        see_also = service.index.kb.settings.see_also_text
        repeated = result.answer is not None and result.answer.id == tracker.get_slot("faq_entry")
        if continues and (repeated or result.answer is None) and tracker.get_slot("faq_entry") \
                and result.reason != URGENT and services.handoff_phrases().asks_for_decision(text):
            # "罚息能不能免了", "退钱的事你帮我申请吧" after the answer: a decision only a
            # person can make; that person offered, not the same answer again.
            return NEEDS_DECISION, tracker.get_slot("faq_entry")
        if continues and repeated and intent not in DETAIL_INTENTS and result.reason != URGENT and \
                not is_question(text, services.diagnostics()) and not gives_details(tracker, text):
            # "关掉 全部都给我关掉" right after the steps to turn it off: the same answer
            # again would not help (a question answered by it, "失败了钱会退回来吗", gets it;
            # the problem told again with its details, "12800 昨晚11点 他说没收到", is noted).
            return REPEATED, tracker.get_slot("faq_entry")
        # "我从来没开过" after an answer: too short to search alone (it found the stolen-
        # account entry by its words); read with the message before it.
        after_answer = problem_in_hand(tracker)
        tells_little = intent == NLU_FALLBACK_INTENT_NAME and len(text.strip()) < SHORT_FALLBACK_CHARS and after_answer
        # "1000 昨天晚上八点 农业银行" after a problem's answer: its details, whatever they match.
        details = intent in DETAIL_INTENTS and after_answer and gives_details(tracker, text)
        if continues and result.answer is None and tracker.get_slot("faq_entry") and \
                intent in services.diagnostics().problems and gives_details(tracker, text):
            # "提了一万 收了10块" after the fee rules: the problem's details, nothing new
            # to answer; noted, and its questions start (no generic first aid).
            return NOTED, tracker.get_slot("faq_entry")
        # "用星汇转的 转到他个人卡上" right after the urgent answer to a scam: a piece of
        # the story, not a question for another entry (the arrival times).
        story_goes_on = continues and result.answer is not None and result.reason != URGENT \
            and not result.answer.urgent and not is_question(text, services.diagnostics()) and urgent_recently(tracker)
        if continues and (result.answer is None or story_goes_on
                          or (intent in DETAIL_INTENTS and (repeated or tells_little))
                          or (intent == "inform" and details)):
            # Only here is the conversation read (a pass over its events): most
            # lookups find their answer and never need it.
            context = conversation_context(tracker, text, details)
            continued = follow_up(intent, text, context,
                                  lambda joined, as_intent: _search_joined(service, joined, as_intent))
            if continued.kind == REMIND_URGENT and services.handoff_phrases().says_nothing_lost(text):
                # "没给他 我直接挂了": stopped in time; what to watch now, and whether that is all.
                dispatcher.utter_message(text=services.replies().render("urged_nothing_lost_meanwhile"))
                return ANSWERED, context.last_entry
            if continued.kind == REMIND_URGENT:
                theft = context.last_entry == service.index.kb.settings.emergency.get(THEFT)
                signs = [] if theft else scam_signs(text)
                if signs:
                    dispatcher.utter_message(text="".join(signs))
                dispatcher.utter_message(text=services.replies().render(
                    "urgent_reminder_theft" if theft else "urgent_reminder"))
                return (URGENT_AGAIN if urgent_offer_stands(tracker) else URGENT_ANSWER), context.last_entry
            if continued.kind == NOTE_DETAIL:
                return NOTED, context.last_entry
            if continued.kind == NOT_HELPED:
                return NOT_HELPED_OUTCOME, context.last_entry
            if continued.kind == ANSWER and continued.result is not None:
                result = continued.result
            elif result.answer is None or intent in DETAIL_INTENTS:
                return _not_found(dispatcher, result, intent, service, continues)
    except FaqUnavailable as error:
        logger.error("FAQ lookup skipped: %s", error)
        return NOT_FOUND, None
    if result.answer is None:
        return _not_found(dispatcher, result, intent, service, continues)
    if result.answer.id in service.index.kb.settings.helps_paying and urgent_entries_answered(tracker):
        # "你就告诉我怎么提高额度" after the scam answer: never how to move more money.
        dispatcher.utter_message(text=services.replies().render("withheld_during_scam"))
        return (URGENT_AGAIN if urgent_offer_stands(tracker) else URGENT_ANSWER), tracker.get_slot("faq_entry")
    if result.reason == URGENT and result.answer.id == tracker.get_slot("faq_entry"):
        # The same urgent story again: the answer is on the screen already; what else to
        # do now, for the step the customer is at ("卡里被转走了三千": the bank and the
        # police; "让我在星借里申请一下 再把额度转给他": nothing paid yet, do not pay).
        step = meanwhile_step(text, customer_texts(tracker)[:-1], theft_answered(tracker))
        dispatcher.utter_message(text=services.replies().render("urgent_next_steps") if step == MONEY_GONE
                                 else steps_for(text, step))
    else:
        signs = scam_signs(text) if result.reason == URGENT and is_scam_entry(result.answer) else []
        if signs:
            # "他说要转到安全账户 还说要保密": why it is a scam, then what to do.
            dispatcher.utter_message(text="".join(signs))
        _utter_answer(dispatcher, result, see_also)
    if continues and result.reason != URGENT:
        _mention_another_problem(dispatcher, text, result.answer, service)
    if result.reason != URGENT and any(w in text for w in service.index.kb.settings.needs_guidance):
        dispatcher.utter_message(text=services.replies().render("guidance_offered"), buttons=[HUMAN_BUTTON])
    if result.reason == URGENT:
        return (URGENT_AGAIN if urgent_offer_stands(tracker) else URGENT_ANSWER), result.answer.id
    return ANSWERED, result.answer.id


def _reply_to_the_conversation(dispatcher: CollectingDispatcher, tracker: Tracker, text: str,
                               intent: Optional[str], service: FaqService) -> Optional[Tuple[str, Optional[str]]]:
    """A message that answers the conversation rather than asks the FAQ: only a topic
    word, a declined detail, "why do you ask", money now seen arrived, a pointer at an
    earlier order. The reply said and its outcome; None when the FAQ is to be searched."""
    last = tracker.get_slot("faq_entry")
    if _ask_which(dispatcher, text, service):
        return ASKED_WHICH, None
    if declines(text, services.diagnostics()) and problem_in_hand(tracker) and not _tells_urgent(tracker, text):
        dispatcher.utter_message(text=services.replies().render("detail_declined_outside"), buttons=[HUMAN_BUTTON])
        return DETAIL_DECLINED, last
    if explain_why_we_ask(dispatcher, tracker):
        return DETAIL_DECLINED, last  # like a declined detail: the customer speaks next
    if say_simpler(dispatcher, tracker, text):
        return SIMPLIFIED, last
    if urgent_offer_stands(tracker) and services.handoff_phrases().asks_after_person(text):
        # "好 那人工什么时候联系我" while the urgent offer stands: taken, in other words
        # (read as a login problem by its 登录, it got the login tips).
        return URGENT_AGAIN, last
    called_off = services.handoff_phrases().calls_off_alarm(text, customer_texts(tracker)[:-1]) \
        if theft_answered(tracker) else None
    if called_off is not None:
        # After the theft answer: "收货人是我老婆" (maybe them: check first), "问了 她说用我
        # 手机买的" (them: no theft, nothing to freeze).
        dispatcher.utter_message(text=services.replies().render(
            "alarm_called_off_early" if called_off == CONFIRMED else "alarm_maybe_known"))
        return (ALARM_OFF if called_off == CONFIRMED else ANSWERED), last
    if last and sees_arrival(text, service.index.kb.settings.arrival_seen):
        dispatcher.utter_message(text=services.replies().render("arrival_seen"))
        return ARRIVAL_SEEN, last
    which_one = _which_one(dispatcher, tracker, text, intent, service)
    return (which_one, last) if which_one is not None else None


def _tells_urgent(tracker: Tracker, text: str) -> bool:
    """"他说要把钱转到安全账户 还说这事要保密": a story of theft or a scam, whatever else
    its words say (保密 is not the customer declining a detail)."""
    return urgent_entry(text, carried_vector(tracker.latest_message or {}, DIMENSION)) is not None


def _search_joined(service: FaqService, joined: str, as_intent: Optional[str]) -> LookupResult:
    """Search messages joined together (their embedding is computed here: the NLU
    carried only the latest message's)."""
    embeddings = services.embeddings()
    vector = embeddings.message(joined) if embeddings is not None else None
    return service.lookup(joined, as_intent, vector)


def _not_found(dispatcher: CollectingDispatcher, result: LookupResult, intent: Optional[str],
               service: FaqService, continues: bool) -> Tuple[str, Optional[str]]:
    """Nothing to answer. A topic no entry answers is said to be one ("借款还款方面的
    问题我这边答不了") with a person one click away, rather than a problem's generic first
    aid or "please rephrase"; otherwise the rules decide (data/rules)."""
    topic = service.index.kb.topic(result.not_covered) if result.reason == NOT_COVERED else None
    if not continues or topic is None or not topic.name or intent == "out_of_scope":
        return NOT_FOUND, None
    dispatcher.utter_message(text=services.replies().render("not_covered_topic", topic=topic.name),
                             buttons=[HUMAN_BUTTON])
    return NOT_COVERED_TOPIC, None


def _which_one(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, intent: Optional[str],
               service: FaqService) -> Optional[str]:
    """"就那个啊 你们不是说会退吗" after an answer: we cannot see earlier orders or chats,
    so which one; the short reply that follows ("买的那个课") is a detail of the
    problem (noted: its questions start). None: neither."""
    if intent not in REPLIES_TO_WHICH_ONE or not problem_in_hand(tracker):
        return None
    if tracker.get_slot("faq_outcome") == ASKED_WHICH_ONE and not is_question(text, services.diagnostics()):
        return NOTED
    if intent in DETAIL_INTENTS and any(ref in text for ref in service.index.kb.settings.earlier_refs):
        dispatcher.utter_message(text=services.replies().render("cannot_see_earlier"), buttons=[HUMAN_BUTTON])
        return ASKED_WHICH_ONE
    return None


def _topic_asked(tracker: Tracker) -> Optional[str]:
    """The customer's previous message when it was only a topic word and the bot asked
    which question it meant (faq_outcome still says so): this message answers that."""
    return previous_message(tracker) if tracker.get_slot("faq_outcome") == ASKED_WHICH else None


def _mention_another_problem(dispatcher: CollectingDispatcher, text: str, answer: FaqEntry,
                             service: FaqService) -> None:
    """"我登录不上，而且转账失败了": the transfer answered, the login not forgotten."""
    other = another_problem(text, answer.area, service.index.kb.settings.problem_phrases)
    if other is not None:
        dispatcher.utter_message(text=services.replies().render("another_problem_noticed", problem=other.name))


def _ask_which(dispatcher: CollectingDispatcher, text: str, service: FaqService) -> bool:
    """Ask which of a topic's questions is meant when ``text`` is only its word."""
    topic = topic_choice(text, service.index.kb.settings.topics)
    if topic is None:
        return False
    entries = [entry for entry in (service.entry(i) for i in topic.entries) if entry is not None]
    if not entries:
        return False
    dispatcher.utter_message(text=topic.prompt,
                             buttons=[{"title": e.title, "payload": choice_payload(e)} for e in entries])
    return True


class ActionLookupFaq(Action):
    def name(self) -> Text:
        return "action_lookup_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        events = await services.blocking(warn_about_secrets, dispatcher, tracker)
        outcome, entry_id = await services.blocking(answer_from_faq, dispatcher, tracker, True)
        if events and outcome in (NOTED, NOT_FOUND):
            outcome = SECRET_SENT  # a secret is never a detail to ask more about
        if outcome == ARRIVAL_SEEN:
            events.append(SlotSet("problem", None))  # the money is there: no problem to ask about
        if outcome == ALARM_OFF:
            # No theft after all: no problem left to ask the details of.
            events += [SlotSet(ALARM_CALLED_OFF, True), SlotSet("problem", None)]
            outcome = ANSWERED
        # Without an answer, data/rules decide what follows: first aid for a
        # known problem, "not sure, want a human?" for anything else.
        return events + [SlotSet("faq_outcome", outcome), SlotSet("faq_entry", entry_id)]


class ActionAnswerDuringForm(Action):
    """A question asked instead of answering a diagnostic question: answered from the
    FAQ, and the form asks its question again next. A question nothing here answers
    ("我们两口子不行吗", "你直接说能不能今天到") is the person's to answer: the questions
    left are skipped, so the form ends in the handoff with the question on the ticket,
    instead of asking the customer the same thing again."""

    def name(self) -> Text:
        return "action_answer_during_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        events = await services.blocking(warn_about_secrets, dispatcher, tracker)
        outcome, _ = await services.blocking(answer_from_faq, dispatcher, tracker)
        problem = tracker.get_slot("problem")
        if outcome == NOT_FOUND and problem and problem != tracker.get_intent_of_latest_message():
            # "算了中午再弄 锁多久自动解" read as a general question: asked about the
            # problem whose questions are going on (its entries boosted).
            outcome, _ = await services.blocking(answer_from_faq, dispatcher, tracker, as_intent=problem)
        if outcome == NOT_FOUND:
            dispatcher.utter_message(text=services.replies().render("faq_not_found_in_form"))
            events += _questions_left_skipped(tracker, domain)
        return events


def _questions_left_skipped(tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """Every question of the active form not answered yet, marked as not given."""
    form = tracker.active_loop.get("name") if tracker.active_loop else None
    required = ((domain.get("forms") or {}).get(form) or {}).get("required_slots") or []
    skipped = services.diagnostics().skipped_value
    return [SlotSet(slot, skipped) for slot in required if tracker.get_slot(slot) is None]
