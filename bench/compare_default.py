"""Our configuration against Rasa's default one: same data, held-out set and load.

Rasa's default configuration is its own `default_config.yml` (pipeline and
policies, UnexpecTEDIntentPolicy and ResponseSelector included) with the one
change it needs to train on Chinese: WhitespaceTokenizer becomes JiebaTokenizer
(no custom dictionary) and the language zh. Both models are trained from
scratch (an empty Rasa cache each), then measured in one run:

- intent accuracy and macro-F1 on the held-out set (tests/nlu/holdout.yml), the
  dev set (tests/nlu/dev.yml) and the two sets written apart in real-customer
  style (tests/nlu/customers.yml, tests/nlu/fresh.yml); routed right and plain
  accuracy on the real development set (../shared/nlu/real_dev.tsv, bench/real_dev.py),
  overall, per source and per label;
- per-turn latency and throughput through a real `rasa run` (REST channel, a
  SQLite tracker store, our action server) with bench/conversations.yml: one
  customer at a time, and 10 customers with no think time. Ours runs with the
  project's tracker store (endpoints.yml), the default with Rasa's SQL store;
- training time and peak memory of the Rasa server.

  python bench/compare_default.py           # train both, measure, print ratios
  python bench/compare_default.py --reuse   # keep models already in bench/out/compare
  python bench/compare_default.py --only ours   # one side (the default trains for about 55 minutes)
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import closed_loop, report  # noqa: E402
from real_dev import REAL_DEV, load_rows  # noqa: E402
from real_dev import score as real_dev_score  # noqa: E402

from bot.cli import rasa_command  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from tests.support.processes import free_port, running  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "compare"
BIN = Path(sys.executable).parent
EVALUATION_SETS = {name: ROOT / "tests" / "nlu" / f"{name}.yml"
                   for name in ("holdout", "dev", "customers", "fresh")}
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
       "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONWARNINGS": "ignore"}


def default_config() -> Dict:
    import rasa

    path = Path(rasa.__file__).parent / "engine" / "recipes" / "config_files" / "default_config.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["language"] = "zh"
    config["pipeline"] = [{"name": "JiebaTokenizer"} if step["name"] == "WhitespaceTokenizer" else step
                          for step in config["pipeline"]]
    return config


def train(name: str, config: Path, reuse: bool) -> Tuple[Path, float]:
    """Train into bench/out/compare/<name>/ with an empty cache; return model and seconds."""
    folder = OUT / name
    model = folder / f"{name}.tar.gz"
    if reuse and model.exists():
        return model, json.loads((folder / "train.json").read_text())["seconds"]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "rasa"), "train", "--config", str(config), "--domain", "domain.yml",
         "--data", "data", "--out", str(folder), "--fixed-model-name", name, "--num-threads", "2"],
        cwd=ROOT, env={**ENV, "PYTHONHASHSEED": "0", "RASA_CACHE_DIRECTORY": str(folder / "cache")}, check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    (folder / "train.json").write_text(json.dumps({"seconds": seconds}))
    return model, seconds


def nlu_scores(model: Path) -> Dict[str, Dict[str, float]]:
    import logging

    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.log_utils import configure_structlog
    from sklearn.metrics import accuracy_score, f1_score

    configure_structlog(logging.WARNING)  # otherwise every parse is printed
    agent = Agent.load(str(model))
    scores: Dict[str, Dict] = {}

    async def parse_all(texts: List[str]) -> List[str]:
        return [(await agent.parse_message(text))["intent"]["name"] for text in texts]

    for name, path in EVALUATION_SETS.items():
        examples = [e for e in load_data(str(path)).intent_examples]
        gold = [e.get("intent") for e in examples]

        predicted = asyncio.run(parse_all([e.get("text") for e in examples]))
        scores[name] = {
            "intent_accuracy": round(accuracy_score(gold, predicted), 4),
            "intent_macro_f1": round(f1_score(gold, predicted, labels=sorted(set(gold)),
                                              average="macro"), 4)}
    if REAL_DEV.is_file():
        rows = load_rows()
        predicted = asyncio.run(parse_all([r.text for r in rows]))
        scores["real_dev"] = {key: [value["routed_right"], value["plain"]]
                              for key, value in real_dev_score(rows, predicted).items()}
    return scores


def load_scores(name: str, model: Path, conversations: List[List[str]],
                tracker_store: str, rasa: List[str]) -> Dict[str, Dict]:
    """Fresh action server and Rasa server for this model only, so peak RSS is its own.

    ``rasa``: the command that starts Rasa (ours through the project's launcher)."""
    folder = OUT / name
    tracker_db = folder / "tracker.db"
    tracker_db.unlink(missing_ok=True)
    action_port, rasa_port = free_port(), free_port()
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f'tracker_store:\n  type: {tracker_store}\n  dialect: "sqlite"\n  db: "{tracker_db}"\n',
        encoding="utf-8")
    database = folder / "bot.db"
    database.unlink(missing_ok=True)
    # Every simulated customer comes from 127.0.0.1: the REST channel's abuse limits
    # (bot.rasa_ext.channels.limits) would answer most of them 429.
    env = {**ENV, "DATABASE_URL": f"sqlite:///{database}", "RATE_LIMIT_PER_IP": "0", "RATE_LIMIT_PER_SENDER": "0"}
    upgrade(env["DATABASE_URL"])
    url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
    with running([str(BIN / "rasa"), "run", "actions", "--port", str(action_port)],
                 f"http://127.0.0.1:{action_port}/health", folder / "actions.log", env, ROOT), \
         running([*rasa, "run", "--port", str(rasa_port), "--model", str(model),
                  "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml")],
                 f"http://127.0.0.1:{rasa_port}/webhooks/rest/", folder / "rasa.log", env, ROOT):
        asyncio.run(closed_loop(url, conversations, 1, 1, 0.0))  # warm-up
        results = {}
        for label, customers, rounds in (("one_customer", 1, 30), ("ten_customers", 10, 3)):
            started = time.perf_counter()
            recorder = asyncio.run(closed_loop(url, conversations, customers, rounds, 0.0))
            results[label] = report(recorder, time.perf_counter() - started,
                                    {"customers": customers, "think_s": 0.0})
    return results


def ratios(ours: Dict, default: Dict) -> Dict[str, float]:
    def ratio(a: float, b: float) -> float:
        return round(a / b, 2) if b else float("inf")

    o_sat, d_sat = ours["load"]["ten_customers"], default["load"]["ten_customers"]
    o_one, d_one = ours["load"]["one_customer"], default["load"]["one_customer"]
    def points(evaluation: str, metric: str) -> float:
        return round(100 * (ours["nlu"][evaluation][metric] - default["nlu"][evaluation][metric]), 1)

    return {
        "holdout_accuracy_points": points("holdout", "intent_accuracy"),
        "holdout_macro_f1_points": points("holdout", "intent_macro_f1"),
        "dev_accuracy_points": points("dev", "intent_accuracy"),
        "dev_macro_f1_points": points("dev", "intent_macro_f1"),
        "customers_accuracy_points": points("customers", "intent_accuracy"),
        "fresh_accuracy_points": points("fresh", "intent_accuracy"),
        "one_customer_p50_speedup": ratio(d_one["p50_ms"], o_one["p50_ms"]),
        "one_customer_p99_speedup": ratio(d_one["p99_ms"], o_one["p99_ms"]),
        "ten_customers_p50_speedup": ratio(d_sat["p50_ms"], o_sat["p50_ms"]),
        "ten_customers_p99_speedup": ratio(d_sat["p99_ms"], o_sat["p99_ms"]),
        "throughput_ratio": ratio(o_sat["turns_per_s"], d_sat["turns_per_s"]),
        "training_speedup": ratio(default["train_s"], ours["train_s"]),
        "rasa_rss_ratio": ratio(o_sat["peak_rss_mb"].get("rasa", 0), d_sat["peak_rss_mb"].get("rasa", 0)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="reuse models trained by an earlier run")
    parser.add_argument("--only", choices=["ours", "default"], help="train and measure one side only")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    default_path = OUT / "default_config.yml"
    default_path.write_text(yaml.safe_dump(default_config(), allow_unicode=True, sort_keys=False))
    conversations = yaml.safe_load((ROOT / "bench" / "conversations.yml").read_text(encoding="utf-8"))["conversations"]

    results = {}
    our_store = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))["tracker_store"]["type"]
    for name, config, store, rasa in (("ours", ROOT / "config.yml", our_store, rasa_command()),
                                      ("default", default_path, "SQL", [str(BIN / "rasa")])):
        if args.only and name != args.only:
            continue
        model, seconds = train(name, config, args.reuse)
        results[name] = {"train_s": round(seconds, 1), "tracker_store": store,
                         "nlu": nlu_scores(model),
                         "load": load_scores(name, model, conversations, store, rasa)}
        print(json.dumps({name: results[name]}, ensure_ascii=False), flush=True)
    if len(results) == 2:
        print(json.dumps({"ratios (ours vs default)": ratios(results["ours"], results["default"])}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
