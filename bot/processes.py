"""Server processes run as one: prefixed logs, one Ctrl-C stops all, a crashed one
restarted (``make run``, ``run-prod``). Tests and benchmarks start single servers with
tests/support/processes.py."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Dict, List, Mapping, Optional, Sequence, TextIO

LineFilter = Callable[[str], str]


def training_environment(extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The environment of a `rasa train` process: ours, with string hashing fixed
    (bot.training: two trainings of the same data then give the same model)."""
    return {**os.environ, "PYTHONHASHSEED": "0", **(extra or {})}


@dataclass(frozen=True)
class Service:
    """A named command whose output lines are shown as ``[name] line``.

    ``env``: variables set for it on top of this process's environment;
    ``health_url``: answers once the service is ready (`ProcessGroup.wait_healthy`);
    ``restart``: started again when it exits on its own (one worker of several).
    """

    name: str
    command: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    health_url: Optional[str] = None
    restart: bool = False


def _pump(prefix: str, stream: IO[str], out: TextIO, lock: threading.Lock,
          line_filter: LineFilter) -> None:
    for line in iter(stream.readline, ""):
        shown = line_filter(line)
        with lock:
            out.write(f"{prefix} {shown}")
            out.flush()


class ProcessGroup:
    """Starts services, streams their logs, and stops all when one stops.

    A service with ``restart`` (a worker of several) is started again when it
    exits on its own, up to `MAX_RESTARTS` times a minute; past that, or for any
    other service, the group stops. Every log line passes through
    ``line_filter`` (the PII redactor in production) before it is shown.
    """

    MAX_RESTARTS = 3  # per service within RESTART_WINDOW seconds
    RESTART_WINDOW = 60.0

    def __init__(self, services: Sequence[Service], out: TextIO = sys.stdout,
                 line_filter: LineFilter = lambda line: line) -> None:
        self._services = services
        self._out = out
        self._line_filter = line_filter
        self._lock = threading.Lock()
        self._procs: List[subprocess.Popen] = []
        self._done = threading.Event()
        self._first_exit: Optional[subprocess.Popen] = None
        self._restarts: Dict[int, List[float]] = {}
        self._width = max((len(s.name) for s in services), default=0)

    def start(self) -> None:
        for index in range(len(self._services)):
            self._procs.append(self._launch(index))

    def _launch(self, index: int) -> subprocess.Popen:
        service = self._services[index]
        proc = subprocess.Popen(
            list(service.command),
            env={**os.environ, **service.env} if service.env else None,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,  # Ctrl-C reaches us only; we stop them
        )
        prefix = f"[{service.name:<{self._width}}]"
        threading.Thread(target=self._watch, args=(prefix, index, proc), daemon=True).start()
        return proc

    def _watch(self, prefix: str, index: int, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None
        _pump(prefix, proc.stdout, self._out, self._lock, self._line_filter)
        proc.wait()
        if self._may_restart(index):
            self.say(f"{prefix} exited with code {proc.returncode}; starting it again")
            with self._lock:
                if not self._done.is_set():
                    self._procs[index] = self._launch(index)
                    return
        with self._lock:
            if self._first_exit is None:
                self._first_exit = proc
        self._done.set()

    def _may_restart(self, index: int) -> bool:
        if not self._services[index].restart or self._done.is_set():
            return False
        now = time.monotonic()
        recent = [t for t in self._restarts.get(index, []) if now - t < self.RESTART_WINDOW]
        if len(recent) >= self.MAX_RESTARTS:
            return False
        self._restarts[index] = [*recent, now]
        return True

    def pids(self) -> Dict[str, int]:
        """Process id of each started service, by name."""
        return {service.name: proc.pid for service, proc in zip(self._services, self._procs)}

    def wait_healthy(self, timeout: float = 300.0, poll: float = 0.5) -> bool:
        """True once every service's health URL answers, asked in the services' order
        (each only once those before it answered); False when one exited or time ran out."""
        pending = [s.health_url for s in self._services if s.health_url]
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline and not self._done.is_set():
            if _answers(pending[0]):
                pending.pop(0)
            else:
                self._done.wait(poll)
        return not pending and not self._done.is_set()

    def say(self, text: str) -> None:
        """A line of the group's own in the log stream."""
        with self._lock:
            self._out.write(f"{text}\n")
            self._out.flush()

    def wait(self) -> int:
        """Block until a service exits, Ctrl-C or SIGTERM.

        Returns the exit code of the service that stopped first (the cause);
        0 after Ctrl-C or SIGTERM. Codes of the services we stopped are ignored.
        """
        stop_signals = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.getsignal(sig) for sig in stop_signals}
        for sig in stop_signals:  # also when started with SIGINT ignored (a background job)
            signal.signal(sig, lambda *_: self._done.set())
        try:
            while not self._done.wait(timeout=0.5):
                pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            with self._lock:
                cause = self._first_exit
            self.stop()
        return cause.returncode if cause is not None else 0

    def stop(self, timeout: float = 15.0) -> None:
        self._done.set()  # no restarts from here on
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def inherit(variables: Mapping[str, str]) -> None:
    """Set ``variables`` for every process this one starts from now on (a shared
    secret both servers of ``make run`` read, say)."""
    os.environ.update(variables)


def run_services(services: Sequence[Service], foreground: Optional[Sequence[str]] = None,
                 line_filter: LineFilter = lambda line: line) -> int:
    """Run ``services`` until Ctrl-C; with ``foreground``, until that command exits."""
    group = ProcessGroup(services, line_filter=line_filter)
    group.start()
    if foreground is None:
        return group.wait()
    try:
        return subprocess.call(list(foreground))
    except KeyboardInterrupt:
        return 0
    finally:
        group.stop()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (0 when it is gone)."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "VmRSS: 0 kB")
        total += int(line.split()[1]) / 1024
        pending.extend(int(child) for child in children)
    return total
