"""Shared fixtures: the trained model (trained once, skipped when unchanged) and an agent."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
RASA = str(Path(sys.executable).with_name("rasa"))

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def run_rasa(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run a ``rasa`` CLI command in the repo root; output is captured as text."""
    return subprocess.run(
        [RASA, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def event_loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def model_path() -> Path:
    """Path of the trained model; `rasa train` retrains only when inputs changed."""
    result = run_rasa("train", "--num-threads", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    assert models, "rasa train produced no model"
    return models[-1]


@pytest.fixture(scope="session")
def agent(model_path: Path):
    """An in-process Rasa agent with the trained model and an in-memory tracker store."""
    from rasa.core.agent import Agent

    return Agent.load(str(model_path))
