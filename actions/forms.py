"""Validation actions of the four diagnostic forms (one per problem area).

Each run of a form calls its validation action, which
- reads the answer to the current question (`bot.diagnostics.answers`) when the
  customer has just replied; an unusable answer is explained and asked again;
- fills details the customer already gave (entities of earlier messages, the
  device from the channel's metadata), so they are never asked;
- asks the next question (texts and buttons: data/support/diagnostics.yml)
  and sets `requested_slot`; none left ends the form. Details the form keeps
  but does not ask (`kept_if_given`: an order number, the screen's words) are
  filled the same way when the customer gives them.
A reply that is not an answer to the question asked (a question, a problem of
another area, 转人工, 算了, 你好: `bot.diagnostics.answers.is_interruption`)
extracts nothing, so Rasa rejects the form for that turn and the rules in
data/rules/diagnostics.yml answer it by its intent; the next run asks the same
question again.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions import services
from actions.secrets import sends_secret, warn_about_secrets
from actions.transcript import user_events
from actions.urgent import say_urgent, urgent_answered, urgent_entries_answered, urgent_entry
from bot.diagnostics.answers import (
    Reading,
    asks_why_we_ask,
    corrects,
    declined_details,
    declines,
    fits_elsewhere,
    is_interruption,
    prefill,
    read_answer,
    says_solved,
    without_correction,
)
from bot.diagnostics.spec import DiagnosticsSpec
from bot.faq.knowledge_base import FaqEntry
from bot.handoff.ticket import SOLVED_SLOT
from bot.semantics.carried import carried_vector
from bot.semantics.encoder import DIMENSION

SKIP_AFTER = 2  # an optional question whose answer could not be used this many times in a row is skipped
PROBLEM_SLOT = "problem"  # domain.yml: the problem area raised last, set from its intent
HUMAN_INTENT = "request_human"


def answering(tracker: Tracker, form: str) -> bool:
    """True when the latest message replies to the form's question: nothing but
    the form itself has run since it (Rasa calls this action with the form's
    own ActionExecuted appended). After an activation or an interruption that
    other actions answered, the question is only asked (again)."""
    since_user: List[str] = []
    for event in reversed(tracker.applied_events()):
        if event.get("event") == "user":
            break
        if event.get("event") == "action":
            since_user.append(event.get("name"))
    return set(since_user) <= {form, "action_listen"}


def times_asked(tracker: Tracker, slot: str) -> int:
    """How many of the customer's latest messages in a row replied while ``slot`` was
    the question (answers that could not be used, or questions answered between)."""
    count = 0
    replied = False  # a user message seen whose question is not known yet
    for event in reversed(tracker.applied_events()):
        if event.get("event") == "slot" and event.get("name") == REQUESTED_SLOT and replied:
            if event.get("value") != slot:
                break
            count += 1
            replied = False
        elif event.get("event") == "user":
            if replied:  # no question was set before it: not a reply to the form
                break
            replied = True
    return count


def _urgent_told(tracker: Tracker, text: str) -> Optional[FaqEntry]:
    """The urgent entry for theft or a scam the reply tells: in the lexicon's words, or
    by meaning once the conversation already told one (the story goes on; a form's
    ordinary reply, "转了两万 昨天 工行", is not read by meaning alone).

    Blocking (the model): run in a worker thread."""
    return urgent_entry(text, carried_vector(tracker.latest_message or {}, DIMENSION),
                        words_only=not urgent_answered(tracker))


def _urgent_on_starting(tracker: Tracker, text: str) -> Optional[FaqEntry]:
    """The urgent entry when the message that starts the questions tells theft or a scam
    (by words or meaning: it is a message of its own, "我们老板在微信上让我马上转给供应商
    说他在开会不方便接电话" read as a request for a person), or asks for a person once
    the conversation told one. Blocking (the model): run in a worker thread."""
    entry = urgent_entry(text, carried_vector(tracker.latest_message or {}, DIMENSION), strict=True)
    if entry is not None:
        return entry
    if tracker.get_intent_of_latest_message() != HUMAN_INTENT:
        return None
    answered = sorted(urgent_entries_answered(tracker))
    return services.faq_service().entry(answered[0]) if answered else None


def _person_at_once(tracker: Tracker, text: str) -> bool:
    """"算了你直接给我找个人吧": a person asked for now, without questions first."""
    return tracker.get_intent_of_latest_message() == HUMAN_INTENT and services.handoff_phrases().wants_at_once(text)


def _no_questions_first(tracker: Tracker, text: str) -> bool:
    """The form about to start asks nothing: a person wanted at once, or theft or a scam
    told (the urgent answer and the handoff, P1). Blocking (the model): run in a worker thread."""
    return _person_at_once(tracker, text) or _urgent_on_starting(tracker, text) is not None


class ActionBeforeHandoffQuestions(Action):
    """Before the questions a request for a person starts: says that a few come first,
    unless none will (`_no_questions_first`): then the handoff's own message follows."""

    def name(self) -> Text:
        return "action_before_handoff_questions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        if not await services.blocking(_no_questions_first, tracker, text):
            dispatcher.utter_message(text=services.replies().render("diagnostics_before_handoff"))
        return []


class DiagnosticsFormValidation(FormValidationAction):
    """Shared by the four forms; a subclass only names its form."""

    form: str = ""

    def name(self) -> Text:
        return f"validate_{self.form}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        spec = services.diagnostics()
        form_slots = self.domain_slots(domain)
        kept = [slot for slot in spec.kept_if_given.get(self.form, ()) if slot not in form_slots]
        requested = tracker.get_slot(REQUESTED_SLOT)
        replying = requested in form_slots and answering(tracker, self.form)
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        intent = tracker.get_intent_of_latest_message(skip_fallback_intent=False)
        entities = message.get("entities") or []
        if replying and says_solved(text, spec):
            # "好了付上了 谢谢": no more questions; the form ends and the handoff it
            # would have led to says so instead of opening a ticket (actions/handoff.py).
            return [SlotSet(SOLVED_SLOT, True), SlotSet(REQUESTED_SLOT, None)]
        if requested is None:
            entry = await services.blocking(_urgent_on_starting, tracker, text)
            if entry is not None:
                # No questions for a customer losing money: the urgent answer (unless given
                # already) and the handoff at once, P1 (data/rules: all details collected).
                return say_urgent(dispatcher, tracker, entry) + [SlotSet(REQUESTED_SLOT, None)]
            if _person_at_once(tracker, text):
                # The handoff at once, with what the conversation already told.
                given = self._already_given(tracker, form_slots + kept, spec, exclude=None)
                return [*(SlotSet(slot, value) for slot, value in given.items()), SlotSet(REQUESTED_SLOT, None)]
        if replying:
            entry = await services.blocking(_urgent_told, tracker, text)
            if entry is not None:
                # "我已经转了两万过去了 就刚才" at a question: no more questions. The urgent
                # answer (unless given already), and the form ends in the handoff, P1 by
                # the same detector (data/rules: all details collected, hand over).
                return say_urgent(dispatcher, tracker, entry) + [SlotSet(REQUESTED_SLOT, None)]
        if replying and await services.blocking(sends_secret, tracker):
            # "我把码发给你你看看对不对 385621": a code, a password or an ID is never the
            # answer to a question (nor kept as one); warned about, the question again.
            warned = await services.blocking(warn_about_secrets, dispatcher, tracker)
            dispatcher.utter_message(**spec.question(self.form, requested).as_message())
            return warned + [SlotSet(requested, None), SlotSet(REQUESTED_SLOT, requested)]
        if replying and asks_why_we_ask(text, spec):
            # Not an answer, not a question for the FAQ: what the question is for, then it again.
            dispatcher.utter_message(text=services.replies().render("why_we_ask"))
            dispatcher.utter_message(**spec.question(self.form, requested).as_message())
            return [SlotSet(requested, None), SlotSet(REQUESTED_SLOT, requested)]
        declined = replying and declines(text, spec)
        if replying and not declined and is_interruption(spec.slots[requested], text, intent, entities, spec,
                                                         problem=spec.forms.get(self.form)):
            return []

        found: Dict[str, Any] = {}
        if declined:
            # "我不想说金额": not asked again, required or not; the details it names are skipped.
            dispatcher.utter_message(text=services.replies().render("detail_declined"))
            named = declined_details(text, spec) & set(form_slots + kept)
            for slot in named or {requested}:
                if slot == requested or tracker.get_slot(slot) is None:
                    found[slot] = spec.skipped_value
        elif replying:
            reading = read_answer(spec.slots[requested], text, intent, entities, spec)
            elsewhere = None
            if reading.problem is not None:
                still_open = [spec.slots[s] for s in form_slots + kept
                              if s != requested and tracker.get_slot(s) is None]
                elsewhere = fits_elsewhere(still_open, text, entities, spec)
                if elsewhere is None and corrects(text, spec):
                    answered = [spec.slots[s] for s in form_slots
                                if s != requested and tracker.get_slot(s) is not None]
                    elsewhere = fits_elsewhere(answered, text, entities, spec)
                    if elsewhere is not None and isinstance(elsewhere[1], str):
                        elsewhere = (elsewhere[0], without_correction(elsewhere[1], spec))
            if elsewhere is not None:
                # "3次" asked how long they waited: it answers "how many times"; ask again.
                found[elsewhere[0]] = elsewhere[1]
                dispatcher.utter_message(text=services.replies().render("noted_elsewhere"))
            elif reading.problem is not None and spec.slots[requested].optional \
                    and times_asked(tracker, requested) >= SKIP_AFTER:
                # Asked again once already: not asked a third time, the form goes on.
                dispatcher.utter_message(text=services.replies().render("skipped_after_retry"))
                reading = Reading(spec.skipped_value)
            elif reading.problem is not None:
                dispatcher.utter_message(text=services.replies().render(reading.problem))
            found[requested] = reading.value
        found.update(self._already_given(tracker, form_slots + kept, spec,
                                        exclude=requested if replying else None))
        if any(isinstance(value, str) and spec.slots[slot].kind == "id" for slot, value in found.items()):
            found = await services.blocking(_masked_identifiers, found, spec)

        events = [SlotSet(slot, value) for slot, value in found.items()]
        problem = spec.forms.get(self.form)
        if problem and tracker.get_slot(PROBLEM_SLOT) != problem:
            # A problem of another area asked in the middle was answered, and its
            # intent set `problem`: the ticket stays with the form's problem.
            events.append(SlotSet(PROBLEM_SLOT, problem))
        events += await services.blocking(warn_about_secrets, dispatcher, tracker) if replying else []
        next_slot = next((s for s in form_slots
                          if found.get(s, tracker.get_slot(s)) is None), None)
        if next_slot:
            dispatcher.utter_message(**spec.question(self.form, next_slot).as_message())
        return events + [SlotSet(REQUESTED_SLOT, next_slot)]

    @staticmethod
    def _already_given(tracker: Tracker, form_slots: List[str], spec: DiagnosticsSpec,
                       exclude: Optional[str]) -> Dict[str, Any]:
        """Empty slots that earlier messages or the channel's metadata can fill."""
        history = user_events(tracker)
        found = {}
        for slot in form_slots:
            if slot != exclude and tracker.get_slot(slot) is None:
                value = prefill(spec.slots[slot], history, spec)
                if value is not None:
                    found[slot] = value
        return found


def _masked_identifiers(found: Dict[str, Any], spec: DiagnosticsSpec) -> Dict[str, Any]:
    """Identifiers masked as they will be stored (a card number typed as the order
    number keeps its first and last four digits), since a handoff in this very
    turn masks only `text` answers. Blocking (spaCy): run in a worker thread."""
    redactor = services.redactor()
    return {slot: (redactor.redact(value).text if isinstance(value, str) and spec.slots[slot].kind == "id"
                   else value)
            for slot, value in found.items()}


class ValidateAccountForm(DiagnosticsFormValidation):
    form = "account_form"


class ValidateTransferForm(DiagnosticsFormValidation):
    form = "transfer_form"


class ValidateSmsForm(DiagnosticsFormValidation):
    form = "sms_form"


class ValidateBillingForm(DiagnosticsFormValidation):
    form = "billing_form"
