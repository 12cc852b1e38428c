"""Measuring a model on the evaluation sets, inside the training process (never in the
console): load it with Rasa's Agent, parse each message, count (`bot.teaching.gate`'s
figures). Sentences stay in this process; only counts are written out.

Sets: the held-out set (tests/nlu/holdout.yml, as `make test-nlu`), the real
development set (REAL_DEV_FILE, scored "routed right"; measured, never trained on)
and the newly approved examples of the candidate (what staff corrected).
"""
from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence

from bot.teaching.routing import routed_right

HOLDOUT = Path("tests/nlu/holdout.yml")


@dataclass(frozen=True)
class Example:
    intent: str
    text: str


Rule = Callable[[str, str, str], bool]  # wanted, given, text -> right


def exact(wanted: str, given: str, text: str) -> bool:
    return wanted == given


RULES: Dict[str, Rule] = {"holdout": exact, "real_dev": routed_right, "approved": exact}


def real_dev_examples(path: Path) -> List[Example]:
    with path.open(encoding="utf-8") as handle:
        return [Example(row["intent"], row["text"]) for row in csv.DictReader(handle, delimiter="\t")]


def figures(examples: Sequence[Example], given: Sequence[str], rule: Rule) -> Dict[str, Any]:
    per_intent: Dict[str, List[int]] = {}
    confusions: Counter = Counter()
    right = 0
    for example, got in zip(examples, given):
        ok = rule(example.intent, got, example.text)
        right += ok
        counts = per_intent.setdefault(example.intent, [0, 0])
        counts[0] += ok
        counts[1] += 1
        if not ok:
            confusions[f"{example.intent}>{got}"] += 1
    return {"n": len(examples), "right": right, "per_intent": per_intent, "confusions": dict(confusions)}
