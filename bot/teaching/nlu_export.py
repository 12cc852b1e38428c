"""Staff's intent corrections and the examples approved in the misunderstood inbox as one
Rasa NLU training file (data/nlu format).

Each corrected customer turn becomes an example of the intent staff picked, each
approved message one of the intent it was approved as:
on one line, passed through the PII redactor once more (the text was masked
when the transcript was written; a second pass costs little and catches a
recognizer added since), product names written as placeholders like the rest
of the training data, square brackets made full-width so that Rasa never reads
them as entity markup. Left out, and counted: turns the training data or an
evaluation set already has (the leak guard's comparison), a sentence staff
labelled with two different intents (a reviewer decides), and answers marked
wrong (they say what not to do, not what an intent looks like).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Dict, List, Sequence, Tuple

from bot.storage.corrections import CorrectionRecord
from bot.teaching.examples import KnownExamples, normalise

RASA_VERSION = "3.1"
WHITESPACE = re.compile(r"\s+")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
BRACKETS = str.maketrans({"[": "［", "]": "］"})


@dataclass(frozen=True)
class Skipped:
    text: str  # as it would have been written
    why: str  # training | evaluation | conflict | unknown_intent | empty


@dataclass(frozen=True)
class NluExport:
    yaml: str
    examples: Dict[str, List[str]]  # intent -> examples written
    skipped: List[Skipped] = field(default_factory=list)
    answers_marked_wrong: int = 0

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.examples.values())


def example_text(text: str, redact: Callable[[str], str], known: KnownExamples) -> str:
    """The training example for a customer's (masked) message."""
    line = WHITESPACE.sub(" ", CONTROL.sub(" ", redact(text))).strip()
    return known.catalogue.normalise(line).translate(BRACKETS)


def _render(examples: Dict[str, List[str]], generated: datetime) -> str:
    return _nlu_file(examples, [
        "# Staff corrections and examples approved in the console (python -m bot export-nlu), "
        f"{generated:%Y-%m-%d %H:%M %Z}.",
        "# Review each example (the intent, entity annotations such as [2000块](amount)),",
        "# then move the file into data/nlu/ and run `make train`."])


def _nlu_file(examples: Dict[str, List[str]], comments: List[str], entities_reviewed: bool = True) -> str:
    lines = [f'version: "{RASA_VERSION}"', *comments, "nlu:"]
    for intent, found in examples.items():
        lines += [f"- intent: {intent}"]
        if not entities_reviewed:
            lines += ["  metadata:", "    entities_reviewed: false"]
        lines += ["  examples: |"] + [f"    - {e}" for e in found]
    if not examples:
        lines[-1] = "nlu: []"
    return "\n".join(lines) + "\n"


def export_nlu(corrections: Sequence[CorrectionRecord], known: KnownExamples, intents: Sequence[str],
               redact: Callable[[str], str], generated: datetime,
               approved: Sequence[Tuple[str, str]] = ()) -> NluExport:
    """The training file for ``corrections`` (oldest first: the newest correction of a turn
    is the one in the store) and the examples ``approved`` in the inbox ((text, intent),
    oldest first); ``intents``: the domain's, in the order to write them."""
    labelled: List[Tuple[str, str]] = []
    answers = 0
    for correction in corrections:
        if correction.kind == "answer":
            answers += 1
        elif correction.kind == "intent" and not correction.new_faq_question:
            labelled.append((correction.text, correction.corrected_intent or ""))
    labelled += list(approved)
    picked: Dict[str, Tuple[str, str]] = {}  # normalised -> (intent, example)
    conflicts: Dict[str, str] = {}
    skipped: List[Skipped] = []
    for text, intent in labelled:
        example = example_text(text, redact, known)
        why = ("empty" if not example else "unknown_intent" if intent not in intents
               else known.where(example))
        if why:
            skipped.append(Skipped(example, why))
            continue
        key = normalise(example, known.catalogue)
        if key in conflicts or (key in picked and picked[key][0] != intent):
            conflicts.setdefault(key, picked.pop(key, (intent, example))[1])
            continue
        picked.setdefault(key, (intent, example))
    skipped += [Skipped(example, "conflict") for example in conflicts.values()]
    examples: Dict[str, List[str]] = {}
    for intent in intents:
        found = [example for wanted, example in picked.values() if wanted == intent]
        if found:
            examples[intent] = found
    return NluExport(_render(examples, generated), examples, skipped, answers)


def unreviewed_training_file(export: NluExport) -> str:
    """The export as a console candidate trains on it (the same examples every time it is asked,
    the same text): each intent marked ``entities_reviewed: false``, since nobody annotated
    their entities (the CRF leaves them out, bot.rasa_ext.nlu.crf_entity_extractor)."""
    return _nlu_file(export.examples, ["# Examples approved in the console; their entities were not reviewed."],
                     entities_reviewed=False)
