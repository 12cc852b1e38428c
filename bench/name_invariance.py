"""Name invariance: a problem is decided by what happened, not by which names appear.

Takes the held-out problem sentences, inserts product, merchant and app names
that no training example contains (bench/unseen_names.yml, written apart from
the training data), and counts how many predictions stay the same.
Usage: python bench/name_invariance.py models/<model>.tar.gz [tests/nlu/holdout.yml]
Prints the share unchanged overall and per kind of name, and the flips.
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from tune_fallback import holdout_examples  # noqa: E402

PROBLEMS = ("account_locked", "transfer_failed", "sms_code_delay", "billing_issue")
# Where a name goes: as the place it happened, or as what the customer used.
PATTERNS = ("在{name}上{text}", "{text} 是{name}的", "用{name}{text}")


def unseen_names(path: Path = ROOT / "bench" / "unseen_names.yml") -> Dict[str, List[str]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["names"]


def variants(examples: List[Tuple[str, str]], names: Dict[str, List[str]]) -> List[Tuple[str, str, str, str]]:
    """(original, variant, kind of name, intent) for every problem sentence, one name per
    kind and pattern, names taken in turn so each sentence meets different ones."""
    out, turn = [], 0
    for text, intent in examples:
        if intent not in PROBLEMS:
            continue
        for kind, pool in names.items():
            for pattern in PATTERNS:
                out.append((text, pattern.format(name=pool[turn % len(pool)], text=text), kind, intent))
                turn += 1
    return out


async def intents(model: Path, texts: List[str]) -> List[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [(await agent.parse_message(text))["intent"]["name"] for text in texts]


def measure(model: Path, evaluation: Path) -> Dict[str, object]:
    cases = variants(holdout_examples(evaluation), unseen_names())
    originals = sorted({c[0] for c in cases})
    predicted = asyncio.run(intents(model, originals + [c[1] for c in cases]))
    before = dict(zip(originals, predicted[: len(originals)]))
    after = predicted[len(originals):]
    per_kind: Dict[str, List[bool]] = {}
    flips = []
    for (text, variant, kind, _), now in zip(cases, after):
        same = now == before[text]
        per_kind.setdefault(kind, []).append(same)
        if not same:
            flips.append({"variant": variant, "was": before[text], "now": now})
    kept = [same for values in per_kind.values() for same in values]
    return {"variants": len(kept), "unchanged": round(sum(kept) / len(kept), 4),
            "per_kind": {k: round(sum(v) / len(v), 4) for k, v in per_kind.items()}, "flips": flips}


def main() -> int:
    model = Path(sys.argv[1])
    evaluation = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "tests" / "nlu" / "holdout.yml"
    result = measure(model, evaluation)
    print(json.dumps({k: v for k, v in result.items() if k != "flips"}, ensure_ascii=False))
    for flip in result["flips"]:
        print(json.dumps(flip, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
