"""The real-customer yardstick: ../shared/nlu/real_dev.tsv, scored as its README says.

300 real messages from two public corpora of Chinese wallet and bank apps,
hand-labelled with our taxonomy. Measure on it; never train on it or copy from
it (tests/unit/data/test_training_data.py guards the training data).

"Routed right" (the README's rules, bot/teaching/routing.py; tests/unit/data/test_real_dev_scoring.py
checks that they agree with ../shared/nlu/score.py): an out-of-scope message
is routed right by out_of_scope, general_question or nlu_fallback; between
transfer_failed and billing_issue either side is right for money coming in or
a refund; a request for a phone number is right as general_question.

  python bench/real_dev.py models/X.tar.gz            # routed right and plain, per source and label
  python bench/real_dev.py models/X.tar.gz --curve    # fallback thresholds: coverage against accuracy
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.tune_fallback import fallback_rule  # noqa: E402
from bot.teaching.routing import FALLBACK, routed_right  # noqa: E402 - the one copy of the rule

REAL_DEV = ROOT.parent / "shared" / "nlu" / "real_dev.tsv"
THRESHOLDS = [0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
AMBIGUITIES = [0.0, 0.05, 0.1, 0.2]


@dataclass(frozen=True)
class Row:
    intent: str
    text: str
    source: str


@dataclass(frozen=True)
class Parsed:
    """The classifier's own answer, before any fallback rule."""
    intent: str
    confidence: float
    second: float


def load_rows(path: Path = REAL_DEV) -> List[Row]:
    with path.open(encoding="utf-8") as handle:
        return [Row(r["intent"], r["text"], r.get("source") or "-") for r in csv.DictReader(handle, delimiter="\t")]


def score(rows: Sequence[Row], predicted: Sequence[str]) -> Dict[str, Dict[str, float]]:
    """Routed right and plain accuracy: overall, per source and per label."""
    groups: Dict[str, List[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for row, got in zip(rows, predicted):
        for key in ("all", f"source {row.source}", f"label {row.intent}"):
            groups[key][0] += routed_right(row.intent, got, row.text)
            groups[key][1] += got == row.intent
            groups[key][2] += 1
    return {key: {"routed_right": round(r / n, 4), "plain": round(p / n, 4), "n": n}
            for key, (r, p, n) in sorted(groups.items(), key=lambda kv: (kv[0] != "all", kv[0]))}


def confusions(rows: Sequence[Row], predicted: Sequence[str], most: int = 12) -> List[Tuple[str, str, int]]:
    counts = collections.Counter((r.intent, got) for r, got in zip(rows, predicted)
                                 if not routed_right(r.intent, got, r.text))
    return [(want, got, n) for (want, got), n in counts.most_common(most)]


def with_fallback(parsed: Iterable[Parsed], threshold: float, ambiguity: float) -> List[str]:
    """Rasa's FallbackClassifier rule (bench/tune_fallback.py's) applied to the classifier's answers."""
    falls_back = fallback_rule(threshold, ambiguity)
    return [FALLBACK if falls_back(p) else p.intent for p in parsed]


def fallback_curve(rows: Sequence[Row], parsed: Sequence[Parsed]) -> List[Dict[str, float]]:
    """Per (threshold, ambiguity): share answered, routed right overall, and accuracy of the answered."""
    curve = []
    for threshold in THRESHOLDS:
        for ambiguity in AMBIGUITIES:
            got = with_fallback(parsed, threshold, ambiguity)
            answered = [(r, g) for r, g in zip(rows, got) if g != FALLBACK]
            curve.append({"threshold": threshold, "ambiguity": ambiguity,
                          "answered": round(len(answered) / len(rows), 3),
                          "routed_right": score(rows, got)["all"]["routed_right"],
                          "right_when_answered": round(sum(routed_right(r.intent, g, r.text) for r, g in answered)
                                                       / max(len(answered), 1), 4)})
    return curve


def load_agent(model: Path) -> Any:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # otherwise every parse is printed
    return Agent.load(str(model))


async def parse(agent: Any, texts: Sequence[str]) -> Tuple[List[str], List[Parsed]]:
    """The model's final intent (after its fallback) and its classifier's own answer, per text."""
    final, raw = [], []
    for text in texts:
        parsed = await agent.parse_message(text)
        final.append(parsed["intent"]["name"])
        ranking = [r for r in parsed.get("intent_ranking") or [] if r["name"] != FALLBACK] or [parsed["intent"]]
        raw.append(Parsed(ranking[0]["name"], float(ranking[0]["confidence"]),
                          float(ranking[1]["confidence"]) if len(ranking) > 1 else 0.0))
    return final, raw


def measure(model: Path, path: Path = REAL_DEV) -> Dict[str, object]:
    rows = load_rows(path)
    final, raw = asyncio.run(parse(load_agent(model), [r.text for r in rows]))
    return {"scores": score(rows, final), "confusions": confusions(rows, final),
            "curve": fallback_curve(rows, raw)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path)
    parser.add_argument("--set", type=Path, default=REAL_DEV)
    parser.add_argument("--curve", action="store_true", help="print the fallback threshold sweep")
    args = parser.parse_args()
    result = measure(args.model, args.set)
    for key, value in result["scores"].items():
        print(f"{key:28s} routed right {value['routed_right']:.3f}   plain {value['plain']:.3f}   ({value['n']})")
    for want, got, n in result["confusions"]:
        print(f"  {want} -> {got}: {n}")
    if args.curve:
        for point in result["curve"]:
            print(json.dumps(point))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
