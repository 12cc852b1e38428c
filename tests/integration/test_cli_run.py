"""`python -m bot run` migrates, starts the three servers, and one SIGINT (Ctrl-C) stops all;
two starts in a row on a fresh machine both work."""
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Optional

import pytest

from tests.support.processes import free_port, wait_for_http
from tests.support.servers import ROOT, write_endpoints

pytestmark = pytest.mark.model


def test_two_fresh_starts_in_a_row_serve_and_stop_on_one_ctrl_c(model_path, tmp_path):
    var_dir = tmp_path / "var"  # nothing there yet: the database is created by the first start
    for start in ("first", "second"):
        serve_one_message_then_stop(model_path, tmp_path, var_dir, tmp_path / f"run-{start}.log")
    assert (var_dir / "bot.db").exists() and (var_dir / "webchat_secret").exists()


def non_loopback_address() -> Optional[str]:
    """This machine's address on its network, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


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
            # one customer per start: the same message again from the same customer would get
            # "上面就是这个问题的办法" (the tracker store outlives the restart)
            data=json.dumps({"sender": f"cli-{log.stem}", "message": "我的手机13812345678收不到验证码"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert "验证码" in response.read().decode("unicode_escape")  # Rasa called the actions with its token
        refused = urllib.request.Request(f"http://127.0.0.1:{actions_port}/webhook", data=b"{}", method="POST")
        with pytest.raises(urllib.error.HTTPError) as without_token:
            urllib.request.urlopen(refused, timeout=10)
        assert without_token.value.code == 401
        outside = non_loopback_address()
        if outside is not None:  # another host on the network cannot even connect
            with pytest.raises(OSError):
                socket.create_connection((outside, actions_port), timeout=2).close()
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
