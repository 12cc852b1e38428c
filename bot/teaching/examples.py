"""The sentences the NLU already knows: the training data (data/nlu) and the
evaluation sets, compared as the leak guard compares them
(tests/unit/data/test_training_data.py): entity markup removed, product names
written as placeholders, lower case, without spaces, punctuation or underscores.

Evaluation sentences are those of tests/nlu, the real development set
(REAL_DEV_FILE, when it is there) and the blind sets (tests/blind): a sentence
is one of them when it is the same, or a close paraphrase (character bigrams
overlapping 75 % or more, the data tests' rule for the real development and blind
sets), so that no approved example or FAQ question can carry one into training.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple

import yaml

from bot.text.catalogue import Catalogue

ENTITY_MARKUP = re.compile(r"\[([^\]]+)\]\([^)]+\)|\[([^\]]+)\]\{[^}]+\}")
NOT_COMPARED = re.compile(r"[\s\W_]+")
TRAINING_DIR = Path("data") / "nlu"
EVALUATION_DIR = Path("tests") / "nlu"
BLIND_DIR = Path("tests") / "blind"
CLOSE = 0.75  # bigram Jaccard overlap from which a sentence is a close paraphrase


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


def bigrams(text: str, catalogue: Catalogue) -> FrozenSet[str]:
    """The character bigrams the close-paraphrase rule compares (one for a single character)."""
    squeezed = normalise(text, catalogue)
    return frozenset(squeezed[i:i + 2] for i in range(len(squeezed) - 1)) or frozenset([squeezed])


def blind_sentences(project_dir: Path) -> List[str]:
    """The customer sentences of every blind set under tests/blind (each round's stories
    and conversation turns)."""
    found: List[str] = []
    for path in sorted((project_dir / BLIND_DIR).rglob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found += [str(s["text"]) for s in raw.get("stories") or [] if s.get("text")]
        found += [str(t["user"]) for c in raw.get("conversations") or [] for t in c.get("turns") or []
                  if t.get("user")]
    return found


class CloseSentences:
    """Bigram sets of sentences, indexed by bigram: which one a text closely paraphrases."""

    def __init__(self, sentences: Iterable[FrozenSet[str]]) -> None:
        self._sets: Tuple[FrozenSet[str], ...] = tuple(s for s in sentences if s)
        self._by_bigram: Dict[str, List[int]] = {}
        for index, grams in enumerate(self._sets):
            for gram in grams:
                self._by_bigram.setdefault(gram, []).append(index)

    def close_to(self, grams: FrozenSet[str]) -> bool:
        shared: Dict[int, int] = {}
        for gram in grams:
            for index in self._by_bigram.get(gram, ()):
                shared[index] = shared.get(index, 0) + 1
        return any(count / (len(grams) + len(self._sets[index]) - count) >= CLOSE
                   for index, count in shared.items())


@dataclass(frozen=True)
class KnownExamples:
    """Normalised examples of the training data and of every evaluation set."""

    training: FrozenSet[str]
    evaluation: FrozenSet[str]
    catalogue: Catalogue
    close: Optional[CloseSentences] = None  # the evaluation sentences, for close paraphrases

    @classmethod
    def load(cls, project_dir: Path, catalogue: Catalogue, real_dev: Optional[Path] = None) -> "KnownExamples":
        """``real_dev``: the real development set (a TSV with a ``text`` column), if there is one."""
        def examples(folder: Path) -> List[str]:
            found = examples_by_intent(sorted((project_dir / folder).glob("*.yml")))
            return [e for texts in found.values() for e in texts]

        evaluation = examples(EVALUATION_DIR) + blind_sentences(project_dir)
        if real_dev is not None and real_dev.is_file():
            from bot.teaching.evaluation import real_dev_examples

            evaluation += [e.text for e in real_dev_examples(real_dev)]
        return cls(frozenset(normalise(e, catalogue) for e in examples(TRAINING_DIR)),
                   frozenset(normalise(e, catalogue) for e in evaluation), catalogue,
                   CloseSentences(bigrams(e, catalogue) for e in evaluation))

    def where(self, text: str) -> str:
        """``training``, ``evaluation`` (the same as an evaluation sentence or a close
        paraphrase of one) or "" (not known)."""
        key = normalise(text, self.catalogue)
        if key in self.training:
            return "training"
        if key in self.evaluation:
            return "evaluation"
        close = self.close is not None and self.close.close_to(bigrams(text, self.catalogue))
        return "evaluation" if close else ""
