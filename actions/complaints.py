"""action_read_complaint: a complaint about money goes to a person with its problem
area; one about our service gets the feedback channel and a person offered
(bot.complaints decides which; data/rules/rules.yml acts on ``complaint_about``)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.faq import ANSWERED, answer_from_faq, explain_why_we_ask, say_simpler
from actions.tickets import HUMAN_BUTTON
from actions.transcript import answered_in_span
from actions.urgent import urgency_signals, urgent_entries_answered
from bot.complaints import PROBLEM, SCAM_DOUBTED, SERVICE, SIMPLER, VENTING_PROBLEM, WHY_ASKED, read_complaint
from bot.faq.lookup import URGENT
from bot.faq.topics import named_problem
from bot.semantics.carried import carried_vector
from bot.semantics.encoder import DIMENSION
from bot.urgency import FRAUD


def read(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Blocking (the urgency model, the FAQ index): run in a worker thread."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    ranking = [(str(r.get("name")), float(r.get("confidence") or 0.0))
               for r in message.get("intent_ranking") or []]
    urgent = bool(urgency_signals(text, carried_vector(message, DIMENSION), strict=True))
    if not urgent and explain_why_we_ask(dispatcher, tracker):
        return [SlotSet("complaint_about", WHY_ASKED)]
    if not urgent and say_simpler(dispatcher, tracker, text):
        return [SlotSet("complaint_about", SIMPLER)]
    settings = services.faq_service().index.kb.settings
    if not urgent and _doubts_the_scam_answer(tracker, text, settings.emergency.get(FRAUD)):
        dispatcher.utter_message(text=services.replies().render("scam_doubted"), buttons=[HUMAN_BUTTON])
        return [SlotSet("complaint_about", SCAM_DOUBTED)]
    named = named_problem(text, settings.problem_phrases)
    complaint = read_complaint(text, ranking, services.complaint_words(), urgent,
                               named=settings.intent_of(named.area) if named is not None else None)
    events: List[Dict[Text, Any]] = [SlotSet("complaint_about", complaint.about)]
    if complaint.area is not None:
        events.append(SlotSet("problem", complaint.area))
    if complaint.about == VENTING_PROBLEM and complaint.area is not None:
        events += _sorry_then_answer(dispatcher, tracker, complaint.area)
    if complaint.about == PROBLEM and complaint.area is not None:
        events += _what_they_can_do_now(dispatcher, tracker, complaint.area)
    if complaint.about == SERVICE:
        dispatcher.utter_message(text=services.replies().render("complaint_service_sorry"))
        entry = services.faq_service().entry(services.complaint_words().feedback_entry)
        if entry is not None:
            dispatcher.utter_message(text=entry.answer)
        dispatcher.utter_message(text=services.replies().render("complaint_offer_person"), buttons=[HUMAN_BUTTON])
    return events


def _doubts_the_scam_answer(tracker: Tracker, text: str, scam_entry: Optional[str]) -> bool:
    """Anger right after the scam answer that asks for no complaint to be taken ("他不是
    骗子 我们聊了半年了 你们不懂就别乱说", "我不想报警 丢人"): the customer doubts or
    resists the warning; an apology for our service would drop it."""
    if scam_entry is None or scam_entry not in urgent_entries_answered(tracker):
        return False
    words = services.complaint_words()
    return any(word in text for word in words.doubts_scam) and not any(word in text for word in words.requests)


def _sorry_then_answer(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> List[Dict[Text, Any]]:
    """"你们这破app又登不上了": sorry, then the problem's answer (its first aid when no
    entry fits); data/rules asks whether it helped."""
    dispatcher.utter_message(text=services.replies().render("complaint_sorry_then_answer"))
    _, entry = answer_from_faq(dispatcher, tracker, as_intent=intent)
    if entry is None:
        dispatcher.utter_message(response=f"utter_first_aid_{intent}")
    return [SlotSet("faq_outcome", ANSWERED), SlotSet("faq_entry", entry)]


def _what_they_can_do_now(dispatcher: CollectingDispatcher, tracker: Tracker, area: str) -> List[Dict[Text, Any]]:
    """"写的是会员连续包月 我根本没开过 你们这是乱扣钱", "人脸做了好几次都失败": the
    problem's answer (what the customer can do now) before the handoff the rules make,
    when an entry answers it and this conversation did not give it already."""
    message = tracker.latest_message or {}
    result = services.faq_service().lookup(message.get("text") or "", area, carried_vector(message, DIMENSION))
    if result.answer is None or result.reason == URGENT or result.answer.urgent \
            or result.answer.id in answered_in_span(tracker):
        return []
    dispatcher.utter_message(text=result.answer.answer)
    return [SlotSet("faq_entry", result.answer.id)]


class ActionReadComplaint(Action):
    def name(self) -> Text:
        return "action_read_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return await services.blocking(read, dispatcher, tracker)
