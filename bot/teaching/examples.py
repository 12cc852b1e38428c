"""The sentences the NLU already knows: the training data (data/nlu) and the
evaluation sets (tests/nlu), compared as the leak guard compares them
(tests/unit/data/test_training_data.py): entity markup removed, product names
written as placeholders, lower case, without spaces, punctuation or underscores.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List

import yaml

from bot.text.catalogue import Catalogue

ENTITY_MARKUP = re.compile(r"\[([^\]]+)\]\([^)]+\)|\[([^\]]+)\]\{[^}]+\}")
NOT_COMPARED = re.compile(r"[\s\W_]+")
TRAINING_DIR = Path("data") / "nlu"
EVALUATION_DIR = Path("tests") / "nlu"


def plain(example: str) -> str:
    """An example as a customer would type it: ``[5000块](amount)`` -> ``5000块``."""
    return ENTITY_MARKUP.sub(lambda m: m.group(1) or m.group(2), example).strip()


def normalise(text: str, catalogue: Catalogue) -> str:
    """What two sentences must share to count as the same example."""
    return NOT_COMPARED.sub("", catalogue.normalise(text).lower())


def examples_by_intent(paths: Iterable[Path]) -> Dict[str, List[str]]:
    """The plain examples of every ``intent`` block of Rasa NLU YAML files."""
    found: Dict[str, List[str]] = {}
    for path in paths:
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []) or []:
            if "intent" in block:
                lines = [line.strip()[2:] for line in str(block.get("examples") or "").splitlines()
                         if line.strip().startswith("- ")]
                found.setdefault(block["intent"], []).extend(plain(line) for line in lines)
    return found


@dataclass(frozen=True)
class KnownExamples:
    """Normalised examples of the training data and of every evaluation set."""

    training: FrozenSet[str]
    evaluation: FrozenSet[str]
    catalogue: Catalogue

    @classmethod
    def load(cls, project_dir: Path, catalogue: Catalogue) -> "KnownExamples":
        def normalised(folder: Path) -> FrozenSet[str]:
            examples = examples_by_intent(sorted((project_dir / folder).glob("*.yml")))
            return frozenset(normalise(e, catalogue) for found in examples.values() for e in found)

        return cls(normalised(TRAINING_DIR), normalised(EVALUATION_DIR), catalogue)

    def where(self, text: str) -> str:
        """``training``, ``evaluation`` or "" (not known)."""
        key = normalise(text, self.catalogue)
        if key in self.training:
            return "training"
        return "evaluation" if key in self.evaluation else ""
