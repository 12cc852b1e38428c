"""One worker against two, SQLite against PostgreSQL: throughput and per-turn
p50/p95/p99 of the benchmark conversations (bench/conversations.yml), closed
loop without think time, through each setup's entry point.

  python bench/workers.py                      # all three setups below, one after another
  python bench/workers.py --setups prod-2 --customers 10 20

Setups: ``sqlite``: `python -m bot run` (one Rasa server, one action server,
SQLite files, in-memory lock store) on ports 5005/5055, which must be free;
``prod-1`` / ``prod-2``: `python -m bot run-prod` with WORKERS=1 / 2 (nginx,
PostgreSQL, Redis) on a new database of the local PostgreSQL
(TEST_POSTGRES_URL) and the local Redis (TEST_REDIS_URL). Rate limits are off.
Prints one JSON line per setup and load, with each process's memory.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import closed_loop, percentile  # noqa: E402
from bot.processes import rss_mb  # noqa: E402
from tests.support.prod_profile import start_profile  # noqa: E402
from tests.support.services import POSTGRES_URL, REDIS_URL, postgres_database  # noqa: E402


def _memory(marker: bytes) -> Dict[str, float]:
    found: Dict[str, float] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if marker not in cmdline:
            continue
        if b"bot.rasa_ext.launcher" in cmdline:
            name = "rasa"
        elif b"run\0actions" in cmdline:
            name = "actions"
        else:
            continue
        found.setdefault(name, 0.0)
        found[name] = max(found[name], rss_mb(int(proc.name)))
    return {k: round(v) for k, v in found.items()}


def measure(url: str, conversations, customers: int, rounds: int) -> Dict[str, object]:
    started = time.perf_counter()
    recorder = asyncio.run(closed_loop(f"{url}/webhooks/rest/webhook", conversations, customers, rounds, 0.0))
    seconds = time.perf_counter() - started
    lat = recorder.latencies
    return {"customers": customers, "turns": len(lat), "errors": recorder.errors,
            "turns_per_s": round(len(lat) / seconds, 1),
            "p50_ms": round(percentile(lat, 0.5), 1), "p95_ms": round(percentile(lat, 0.95), 1),
            "p99_ms": round(percentile(lat, 0.99), 1)}


def run_sqlite(workdir: Path, model: str, loads, conversations, rounds) -> List[Dict[str, object]]:
    env = {**os.environ, "VAR_DIR": str(workdir / "var"), "RATE_LIMIT_PER_IP": "0", "RATE_LIMIT_PER_SENDER": "0",
           "RASA_TELEMETRY_ENABLED": "false", "CONSOLE_PORT": "18080"}
    log = (workdir / "run.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--model", model], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen("http://127.0.0.1:5005/webhooks/rest/", timeout=2)
                urllib.request.urlopen("http://127.0.0.1:5055/health", timeout=2)
                break
            except OSError:
                time.sleep(1)
        return [{"setup": "sqlite", **measure("http://127.0.0.1:5005", conversations, c, rounds),
                 "rss_mb": _memory(b"--model")} for c in loads]
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)


def run_prod(workdir: Path, model: str, workers: int, loads, conversations, rounds) -> List[Dict[str, object]]:
    with postgres_database(POSTGRES_URL, "bot_bench") as database_url:
        profile = start_profile(workdir, Path(model), database_url, REDIS_URL, workers=workers,
                                extra_env={"TICKET_LOCK_LIFETIME": "60"})
        try:
            results = []
            for customers in loads:
                results.append({"setup": f"prod-{workers}", **measure(profile.url, conversations, customers, rounds),
                                "rss_mb": profile.memory_mb()})
            return results
        finally:
            profile.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setups", nargs="+", default=["sqlite", "prod-1", "prod-2"])
    parser.add_argument("--customers", nargs="+", type=int, default=[1, 10, 20])
    parser.add_argument("--rounds", type=int, default=3, help="conversations per customer")
    parser.add_argument("--model", default=str(ROOT / "models"))
    args = parser.parse_args(argv)
    conversations = yaml.safe_load((ROOT / "bench" / "conversations.yml").read_text(encoding="utf-8"))["conversations"]
    for setup in args.setups:
        with tempfile.TemporaryDirectory() as tmp:
            if setup == "sqlite":
                rows = run_sqlite(Path(tmp), args.model, args.customers, conversations, args.rounds)
            else:
                rows = run_prod(Path(tmp), args.model, int(setup.split("-")[1]), args.customers,
                                conversations, args.rounds)
        for row in rows:
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
