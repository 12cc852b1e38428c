"""Drive simulated customers through a running Rasa server's REST channel.

Each customer replays a conversation from bench/conversations.yml turn by turn.
Prints per-turn latency p50/p95/p99, turns per second, errors, and the peak
RSS of the Rasa and action server processes found on this machine.

  python bench/load.py --customers 1            # one at a time
  python bench/load.py --customers 10 --think 0 # saturation
  python bench/load.py --rate 20 --duration 30  # open-loop Poisson arrivals
  python bench/load.py --rate 10 --find-max-rate --think 2  # raise the rate by --step
                                                # until p99 reaches 500 ms

All simulated customers come from one address: start the server with
RATE_LIMIT_PER_IP=0 RATE_LIMIT_PER_SENDER=0 (`RATE_LIMIT_PER_IP=0
RATE_LIMIT_PER_SENDER=0 make run`), or the channel's abuse limits answer 429.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def peak_rss_mb() -> Dict[str, float]:
    """Peak resident memory (VmHWM) of the Rasa and action server processes."""
    found: Dict[str, float] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = (proc / "status").read_text()
        except OSError:
            continue
        if "python" not in cmdline or not ("rasa run" in cmdline or "bot.rasa_ext.launcher run" in cmdline):
            continue  # Rasa's own command, or the project's launcher (python -m bot.rasa_ext.launcher run)
        name = "actions" if "rasa run actions" in cmdline else "rasa"
        hwm = next((l for l in status.splitlines() if l.startswith("VmHWM")), None)
        if hwm:
            found[name] = max(found.get(name, 0.0), int(hwm.split()[1]) / 1024)
    return found


class Recorder:
    def __init__(self) -> None:
        self.latencies: List[float] = []
        self.errors = 0

    async def turn(self, session: aiohttp.ClientSession, url: str, sender: str, text: str) -> None:
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                await response.read()
                if response.status != 200:
                    self.errors += 1
                    return
        except (aiohttp.ClientError, asyncio.TimeoutError):
            self.errors += 1
            return
        self.latencies.append((time.perf_counter() - started) * 1000)


async def customer(recorder: Recorder, session, url: str, turns: List[str], think: float) -> None:
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    for text in turns:
        await recorder.turn(session, url, sender, str(text))
        if think:
            await asyncio.sleep(random.expovariate(1 / think))


async def closed_loop(url: str, conversations, customers: int, rounds: int, think: float) -> Recorder:
    recorder = Recorder()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        async def worker(index: int) -> None:
            for r in range(rounds):
                turns = conversations[(index + r) % len(conversations)]
                await customer(recorder, session, url, turns, think)
        await asyncio.gather(*(worker(i) for i in range(customers)))
    return recorder


async def open_loop(url: str, conversations, rate: float, duration: float, think: float) -> Recorder:
    """New customers arrive as a Poisson process; each turn rate ~= ``rate``."""
    recorder = Recorder()
    turns_per_conversation = statistics.mean(len(c) for c in conversations)
    arrivals_per_second = rate / turns_per_conversation
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        tasks = []
        deadline = time.perf_counter() + duration
        while time.perf_counter() < deadline:
            turns = random.choice(conversations)
            tasks.append(asyncio.create_task(customer(recorder, session, url, turns, think)))
            await asyncio.sleep(random.expovariate(arrivals_per_second))
        await asyncio.gather(*tasks)
    return recorder


def report(recorder: Recorder, seconds: float, mode: Dict[str, object]) -> Dict[str, object]:
    lat = recorder.latencies
    return {
        **mode,
        "turns": len(lat),
        "errors": recorder.errors,
        "p50_ms": round(percentile(lat, 0.50), 1),
        "p95_ms": round(percentile(lat, 0.95), 1),
        "p99_ms": round(percentile(lat, 0.99), 1),
        "turns_per_s": round(len(lat) / seconds, 1) if seconds else 0.0,
        "peak_rss_mb": {k: round(v) for k, v in peak_rss_mb().items()},
    }


P99_LIMIT_MS = 500.0


def find_max_rate(url: str, conversations, start: float, step: float, duration: float,
                  think: float) -> Optional[float]:
    """The highest open-loop rate (turns/s, in steps) whose p99 stays under 500 ms."""
    best, rate = None, start
    while True:
        recorder = asyncio.run(open_loop(url, conversations, rate, duration, think))
        result = report(recorder, duration, {"mode": "open", "rate": rate, "think_s": think})
        print(json.dumps(result), flush=True)
        if recorder.errors or result["p99_ms"] >= P99_LIMIT_MS:
            return best
        best, rate = rate, rate + step


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--conversations", type=Path, default=ROOT / "bench" / "conversations.yml")
    parser.add_argument("--customers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="conversations per customer")
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between turns")
    parser.add_argument("--rate", type=float, help="open loop: target turns per second")
    parser.add_argument("--duration", type=float, default=30.0, help="open loop: seconds of arrivals")
    parser.add_argument("--find-max-rate", action="store_true",
                        help="open loop from --rate upwards until p99 reaches 500 ms")
    parser.add_argument("--step", type=float, default=5.0, help="rate step for --find-max-rate")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    random.seed(args.seed)
    conversations = yaml.safe_load(args.conversations.read_text(encoding="utf-8"))["conversations"]
    url = f"{args.url}/webhooks/rest/webhook"
    if args.find_max_rate:
        best = find_max_rate(url, conversations, args.rate or args.step, args.step,
                             args.duration, args.think)
        print(json.dumps({"max_rate_with_p99_under_500ms": best}))
        return 0
    started = time.perf_counter()
    if args.rate:
        recorder = asyncio.run(open_loop(url, conversations, args.rate, args.duration, args.think))
        mode = {"mode": "open", "rate": args.rate, "think_s": args.think}
    else:
        recorder = asyncio.run(closed_loop(url, conversations, args.customers, args.rounds, args.think))
        mode = {"mode": "closed", "customers": args.customers, "think_s": args.think}
    print(json.dumps(report(recorder, time.perf_counter() - started, mode)))
    return 1 if recorder.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
