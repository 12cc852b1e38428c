"""Train the NLU part of one or more configs and score them on the held-out set.

Usage: python bench/nlu_experiment.py config.yml [other-config.yml ...]
Prints training time, held-out intent accuracy, macro-F1 and mean parse latency.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RASA = str(Path(sys.executable).with_name("rasa"))
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
       "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONHASHSEED": "0"}  # as bot/training.py


def _run(*args: str) -> None:
    subprocess.run([RASA, *args], cwd=ROOT, env=ENV, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def evaluate(config: Path, holdout: Path, out: Path) -> dict:
    started = time.perf_counter()
    _run("train", "nlu", "-c", str(config), "--out", str(out), "--fixed-model-name", "nlu",
         "--num-threads", "2")
    train_seconds = time.perf_counter() - started
    _run("test", "nlu", "--nlu", str(holdout), "--model", str(out / "nlu.tar.gz"),
         "--out", str(out / "results"))
    report = json.loads((out / "results" / "intent_report.json").read_text())
    return {
        "config": str(config),
        "train_s": round(train_seconds, 1),
        "accuracy": round(report["accuracy"], 4),
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("configs", nargs="+", type=Path)
    parser.add_argument("--holdout", type=Path, default=ROOT / "tests/nlu/holdout.yml")
    args = parser.parse_args()
    for config in args.configs:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(evaluate(config, args.holdout, Path(tmp))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
