"""Choose the FallbackClassifier threshold on the dev NLU set (or the set given).

For each threshold prints: the share of messages sent to nlu_fallback, the
accuracy on the messages kept, and how many wrong intents / right intents the
fallback catches. A good threshold catches many wrong predictions and few
right ones (a wrong answer costs more than "please rephrase").
Usage: python bench/tune_fallback.py models/<model>.tar.gz [tests/nlu/dev.yml]
"""
from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import List, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
MARKUP = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def holdout_examples(path: Path) -> List[Tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (MARKUP.sub(r"\1", line.strip()[2:]), block["intent"])
        for block in data["nlu"] if "intent" in block
        for line in block["examples"].splitlines() if line.strip().startswith("- ")
    ]


async def predictions(model: Path, texts: List[str]) -> List[Tuple[str, float]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    found = []
    for text in texts:
        parsed = await agent.parse_message(text)
        best = next(r for r in parsed["intent_ranking"] if r["name"] != "nlu_fallback")
        found.append((best["name"], float(best["confidence"])))
    return found


def main() -> int:
    model = Path(sys.argv[1])
    data = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "tests" / "nlu" / "dev.yml"
    examples = holdout_examples(data)
    predicted = asyncio.run(predictions(model, [t for t, _ in examples]))
    for threshold in [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]:
        kept = [(p, e) for (p, c), (_, e) in zip(predicted, examples) if c >= threshold]
        caught_wrong = sum(1 for (p, c), (_, e) in zip(predicted, examples) if c < threshold and p != e)
        caught_right = sum(1 for (p, c), (_, e) in zip(predicted, examples) if c < threshold and p == e)
        print(json.dumps({
            "threshold": threshold,
            "fallback_share": round(1 - len(kept) / len(examples), 3),
            "accuracy_kept": round(sum(p == e for p, e in kept) / max(len(kept), 1), 4),
            "wrong_caught": caught_wrong,
            "right_lost": caught_right,
        }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
