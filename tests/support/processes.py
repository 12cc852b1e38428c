"""One server started in the background until its health URL answers, for tests and
benchmarks (bench/ imports it too); the product's own process groups are bot/processes.py."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {timeout}s:\n{log.read_text()[-4000:]}")


class ServerProcess:
    """A server subprocess that can be stopped and started again on the same port."""

    def __init__(self, command: List[str], health_url: str, log: Path,
                 env: Optional[dict] = None, cwd: Optional[Path] = None) -> None:
        self.command = command
        self.cwd = cwd
        self.health_url = health_url
        self.log = log
        self.env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", **(env or {})}
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> "ServerProcess":
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_http(self.health_url, self.proc, self.log)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def running(command: List[str], health_url: str, log: Path,
            env: Optional[dict] = None, cwd: Optional[Path] = None) -> Iterator[ServerProcess]:
    """Run ``command`` until the block ends; wait until ``health_url`` answers."""
    server = ServerProcess(command, health_url, log, env, cwd)
    server.start()
    try:
        yield server
    finally:
        server.stop()
