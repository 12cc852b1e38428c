"""Theft and fraud told in the customer's own words, found with a lexicon kept in data.

Customers rarely write 被盗 or 诈骗. They tell what happened: money left at night
while they slept, an unknown phone appeared among the login devices, a caller who
said he was customer service asked for the code. The lexicon
(``theft_fraud`` in data/support/priorities.yml) lists such cues in two kinds:

- ``theft``: someone else used the account (the emergency-freeze answer);
- ``fraud``: the customer was talked into paying or giving a code away.

A cue is a phrase that says it alone (不是我操作), or groups of words that say it
together, one word of each group anywhere in the message (凌晨 + 转走 + 不认识).
A word right after a negation (没被盗, 不是诈骗) does not count, nor does a word
in a clause about prevention or other people (新闻说谁的账户被盗, 怎么防止被骗).

The same lexicon gives a ticket its P1 priority (bot.handoff.priority) and sends
the message to the urgent FAQ answer (bot.faq.lookup), so the two never disagree.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Protocol, Sequence, Tuple

import yaml

from bot.text.simplify import to_simplified

if TYPE_CHECKING:
    import numpy as np

THEFT = "theft"
FRAUD = "fraud"
KINDS = (THEFT, FRAUD)
# How many characters may stand between a negation and the word it denies (没发现被盗).
MAX_GAP = 2
# 过 right before 去 or 来 is a direction (没转过去: the transfer did not go through),
# not the 过 of experience (没转过: never transferred).
_DIRECTION_AFTER_GUO = ("去", "来")
_CLAUSE_END = re.compile(r"[\s,.!?;:，。！？；：、~～…]+")


class LexiconError(ValueError):
    """The theft_fraud section is malformed."""


@dataclass(frozen=True)
class Cue:
    """One way of telling theft or fraud: one word of each group, anywhere in the
    message or, ``in_order``, each group's word after the previous group's."""

    kind: str
    groups: Tuple[Tuple[str, ...], ...]
    in_order: bool = False


@dataclass(frozen=True)
class Signal:
    """What the message tells: the kind and the words that said it."""

    kind: str
    evidence: Tuple[str, ...]


class UrgencyDetector(Protocol):
    """What the FAQ lookup and the priority rules ask: the lexicon, or the lexicon and
    the model of bot.urgency_by_meaning."""

    def signals(self, text: str, vector: Optional["np.ndarray"] = None) -> List[Signal]:
        """``vector``: the message's sentence embedding, when the NLU already computed it."""
        ...

    def any_in(self, texts: Sequence[str]) -> bool: ...

    def words_only(self) -> "UrgencyDetector":
        """The lexicon alone: for messages whose meaning, read apart from the story they
        belong to, says little ("还在转", a reply to a form's question)."""
        ...

    def strict(self) -> "UrgencyDetector":
        """The lexicon, and meaning only when it is sure: for messages that ask for
        something else (a person, a complaint), where anger reads like alarm."""
        ...

    def rules_out(self, text: str, vector: Optional["np.ndarray"] = None) -> bool:
        """Whether ``text`` surely tells no theft or scam: meaning reads it as ordinary
        with little doubt. The lexicon alone cannot tell (False)."""
        ...


def _occurrences(text: str, word: str) -> List[int]:
    return [m.start() for m in re.finditer(re.escape(word), text)]


def normalize(text: str) -> str:
    """Simplified characters, full-width to half-width, lower case (as the FAQ search sees text)."""
    return unicodedata.normalize("NFKC", to_simplified(text)).lower()


def _words(raw: Any, where: str) -> Tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(w, str) and w for w in raw):
        raise LexiconError(f"theft_fraud: {where} must be a list of words, got {raw!r}")
    return tuple(normalize(w) for w in raw)


class UrgencyLexicon:
    """Finds theft and fraud cues in a message; read-only once built."""

    def __init__(self, cues: Sequence[Cue], negations: Sequence[str] = (),
                 questions: Sequence[str] = (), hearsay: Sequence[str] = ()) -> None:
        self.cues = tuple(cues)
        self._negations = tuple(normalize(w) for w in negations)
        self._questions = tuple(normalize(w) for w in questions)
        self._hearsay = tuple(normalize(w) for w in hearsay)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> "UrgencyLexicon":
        cues: List[Cue] = []
        for kind in KINDS:
            section = raw.get(kind) or {}
            for phrase in section.get("phrases") or ():
                cues.append(Cue(kind, (_words(phrase, f"{kind}.phrases"),)))
            for key, in_order in (("together", False), ("in_order", True)):
                for groups in section.get(key) or ():
                    if not isinstance(groups, list) or len(groups) < 2:
                        raise LexiconError(f"theft_fraud: {kind}.{key} needs 2+ groups, got {groups!r}")
                    cues.append(Cue(kind, tuple(_words(g, f"{kind}.{key}") for g in groups), in_order))
        if not cues:
            raise LexiconError("theft_fraud: no cues")
        return cls(cues, raw.get("negations") or (), raw.get("questions") or (), raw.get("hearsay") or ())

    @classmethod
    def load(cls, path: Path) -> "UrgencyLexicon":
        """The ``theft_fraud`` section of a rules file (data/support/priorities.yml)."""
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "theft_fraud" not in data:
            raise LexiconError(f"{path}: no theft_fraud section")
        return cls.from_mapping(data["theft_fraud"])

    def _denied(self, before: str) -> bool:
        """A negation ends at most MAX_GAP characters before the word (没被盗, 没发现被盗),
        and is not part of a question (是不是被盗, 有没有被骗)."""
        for negation in self._negations:
            at = before.rfind(negation)
            if at < 0 or len(before) - (at + len(negation)) > MAX_GAP:
                continue
            asked = any(q_at <= at and q_at + len(q) >= at + len(negation)
                        for q in self._questions for q_at in _occurrences(before, q))
            if not asked:
                return True
        return False

    def _asked(self, text: str, start: int) -> bool:
        """The word begins inside a question word: 不是我操作 in 是不是我操作错了."""
        return any(q_at < start < q_at + len(q) for q in self._questions
                   for q_at in _occurrences(text[: start + len(q)], q))

    def _counts(self, text: str, start: int, word: str) -> bool:
        """Whether ``word`` found at ``start`` is said, not denied, asked, nor told of others or of prevention."""
        if word.endswith("过") and text[start + len(word): start + len(word) + 1] in _DIRECTION_AFTER_GUO:
            return False
        clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
        before = text[clause_start:start]
        return (not self._denied(before) and not self._asked(text, start)
                and not any(h in before + word for h in self._hearsay))

    def _find(self, text: str, group: Sequence[str], after: int = 0) -> Optional[Tuple[int, str]]:
        """The first place at or after ``after`` where a word of ``group`` counts, and the word."""
        places = [(start, word) for word in group for start in _occurrences(text, word)
                  if start >= after and self._counts(text, start, word)]
        return min(places) if places else None

    def _matches(self, text: str, cue: Cue) -> Optional[List[str]]:
        matched: List[str] = []
        after = 0
        for group in cue.groups:
            place = self._find(text, group, after)
            if place is None:
                return None
            matched.append(place[1])
            if cue.in_order:
                after = place[0] + len(place[1])
        return matched

    def words_only(self) -> "UrgencyLexicon":
        return self

    def strict(self) -> "UrgencyLexicon":
        return self

    def rules_out(self, text: str, vector: Optional["np.ndarray"] = None) -> bool:
        return False

    def signals(self, text: str, vector: Optional["np.ndarray"] = None) -> List[Signal]:
        """Every kind the message tells of (at most one signal per kind), in KINDS order;
        the words alone decide (``vector`` is not read)."""
        normalized = normalize(text)
        found: Dict[str, List[str]] = {}
        for cue in self.cues:
            matched = self._matches(normalized, cue)
            if matched is not None:
                evidence = found.setdefault(cue.kind, [])
                evidence.extend(w for w in matched if w not in evidence)
        return [Signal(kind, tuple(found[kind])) for kind in KINDS if kind in found]

    def detect(self, text: str) -> Optional[Signal]:
        """The first kind told of, or None."""
        signals = self.signals(text)
        return signals[0] if signals else None

    def any_in(self, texts: Sequence[str]) -> bool:
        return any(self.signals(t) for t in texts)
