"""Start `python -m bot run-prod` for a test or a benchmark: its own PostgreSQL
database, free ports, the project's channels with WeChat in plaintext mode, and
the log kept in a file. Used by tests/integration/test_prod_profile.py and
bench/workers.py."""
from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from tests.support.processes import free_port
from tests.support.servers import RASA_API_TOKEN, ROOT, api
from tests.support.wechat_platform import TOKEN

CREDENTIALS = """bot.rasa_ext.channels.rest.LimitedRestInput:
bot.rasa_ext.channels.wechat.WeChatInput:
  mode: plaintext
  customer_service_api: false
  reply_timeout: 8
bot.rasa_ext.channels.webchat.WebChatInput:
"""


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pid_of(marker: bytes, port: int) -> int:
    """The process whose command line has ``marker`` and ``--port <port>``."""
    flag = f"--port\0{port}\0".encode()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes() + b"\0"
            except OSError:
                continue
            if marker in cmdline and flag in cmdline:
                return int(proc.name)
    raise LookupError(f"no process with {marker!r} on port {port}")


def worker_base_port(workers: int) -> int:
    """A base whose worker ports (base+1.., base+51..) are all free now."""
    for _ in range(50):
        base = random.randrange(20000, 40000, 100)
        if all(_free(base + offset + i) for offset in (1, 51) for i in range(workers)):
            return base
    raise RuntimeError("no free range of worker ports")


@dataclass
class ProdProfile:
    process: subprocess.Popen
    log: Path
    url: str  # the entry point
    rasa_ports: List[int]
    database_url: str
    console_url: str = ""
    var_dir: Optional[Path] = None

    def worker_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[index]}"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def tracker(self, sender: str, base: Optional[str] = None) -> Dict[str, Any]:
        with urllib.request.urlopen((base or self.url) + api(f"/conversations/{sender}/tracker"),
                                    timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))

    def requests_per_worker(self) -> Dict[int, int]:
        """How many requests nginx passed to each worker port (its access log)."""
        counts: Dict[int, int] = {}
        access = self.log.parent / "var" / "prod" / "access.log"
        for line in access.read_text(encoding="utf-8").splitlines():
            for address in line.split(None, 4)[4:5] and line.split(None, 4)[4].split(","):
                port = address.strip().rsplit(":", 1)[-1]  # "a, b" when a retry went elsewhere
                if port.isdigit():
                    counts[int(port)] = counts.get(int(port), 0) + 1
        return counts

    def worker_pid(self, index: int) -> int:
        """The Rasa server listening on worker ``index``'s port (restarts change it)."""
        return pid_of(b"bot.rasa_ext.launcher", self.rasa_ports[index])

    def memory_mb(self) -> Dict[str, int]:
        """Resident memory of each worker now (Rasa servers, then action servers)."""
        from bot.processes import rss_mb

        found = {f"rasa-{i + 1}": round(rss_mb(pid_of(b"bot.rasa_ext.launcher", port)))
                 for i, port in enumerate(self.rasa_ports)}
        for i, port in enumerate(self.rasa_ports):
            found[f"actions-{i + 1}"] = round(rss_mb(pid_of(b"actions", port + 50)))
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_profile(workdir: Path, model: Path, database_url: str, redis_url: str, workers: int = 2,
                  extra_env: Optional[Dict[str, str]] = None, timeout: float = 420) -> ProdProfile:
    """run-prod until it says every worker is ready (or fails with its log)."""
    credentials = workdir / "credentials.yml"
    credentials.write_text(CREDENTIALS, encoding="utf-8")
    base = worker_base_port(workers)
    rasa_port, actions_port, console_port = free_port(), free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "WORKERS": str(workers),
           "WORKER_BASE_PORT": str(base), "RASA_PORT": str(rasa_port), "ACTIONS_PORT": str(actions_port),
           "CONSOLE_PORT": str(console_port), "VAR_DIR": str(workdir / "var"),
           "RASA_API_TOKEN": RASA_API_TOKEN, "WEBCHAT_SECRET": "prod-test-webchat-secret-0123456789",
           "WECHAT_TOKEN": TOKEN, "RATE_LIMIT_PER_IP": "0", "RATE_LIMIT_PER_SENDER": "0",
           "TICKET_LOCK_LIFETIME": "10", "RASA_TELEMETRY_ENABLED": "false",
           "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONWARNINGS": "ignore::DeprecationWarning", **(extra_env or {})}
    log = workdir / "run-prod.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "bot", "run-prod", "--model", str(model),
                                    "--credentials", str(credentials)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    profile = ProdProfile(process, log, f"http://127.0.0.1:{rasa_port}",
                          [base + 1 + i for i in range(workers)], database_url,
                          f"http://127.0.0.1:{console_port}", workdir / "var")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = profile.log_text()
        if "[run-prod] ready" in text:
            return profile
        if process.poll() is not None or "[run-prod] not every service" in text:
            profile.stop()
            raise RuntimeError(f"run-prod did not start:\n{text[-6000:]}")
        time.sleep(1)
    profile.stop()
    raise TimeoutError(f"run-prod not ready after {timeout}s:\n{profile.log_text()[-6000:]}")
