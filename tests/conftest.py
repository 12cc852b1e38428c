"""Shared fixtures: the trained model, a real action server, an in-process agent
and a real Rasa server, each started once per test session."""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from bot.processes import ServerProcess, free_port, running
from tests.support.fake_wechat import FakeWeChatApi
from tests.support.servers import action_server_command, rasa_server_command, write_endpoints
from tests.support.wechat_platform import APP_ID, SECRET

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
    """The model for the current data, config and domain (trained first if they changed)."""
    from bot.training import ensure_model

    return ensure_model(ROOT, RASA)


@pytest.fixture(scope="session")
def faq_copy(tmp_path_factory) -> Path:
    """A copy of data/faq that the action server reads, so tests may edit it."""
    target = tmp_path_factory.mktemp("faq") / "faq"
    shutil.copytree(ROOT / "data" / "faq", target)
    return target


@pytest.fixture(scope="session")
def tickets_db(tmp_path_factory) -> Path:
    """The session's database (tickets, web chat outbox), migrated as `make run` does."""
    from bot.storage.migrate import upgrade

    path = tmp_path_factory.mktemp("tickets") / "bot.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def action_server_url(tmp_path_factory, faq_copy: Path, tickets_db: Path) -> Iterator[str]:
    """A real `rasa run actions` on a free port; yields its webhook URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    with running(action_server_command(port), f"http://127.0.0.1:{port}/health", log,
                 env={"FAQ_DIR": str(faq_copy),
                      "DATABASE_URL": f"sqlite:///{tickets_db}"}):
        yield f"http://127.0.0.1:{port}/webhook"


@pytest.fixture(scope="session")
def agent(model_path: Path, action_server_url: str):
    """In-process Rasa agent: trained model, real action server, in-memory trackers."""
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    return Agent.load(str(model_path), action_endpoint=EndpointConfig(url=action_server_url))


WEBCHAT_SECRET = "session-webchat-secret-0123456789"


@pytest.fixture(scope="session")
def rasa_process(model_path: Path, action_server_url: str, tickets_db: Path,
                 tmp_path_factory) -> Iterator[ServerProcess]:
    """A real `rasa run` with the project's channels (REST, web chat), a SQLite tracker
    store and the session's tickets database. A test may stop it; it must start it again."""
    workdir = tmp_path_factory.mktemp("rasa")
    endpoints = write_endpoints(workdir / "endpoints.yml", action_server_url, workdir / "tracker.db")
    port = free_port()
    with running(rasa_server_command(port, model_path, endpoints),
                 f"http://127.0.0.1:{port}/", workdir / "rasa.log",
                 env={"DATABASE_URL": f"sqlite:///{tickets_db}",
                      "WEBCHAT_SECRET": WEBCHAT_SECRET}) as server:
        yield server


@pytest.fixture(scope="session")
def rasa_server(rasa_process: ServerProcess) -> str:
    """Base URL of the session's Rasa server."""
    return rasa_process.health_url.rstrip("/")


@pytest.fixture(scope="session")
def fake_api() -> Iterator[FakeWeChatApi]:
    api = FakeWeChatApi(APP_ID, SECRET).start()
    yield api
    api.stop()


@pytest.fixture
def migrated_db_url(tmp_path) -> str:
    """A fresh SQLite database migrated to the latest schema, as `python -m bot db-upgrade` leaves it."""
    from bot.storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    return url
