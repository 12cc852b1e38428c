"""`python -m bot run` migrates, starts the three servers, and one SIGINT (Ctrl-C) stops all;
two starts in a row on a fresh machine both work."""
import json
import os
import signal
import subprocess
import sys
import urllib.request

import pytest

from bot.processes import free_port, wait_for_http
from tests.support.servers import ROOT, write_endpoints

pytestmark = pytest.mark.model


def test_two_fresh_starts_in_a_row_serve_and_stop_on_one_ctrl_c(model_path, tmp_path):
    var_dir = tmp_path / "var"  # nothing there yet: the database is created by the first start
    for start in ("first", "second"):
        serve_one_message_then_stop(model_path, tmp_path, var_dir, tmp_path / f"run-{start}.log")
    assert (var_dir / "bot.db").exists() and (var_dir / "webchat_secret").exists()


def serve_one_message_then_stop(model_path, tmp_path, var_dir, log):
    rasa_port, actions_port, console_port = free_port(), free_port(), free_port()
    endpoints = write_endpoints(tmp_path / "endpoints.yml",
                                f"http://127.0.0.1:{actions_port}/webhook", tmp_path / "t.db")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--port", str(rasa_port),
             "--actions-port", str(actions_port), "--console-port", str(console_port),
             "--model", str(model_path),
             "--endpoints", str(endpoints)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env={**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
                 "RASA_TELEMETRY_ENABLED": "false", "VAR_DIR": str(var_dir)},
        )
    try:
        wait_for_http(f"http://127.0.0.1:{actions_port}/health", proc, log)
        wait_for_http(f"http://127.0.0.1:{rasa_port}/webhooks/rest/", proc, log)
        wait_for_http(f"http://127.0.0.1:{console_port}/healthz", proc, log)
        request = urllib.request.Request(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            data=json.dumps({"sender": "cli", "message": "我的手机13812345678收不到验证码"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert "验证码" in response.read().decode("unicode_escape")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    for port in (rasa_port, actions_port, console_port):
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
    lines = log.read_text().splitlines()
    assert any(line.startswith("[rasa   ]") for line in lines)
    assert any(line.startswith("[actions]") for line in lines)
    assert any(line.startswith("[console]") for line in lines)
    assert "13812345678" not in log.read_text()  # logs pass the PII redactor
