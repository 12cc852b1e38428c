"""Play the blind conversations (tests/blind/round2/conversations.yml, or ``--set``) through the product.

A fresh action server and Rasa server (our launcher, SQLite, the REST channel) on
free ports; each conversation with a new customer; every turn's replies (texts and
button titles, as the customer sees them) written beside what the turn should do,
for a reader to judge (``--out``, YAML). One half at a time: read the dev half's
transcripts freely; hand the sealed half's to a judge who reports the share of turns
as expected, once, without its failures (tests/blind/README.md).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.cli import rasa_command  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from tests.support.processes import free_port, running  # noqa: E402

OUT = ROOT / "bench" / "out" / "blind_conversations"
BIN = Path(sys.executable).parent
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
       "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONWARNINGS": "ignore",
       "RATE_LIMIT_PER_IP": "0", "RATE_LIMIT_PER_SENDER": "0"}


def seen(message: Dict[str, Any]) -> str:
    """One bot message as the customer sees it: its text, then its buttons' titles."""
    titles = [b.get("title", "") for b in message.get("buttons") or []]
    return (message.get("text") or "") + (f"  [按钮：{' / '.join(titles)}]" if titles else "")


def play(url: str, turns: List[Dict[str, str]]) -> List[Dict[str, Any]]:
    sender = f"blind-{uuid.uuid4().hex[:8]}"
    played = []
    for turn in turns:
        request = urllib.request.Request(url, data=json.dumps({"sender": sender, "message": turn["user"]}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=120) as response:
            replies = json.loads(response.read().decode("utf-8"))
        played.append({"user": turn["user"], "expect": turn["expect"], "bot": [seen(m) for m in replies]})
    return played


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", type=Path)
    parser.add_argument("--half", choices=["dev", "sealed"], required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--set", type=Path, default=ROOT / "tests/blind/round2/conversations.yml",
                        help="the blind conversations (round 1: tests/blind/conversations.yml)")
    args = parser.parse_args()
    conversations = [c for c in yaml.safe_load(args.set.read_text("utf-8"))
                     ["conversations"] if c["half"] == args.half]
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "bot.db"
    database.unlink(missing_ok=True)
    tracker = OUT / "tracker.db"
    tracker.unlink(missing_ok=True)
    env = {**ENV, "DATABASE_URL": f"sqlite:///{database}"}
    upgrade(env["DATABASE_URL"])
    action_port, rasa_port = free_port(), free_port()
    endpoints = OUT / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
                         f'tracker_store:\n  type: bot.rasa_ext.tracker_store.CachedSQLTrackerStore\n'
                         f'  dialect: "sqlite"\n  db: "{tracker}"\n', encoding="utf-8")
    with running([str(BIN / "rasa"), "run", "actions", "--port", str(action_port)],
                 f"http://127.0.0.1:{action_port}/health", OUT / "actions.log", env, ROOT), \
         running(rasa_command("run", "--port", str(rasa_port), "--model", str(args.model),
                              "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml")),
                 f"http://127.0.0.1:{rasa_port}/webhooks/rest/", OUT / "rasa.log", env, ROOT):
        url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
        played = [{"id": c["id"], "turns": play(url, c["turns"])} for c in conversations]
    args.out.write_text(yaml.safe_dump({"half": args.half, "conversations": played}, allow_unicode=True,
                                       sort_keys=False, width=1000), encoding="utf-8")
    print(f"{len(played)} conversations, {sum(len(c['turns']) for c in played)} turns -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
