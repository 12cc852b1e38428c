"""Which inbox messages may become training examples or FAQ questions, and why not (pure).

A message becomes the example the NLU export would write for it (masked again,
product names as placeholders, on one line: `bot.teaching.nlu_export.example_text`).
Refused, each with a fixed reason the console words in Chinese:

- ``evaluation``: the same as a sentence of an evaluation set, or a close paraphrase
  (the leak guard, `bot.teaching.examples.KnownExamples`): a model trained on it would
  be measured on what it learnt;
- ``training``: the training data has it already (an example; for a FAQ question,
  ``known_question``: the entry or another one has it);
- ``conflict``: approved before, or twice in this batch, as another intent;
- ``empty``, ``too_long`` (over `MAX_LENGTH` characters: a pasted text, not a way of asking).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Mapping, Sequence, Set, Tuple, TypeVar

from bot.teaching.examples import KnownExamples, normalise
from bot.teaching.nlu_export import example_text

MAX_LENGTH = 200  # the FAQ editor's longest question too
T = TypeVar("T")


@dataclass(frozen=True)
class Refused:
    text: str  # as it would have been written (masked)
    why: str


def _checked(text: str, redact: Callable[[str], str], known: KnownExamples) -> Tuple[str, str]:
    example = example_text(text, redact, known)
    if not example:
        return example, "empty"
    if len(example) > MAX_LENGTH:
        return example, "too_long"
    return example, known.where(example)


def approve_examples(messages: Sequence[Tuple[T, str]], intent: str, known: KnownExamples,
                     approved: Mapping[str, str], redact: Callable[[str], str]
                     ) -> Tuple[List[Tuple[T, str]], List[Refused]]:
    """``messages``: (message, masked text); ``approved``: normalised example -> its intent.
    Returns the (message, example) pairs to keep and the refusals."""
    kept: List[Tuple[T, str]] = []
    refused: List[Refused] = []
    for message, text in messages:
        example, why = _checked(text, redact, known)
        key = normalise(example, known.catalogue)
        if not why and approved.get(key, intent) != intent:
            why = "conflict"
        if why:
            refused.append(Refused(example, why))
            continue
        kept.append((message, example))
    return kept, refused


def faq_questions(messages: Sequence[Tuple[T, str]], known: KnownExamples, questions: Set[str],
                  redact: Callable[[str], str]) -> Tuple[List[Tuple[T, str]], List[Refused]]:
    """New questions for a FAQ entry; ``questions``: the knowledge base's, normalised
    (a repeat of one, or of another message of the batch, is left out as ``known_question``)."""
    seen = set(questions)
    kept: List[Tuple[T, str]] = []
    refused: List[Refused] = []
    for message, text in messages:
        question, why = _checked(text, redact, known)
        if why == "training":  # an NLU example may well be a good way to ask the FAQ
            why = ""
        key = normalise(question, known.catalogue)
        if not why and key in seen:
            why = "known_question"
        if why:
            refused.append(Refused(question, why))
            continue
        seen.add(key)
        kept.append((message, question))
    return kept, refused


def approved_intents(examples: Sequence[Tuple[str, str]], known: KnownExamples) -> Dict[str, str]:
    """(text, intent) pairs approved before -> normalised text -> intent."""
    return {normalise(text, known.catalogue): intent for text, intent in examples}
