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


def nlu_examples(path: Path) -> List[Example]:
    """The intent examples of a Rasa NLU file (entity markup removed by Rasa's reader)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data = RasaYAMLReader().read(str(path))
    return [Example(str(m.get("intent")), str(m.get("text"))) for m in data.intent_examples]


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


def load_agent(model: Path) -> Any:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # otherwise every parse is printed
    return Agent.load(str(model))


async def intents_of(agent: Any, texts: Sequence[str], step: Callable[[], None]) -> List[str]:
    """The model's intent (after its fallback) of each text; ``step`` after each."""
    found = []
    for text in texts:
        parsed = await agent.parse_message(text)
        found.append(str(parsed["intent"]["name"]))
        step()
    return found
