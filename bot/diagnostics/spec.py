"""The diagnostics settings: data/support/diagnostics.yml, and the questions in texts.yml."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple

import yaml

from bot.texts import Texts

KINDS = ("phone", "amount", "count", "duration", "choice", "yes_no", "id", "text")
# Kinds whose answers can be told apart from any other text (an answer of such a
# kind to another question of the form fills that one; a message that is not
# one, read as a question, is a question).
STRICT_KINDS = ("phone", "amount", "count", "duration", "choice", "id")


@dataclass(frozen=True)
class SlotSpec:
    name: str
    kind: str
    optional: bool
    entity: Optional[str] = None
    from_metadata: bool = False
    # (value, words): an earlier message with one of the words fills the slot with the value
    # ("前面扣的都要退" tells what the customer expected: 要求退款).
    from_words: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class IdentifierShape:
    """What an `id` answer looks like (a run of letters, digits, * - _)."""

    min_chars: int
    max_chars: int
    min_digits: int


@dataclass(frozen=True)
class Question:
    text: str
    buttons: Tuple[Dict[str, str], ...] = ()

    def as_message(self) -> Dict[str, object]:
        message: Dict[str, object] = {"text": self.text}
        if self.buttons:
            message["buttons"] = [dict(button) for button in self.buttons]
        return message


@dataclass(frozen=True)
class DiagnosticsSpec:
    forms: Dict[str, str]             # form name -> problem intent
    slots: Dict[str, SlotSpec]
    skipped_value: str
    skip_words: FrozenSet[str]
    yes_words: FrozenSet[str]
    no_words: FrozenSet[str]
    interruptions: FrozenSet[str]
    stop_words: FrozenSet[str]
    stop_intents: FrozenSet[str]
    question_intents: FrozenSet[str]
    asking_intents: FrozenSet[str]
    question_markers: Tuple[str, ...]
    answer_intents: FrozenSet[str]
    report_openers: Tuple[str, ...]
    identifier: IdentifierShape
    choices: Dict[str, FrozenSet[str]]     # slot -> accepted words of a `choice` slot
    duration_units: Tuple[str, ...]
    duration_words: FrozenSet[str]
    metadata_keys: Tuple[str, ...]
    max_answer_chars: int
    questions: Dict[str, Dict[str, Question]]   # form -> slot -> question
    # "你问这个干嘛", "为什么要告诉你": the customer asks why we ask (see diagnostics.yml).
    why_asking: Tuple[str, ...] = ()
    why_words: Tuple[str, ...] = ()
    suspicion_words: Tuple[str, ...] = ()
    # "不对 是昨天": an answer that corrects one given before.
    correction_openers: Tuple[str, ...] = ()
    # "我不想说金额": declining a detail, and the words that name which (see diagnostics.yml).
    decline_words: Tuple[str, ...] = ()
    detail_words: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    # form -> slots kept when the customer gives them (an order number, the screen's words) but never asked.
    kept_if_given: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    # "好了付上了 谢谢", "现在登上了": the problem is solved in the middle of the questions.
    solved_words: Tuple[str, ...] = ()
    solved_not_words: Tuple[str, ...] = ()

    @classmethod
    def load(cls, support_dir: Path) -> "DiagnosticsSpec":
        path = support_dir / "diagnostics.yml"
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        asked_by_form = Texts.load(support_dir).raw("diagnostic_questions")
        slots = {}
        for name, fields in raw["slots"].items():
            if fields["kind"] not in KINDS:
                raise ValueError(f"{path}: slot {name} has unknown kind {fields['kind']!r}")
            slots[name] = SlotSpec(name=name, kind=fields["kind"], optional=bool(fields["optional"]),
                                   entity=fields.get("entity"),
                                   from_metadata=bool(fields.get("from_metadata")),
                                   from_words=tuple((str(value), tuple(str(w) for w in words))
                                                    for value, words in (fields.get("from_words") or {}).items()))
        words = lambda key: frozenset(str(w).lower() for w in raw[key])  # noqa: E731
        return cls(
            forms=dict(raw["forms"]), slots=slots, skipped_value=raw["skipped_value"],
            skip_words=words("skip_words"), yes_words=words("yes_words"), no_words=words("no_words"),
            interruptions=frozenset(raw["interruptions"]),
            stop_words=words("stop_words"), stop_intents=frozenset(raw["stop_intents"]),
            question_intents=frozenset(raw["question_intents"]),
            asking_intents=frozenset(raw["asking_intents"]),
            question_markers=tuple(raw["question_markers"]),
            answer_intents=frozenset(raw["answer_intents"]),
            report_openers=tuple(raw["report_openers"]),
            identifier=IdentifierShape(**{key: int(value) for key, value in raw["identifier"].items()}),
            choices={slot: frozenset(str(w) for w in words) for slot, words in (raw.get("choices") or {}).items()},
            duration_units=tuple(raw.get("duration_units") or ()),
            duration_words=frozenset(raw.get("duration_words") or ()),
            metadata_keys=tuple(raw["metadata_keys"]),
            max_answer_chars=int(raw["max_answer_chars"]),
            questions={form: {slot: Question(q["text"], tuple(q.get("buttons") or ()))
                              for slot, q in asked.items()}
                       for form, asked in asked_by_form.items()},
            why_asking=tuple(raw.get("why_asking") or ()),
            why_words=tuple(raw.get("why_words") or ()),
            suspicion_words=tuple(raw.get("suspicion_words") or ()),
            correction_openers=tuple(raw.get("correction_openers") or ()),
            decline_words=tuple(raw.get("decline_words") or ()),
            solved_words=tuple(raw.get("solved_words") or ()),
            solved_not_words=tuple(raw.get("solved_not_words") or ()),
            detail_words={slot: tuple(str(w) for w in words)
                          for slot, words in (raw.get("detail_words") or {}).items()},
            kept_if_given={form: tuple(names) for form, names in (raw.get("kept_if_given") or {}).items()},
        )

    @property
    def problems(self) -> FrozenSet[str]:
        """The problem intents, one per form."""
        return frozenset(self.forms.values())

    def question(self, form: str, slot: str) -> Question:
        return self.questions[form][slot]

    def missing_questions(self, form_slots: Dict[str, List[str]]) -> List[str]:
        """``form/slot`` pairs of the domain's forms that have no question or slot spec."""
        return [f"{form}/{slot}" for form, slots in form_slots.items() for slot in slots
                if slot not in self.questions.get(form, {}) or slot not in self.slots]
