"""The misunderstood inbox's messages: where the bot was unsure or wrong, read from Rasa's
events (the tracker store) and from staff's corrections. Blocking (two databases and
the PII redactor): the console calls it in a worker thread.

- unsure turns and FAQ searches without an answer: `bot.teaching.misread`, from the
  ``events`` table as the reports read it (bot.reports.sources);
- turns staff corrected (another intent, or 新的FAQ问题) and turns whose answer staff
  marked wrong: the corrections store.

The texts are masked where they are stored (the tracker store, the transcripts) and
masked again here, by the redactor given, before anyone sees them. One customer
message read from both places (a corrected turn the bot was also unsure of) is one
inbox message with both keys. A key names the message's row and its time, so that a
row id used again (SQLite reuses the largest after a deletion) names another message.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Callable, Dict, List, Optional, Tuple

from bot.storage.corrections import CorrectedTurn, CorrectionStore
from bot.storage.models import NEW_FAQ_QUESTION
from bot.storage.tracker_events import TrackerEvents
from bot.teaching.misread import ANSWER_WRONG, CORRECTED, SOURCES, Thresholds, UnsureTurn, turns_of

SAME_TURN = timedelta(minutes=10)  # a transcript's time and the tracker's for one message


@dataclass(frozen=True)
class InboxMessage:
    keys: Tuple[str, ...]
    sender_id: str
    text: str  # masked
    at: datetime  # when the customer wrote it
    sources: Tuple[str, ...]  # bot.teaching.misread SOURCES, in that order
    intent: Optional[str]  # the intent staff gave it, else the bot's best reading

    @property
    def key(self) -> str:
        return self.keys[0]


def tracker_key(turn: UnsureTurn) -> str:
    return f"t{turn.event_id}-{int(turn.timestamp)}"


def correction_key(turn: CorrectedTurn) -> str:
    return f"c{turn.correction_id}-{int(turn.created_at.timestamp())}"


def from_tracker(sender_id: str, turn: UnsureTurn, redact: Callable[[str], str]) -> InboxMessage:
    return InboxMessage((tracker_key(turn),), sender_id, redact(turn.text), turn.at, turn.sources, turn.intent)


def from_correction(turn: CorrectedTurn, redact: Callable[[str], str]) -> InboxMessage:
    source = CORRECTED if turn.kind == "intent" else ANSWER_WRONG
    intent = turn.corrected_intent if turn.kind == "intent" and turn.corrected_intent != NEW_FAQ_QUESTION \
        else turn.predicted_intent
    return InboxMessage((correction_key(turn),), turn.sender_id, redact(turn.text), turn.sent_at or turn.created_at,
                        (source,), intent)


def merged(first: InboxMessage, second: InboxMessage) -> InboxMessage:
    """One message read from two places: both keys, every source; staff's intent wins."""
    sources = tuple(s for s in SOURCES if s in first.sources or s in second.sources)
    intent = second.intent if CORRECTED in second.sources else first.intent or second.intent
    return replace(first, keys=first.keys + second.keys, sources=sources, intent=intent)


def combine(tracked: List[InboxMessage], corrected: List[InboxMessage]) -> List[InboxMessage]:
    """Both lists as one, a corrected turn folded into the tracker's copy of it; newest first."""
    found = list(tracked)
    index: Dict[Tuple[str, str], List[int]] = {}
    for position, message in enumerate(found):
        index.setdefault((message.sender_id, message.text.strip()), []).append(position)
    for message in corrected:
        twin = next((p for p in index.get((message.sender_id, message.text.strip()), [])
                     if abs(found[p].at - message.at) <= SAME_TURN), None)
        if twin is None:
            found.append(message)
        else:
            found[twin] = merged(found[twin], message)
    return sorted(found, key=lambda m: (m.at, m.key), reverse=True)


class InboxSources:
    def __init__(self, tracker: TrackerEvents, corrections: CorrectionStore, limits: Thresholds,
                 redact: Callable[[str], str]) -> None:
        self._tracker = tracker
        self._corrections = corrections
        self._limits = limits
        self._redact = redact

    def read(self, since: datetime) -> List[InboxMessage]:
        """Every inbox message of customers' turns since ``since``, newest first."""
        rows = self._tracker.turns_since(since.timestamp())
        tracked = [from_tracker(sender, turn, self._redact)
                   for sender, turns in turns_of(rows, self._limits).items() for turn in turns
                   if turn.at >= since]
        corrected = [from_correction(turn, self._redact) for turn in self._corrections.corrected_turns(since)]
        return combine(tracked, corrected)
