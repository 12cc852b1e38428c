"""A message the FAQ cannot place on its own, read with the conversation it continues.

Customers answer in pieces: "2000 昨天下午 工商银行" after a transfer answer,
"每个月19块那个" after a billing one, "可是他有警官证照片" after the urgent answer
to a scam. Alone these find nothing, and asking "which kind of problem?" again
tells the customer we forgot. Here such a message is searched again together
with the customer's previous message; a detail of a known problem is noted and a
person offered; right after the urgent answer, an unclear message gets the
scam warning again and a person at once. The joined search never gives the
urgent answer by itself: theft and fraud are read in one message of the customer's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from bot.faq.lookup import URGENT, LookupResult

# Intents that carry a piece of the story rather than a question of their own.
DETAIL_INTENTS = frozenset({"inform", "nlu_fallback"})

ANSWER = "answer"  # the joined message found an entry not given yet
REMIND_URGENT = "remind_urgent"  # still the urgent story: warn again, offer a person
NOTE_DETAIL = "note_detail"  # a detail of the problem at hand: noted, a person offered
NOTHING = "nothing"  # no context: the usual "not found" follows
NOT_HELPED = "not_helped"  # asked again about what was just answered: it did not help, a person offered


@dataclass(frozen=True)
class Context:
    """What the conversation says before this message."""

    previous_text: Optional[str] = None  # the customer's previous message
    problem: Optional[str] = None  # the problem raised (its intent), if any
    last_entry: Optional[str] = None  # the FAQ entry answered last
    urgent_recently: bool = False  # the urgent answer was given within the last turns
    asks: bool = False  # this message reads as a question ("那个「我的」是什么")
    details: bool = False  # this message gives details a form asks for (an amount, a bank, a time)


@dataclass(frozen=True)
class FollowUp:
    kind: str
    result: Optional[LookupResult] = None  # for ANSWER


Search = Callable[[str, Optional[str]], LookupResult]  # (text, intent) -> result


def repeats_last(result: LookupResult, context: Context) -> bool:
    """The search found the answer the customer was just given."""
    return result.answer is not None and result.answer.id == context.last_entry


def follow_up(intent: Optional[str], text: str, context: Context, search: Search) -> FollowUp:
    """What to do with a message whose own search found nothing new.

    ``search`` runs the bot's FAQ search (blocking); it is called at most once, with
    the previous message and this one joined, searched as the problem's intent."""
    if context.urgent_recently:
        return FollowUp(REMIND_URGENT)
    if intent not in DETAIL_INTENTS:
        return FollowUp(NOTHING)
    if context.details and (context.problem or context.last_entry):
        # "两万 前天 浦发" after a problem's answer: its details, not a new question
        # (joined with the story they can match another entry, even a scam's).
        return FollowUp(NOTE_DETAIL)
    if context.previous_text:
        joined = search(f"{context.previous_text} {text}", context.problem or intent)
        # Theft and fraud are read in what the customer said in one message: two
        # harmless ones joined ("我转错人了" + "两千五") must not start the urgent answer.
        if joined.answer is not None and joined.reason != URGENT and not repeats_last(joined, context):
            return FollowUp(ANSWER, joined)
        if context.asks and repeats_last(joined, context):
            # "没解决 我问的是为什么我这次被收了" after the fee rules: the same answer again
            # would not help, and "I did not understand" would be untrue.
            return FollowUp(NOT_HELPED)
    if (context.problem or context.last_entry) and not context.asks:
        # A question nothing answers is not a detail of the problem: not noted.
        return FollowUp(NOTE_DETAIL)
    return FollowUp(NOTHING)
