"""Calibration study: which fallback rule catches wrong intents without losing right ones.

Each labelled message is parsed once by the trained model; the rules are then
tried on the predictions (no retraining):

- ``threshold``: FallbackClassifier's floor on the top intent's confidence;
- ``ambiguity``: its ambiguity_threshold (fall back when the first two intents
  are closer than this);
- per-intent floors: one floor per predicted intent, chosen on the first set
  (the dev set) and only measured on the others;
- ECE: expected calibration error (10 bins), how far confidence is from accuracy.

A rule is good when it catches many wrong predictions ("wrong_caught") and few
right ones ("right_lost"): a wrong answer costs more than "please rephrase",
but a right one lost is a customer asked to repeat himself.

Usage: python bench/tune_fallback.py models/<model>.tar.gz [sets ...]
(default tests/nlu/dev.yml; rules are chosen on the first set given).
"""
from __future__ import annotations

import asyncio
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
MARKUP = re.compile(r"\[([^\]]+)\]\([^)]+\)")
THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
AMBIGUITIES = [0.0, 0.05, 0.1, 0.2, 0.3, 0.5]
FLOORS = [0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]


@dataclass(frozen=True)
class Prediction:
    expected: str
    intent: str
    confidence: float
    second: float  # the runner-up's confidence

    @property
    def right(self) -> bool:
        return self.intent == self.expected


def holdout_examples(path: Path) -> List[Tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (MARKUP.sub(r"\1", line.strip()[2:]), block["intent"])
        for block in data["nlu"] if "intent" in block
        for line in block["examples"].splitlines() if line.strip().startswith("- ")
    ]


async def predictions(model: Path, examples: Sequence[Tuple[str, str]]) -> List[Prediction]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    found = []
    for text, expected in examples:
        parsed = await agent.parse_message(text)
        ranking = [r for r in parsed["intent_ranking"] if r["name"] != "nlu_fallback"]
        second = float(ranking[1]["confidence"]) if len(ranking) > 1 else 0.0
        found.append(Prediction(expected, ranking[0]["name"], float(ranking[0]["confidence"]), second))
    return found


def score(preds: Sequence[Prediction], falls_back) -> Dict[str, float]:
    caught = [p for p in preds if falls_back(p)]
    kept = [p for p in preds if not falls_back(p)]
    return {
        "fallback_share": round(len(caught) / len(preds), 3),
        "accuracy_kept": round(sum(p.right for p in kept) / max(len(kept), 1), 4),
        "wrong_caught": sum(not p.right for p in caught),
        "right_lost": sum(p.right for p in caught),
        "wrong_left": sum(not p.right for p in kept),
    }


def ece(preds: Sequence[Prediction], bins: int = 10) -> float:
    total = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [p for p in preds if low < p.confidence <= high or (b == 0 and p.confidence == 0)]
        if inside:
            confidence = sum(p.confidence for p in inside) / len(inside)
            accuracy = sum(p.right for p in inside) / len(inside)
            total += len(inside) / len(preds) * abs(confidence - accuracy)
    return round(total, 4)


def floor_gain(preds: Sequence[Prediction], floor: float, base: float) -> int:
    """Wrong predictions a floor catches minus right ones it loses."""
    caught = [p for p in preds if p.confidence < max(floor, base)]
    return sum(not p.right for p in caught) - sum(p.right for p in caught)


def fallback_rule(threshold: float, ambiguity: float) -> Callable[[Prediction], bool]:
    """Rasa's FallbackClassifier: too unsure, or the runner-up too close."""
    def falls_back(p: Prediction) -> bool:
        return p.confidence < threshold or p.confidence - p.second < ambiguity
    return falls_back


def with_floors(rule: Callable[[Prediction], bool], floors: Dict[str, float]) -> Callable[[Prediction], bool]:
    """The rule, plus a per-intent confidence floor."""
    def falls_back(p: Prediction) -> bool:
        return rule(p) or p.confidence < floors.get(p.intent, 0.0)
    return falls_back


def choose_floors(preds: Sequence[Prediction], base: float) -> Dict[str, float]:
    """Per predicted intent, the floor that catches most wrong minus right (ties: the lowest)."""
    floors: Dict[str, float] = {}
    for intent in sorted({p.intent for p in preds}):
        mine = [p for p in preds if p.intent == intent]
        best = max(FLOORS, key=lambda f: (floor_gain(mine, f, base), -f))
        if best > base and floor_gain(mine, best, base) > floor_gain(mine, base, base):
            floors[intent] = best
    return floors


def main() -> int:
    model = Path(sys.argv[1])
    sets = [Path(a) for a in sys.argv[2:]] or [ROOT / "tests" / "nlu" / "dev.yml"]
    by_set = {path: asyncio.run(predictions(model, holdout_examples(path))) for path in sets}
    tuning = by_set[sets[0]]
    print(json.dumps({"set": sets[0].name, "examples": len(tuning), "ece": ece(tuning),
                      "accuracy": round(sum(p.right for p in tuning) / len(tuning), 4)}))
    for threshold in THRESHOLDS:
        for ambiguity in AMBIGUITIES:
            rule = fallback_rule(threshold, ambiguity)
            print(json.dumps({"threshold": threshold, "ambiguity": ambiguity, **score(tuning, rule)}))
    floors = choose_floors(tuning, base=0.4)
    print(json.dumps({"per_intent_floors_chosen_on": sets[0].name, "floors": floors}))
    current = fallback_rule(0.4, 0.05)
    floored = with_floors(current, floors)
    for path, preds in by_set.items():
        print(json.dumps({"set": path.name, "ece": ece(preds),
                          "current_0.4_0.05": score(preds, current),
                          "with_floors": score(preds, floored)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
