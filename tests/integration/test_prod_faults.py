"""Faults of the production profile's services: PostgreSQL restarting in the
middle of a handoff, Redis not answering when the profile starts."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.storage.engine import make_engine
from bot.storage.migrate import upgrade
from bot.storage.tickets import TicketStore
from tests.support.processes import free_port, running
from tests.support.servers import ROOT, action_server_command, action_webhook

pytestmark = pytest.mark.services

CLUSTER = ["pg_ctlcluster", "--skip-systemctl-redirect"]


def _cluster(action: str, check: bool = True) -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run([*CLUSTER, version, "main", action, *(["-m", "fast"] if action == "stop" else [])],
                   check=check, capture_output=True, timeout=60)


@pytest.fixture
def restartable_postgres(postgres_url):
    """The local PostgreSQL cluster, which this test may stop (it is started again)."""
    if not shutil.which("pg_ctlcluster") or not Path("/etc/postgresql").is_dir():
        pytest.skip("PostgreSQL is not a local cluster this test can restart (pg_ctlcluster)")
    yield postgres_url
    _cluster("start", check=False)  # running again already, unless the test failed half-way


def _domain() -> dict:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml")).as_dict()


def _handoff_call(url: str, sender: str, domain: dict) -> dict:
    """Rasa asking the action server for action_handoff_to_human after 转人工 (a
    retry of the same turn sends the same tracker)."""
    user = {"event": "user", "timestamp": 1796190000.0, "text": "我要投诉 转账一直失败 转人工",
            "parse_data": {"intent": {"name": "complain", "confidence": 0.97}, "entities": []}}
    tracker = {"sender_id": sender, "slots": {}, "latest_message": {**user["parse_data"], "text": user["text"]},
               "events": [{"event": "action", "name": "action_listen"}, user], "paused": False,
               "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"}
    body = json.dumps({"next_action": "action_handoff_to_human", "sender_id": sender, "tracker": tracker,
                       "domain": domain, "version": "3.6.21"}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def test_postgres_restarting_during_a_handoff(restartable_postgres, tmp_path):
    upgrade(restartable_postgres)
    port = free_port()
    domain = _domain()
    with running(action_server_command(port), f"http://127.0.0.1:{port}/health", tmp_path / "actions.log",
                 env={"DATABASE_URL": restartable_postgres}, cwd=ROOT):
        webhook = action_webhook(f"http://127.0.0.1:{port}/webhook")
        _handoff_call(webhook, "pg-warm-up", domain)  # the action server's engine is connected
        _cluster("stop")
        try:
            refused = _handoff_call(webhook, "pg-fault", domain)
        finally:
            _cluster("start")
        told = refused["responses"][-1]["text"]
        assert "没能为您创建工单" in told and "请稍后再试" in told
        store = TicketStore(make_engine(restartable_postgres))
        deadline = time.monotonic() + 30
        while True:  # the server takes a moment to accept connections again
            try:
                before = [t for t in store.list(limit=100) if t.sender_id == "pg-fault"]
                break
            except Exception:  # noqa: BLE001 - still starting
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        assert before == []  # nothing half-written
        retried = _handoff_call(webhook, "pg-fault", domain)
        again = _handoff_call(webhook, "pg-fault", domain)  # Rasa retrying the same call
        [ticket] = [t for t in store.list(limit=100) if t.sender_id == "pg-fault"]
        assert ticket.number in retried["responses"][-1]["text"] and ticket.number in again["responses"][-1]["text"]


def test_the_profile_refuses_to_start_when_redis_does_not_answer(postgres_server, tmp_path):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    done = subprocess.run([sys.executable, "-m", "bot", "run-prod"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                            "DATABASE_URL": postgres_server, "REDIS_URL": closed,
                                            "VAR_DIR": str(tmp_path / "var"), "RASA_TELEMETRY_ENABLED": "false"})
    assert done.returncode != 0
    assert "Redis" in done.stderr + done.stdout and "does not answer" in done.stderr + done.stdout
