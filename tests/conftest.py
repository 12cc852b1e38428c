"""Shared fixtures: the trained model, a real action server, an in-process agent,
a real Rasa server and two WeChat-channel Rasa servers, each started once per
test session and only when a test asks for it."""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

from bot.settings import process_settings
from tests.support.fake_wechat import FakeWeChatApi
from tests.support.processes import ServerProcess, free_port, running
from tests.support.servers import (
    ACTION_SERVER_TOKEN,
    RASA_API_TOKEN,
    action_server_command,
    rasa_server_command,
    write_endpoints,
)
from tests.support.wechat_platform import AES_KEY, APP_ID, SECRET, TOKEN

ROOT = Path(__file__).resolve().parents[1]
RASA = str(Path(sys.executable).with_name("rasa"))

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["ACTION_SERVER_TOKEN"] = ACTION_SERVER_TOKEN  # every server the session starts


@pytest.fixture(autouse=True)
def settings_read_per_test() -> Iterator[None]:
    """A test that sets environment variables (monkeypatch) gets settings read from
    them: the process's cached settings (`process_settings`) are read again per test."""
    process_settings.cache_clear()
    yield
    process_settings.cache_clear()


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
def ticket_store(tickets_db: Path):
    """The session's tickets, read directly from its database."""
    from bot.storage.engine import make_engine
    from bot.storage.tickets import TicketStore

    return TicketStore(make_engine(f"sqlite:///{tickets_db}"))


@pytest.fixture(scope="session")
def action_server(tmp_path_factory, faq_copy: Path, tickets_db: Path) -> Iterator[ServerProcess]:
    """A real `rasa run actions` on a free port. A test may stop it; it must start it again."""
    port = free_port()
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    with running(action_server_command(port), f"http://127.0.0.1:{port}/health", log,
                 env={"FAQ_DIR": str(faq_copy),
                      "DATABASE_URL": f"sqlite:///{tickets_db}"}) as server:
        yield server


@pytest.fixture(scope="session")
def action_server_url(action_server: ServerProcess) -> str:
    """The webhook URL of the session's action server."""
    return action_server.health_url.replace("/health", "/webhook")


@pytest.fixture(scope="session")
def agent(model_path: Path, action_server_url: str):
    """In-process Rasa agent: trained model, real action server, in-memory trackers."""
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    return Agent.load(str(model_path),
                      action_endpoint=EndpointConfig(url=action_server_url, token=ACTION_SERVER_TOKEN))


WEBCHAT_SECRET = "session-webchat-secret-0123456789"


@pytest.fixture(scope="session")
def rasa_tracker_db(tmp_path_factory) -> Path:
    """The tracker store (SQLite) of the session's Rasa server."""
    return tmp_path_factory.mktemp("rasa") / "tracker.db"


@pytest.fixture(scope="session")
def rasa_process(model_path: Path, action_server_url: str, tickets_db: Path,
                 rasa_tracker_db: Path) -> Iterator[ServerProcess]:
    """A real `rasa run` with the project's channels (REST, web chat), a SQLite tracker
    store and the session's tickets database. A test may stop it; it must start it again."""
    workdir = rasa_tracker_db.parent
    endpoints = write_endpoints(workdir / "endpoints.yml", action_server_url, rasa_tracker_db)
    port = free_port()
    with running(rasa_server_command(port, model_path, endpoints),
                 f"http://127.0.0.1:{port}/webhooks/rest/", workdir / "rasa.log",
                 env={"DATABASE_URL": f"sqlite:///{tickets_db}", "WEBCHAT_SECRET": WEBCHAT_SECRET,
                      "RASA_API_TOKEN": RASA_API_TOKEN,
                      # every test talks from 127.0.0.1: per-address limits are tested on their own
                      "RATE_LIMIT_PER_IP": "0"}) as server:
        yield server


@pytest.fixture(scope="session")
def rasa_server(rasa_process: ServerProcess) -> str:
    """Base URL of the session's Rasa server."""
    return rasa_process.health_url[: -len("/webhooks/rest/")]


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


# --- a real `rasa run` with the WeChat channel ---------------------------------

TEST_ENV = {"WECHAT_TOKEN": TOKEN, "WECHAT_APPID": APP_ID, "WECHAT_SECRET": SECRET,
            "WECHAT_AES_KEY": AES_KEY, "RASA_API_TOKEN": RASA_API_TOKEN, "RATE_LIMIT_PER_IP": "0"}


def _wechat_credentials(path, api_base: str, **settings: Any):
    """Secrets as ${VAR}: Rasa fills them from the environment of the server."""
    lines = ["bot.rasa_ext.channels.rest.LimitedRestInput:", "bot.rasa_ext.channels.wechat.WeChatInput:",
             "  token: ${WECHAT_TOKEN}", "  app_id: ${WECHAT_APPID}",
             "  secret: ${WECHAT_SECRET}", "  aes_key: ${WECHAT_AES_KEY}",
             f"  api_base: {api_base}"]
    lines += [f"  {key}: {value}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _start_wechat_rasa(tmp_path_factory, model_path, action_server_url, fake_api, name, **settings):
    workdir = tmp_path_factory.mktemp(name)
    endpoints = write_endpoints(workdir / "endpoints.yml", action_server_url, workdir / "tracker.db")
    credentials = _wechat_credentials(workdir / "credentials.yml", fake_api.url, **settings)
    port = free_port()
    return running(rasa_server_command(port, model_path, endpoints, credentials),
                   f"http://127.0.0.1:{port}/webhooks/wechat/", workdir / "rasa.log", env=TEST_ENV), port, workdir


def _warm_up(base: str) -> None:
    """One REST message first: the model, the action server and its FAQ index are
    loaded on first use, which alone can take longer than a passive reply may."""
    from tests.support.rest import post_json

    post_json(f"{base}/webhooks/rest/webhook", {"sender": "warm-up", "message": "收不到验证码"},
              timeout=120)


@pytest.fixture(scope="session")
def wechat_servers(tmp_path_factory, model_path, action_server_url, fake_api) -> Iterator[Dict[str, str]]:
    """Two `rasa run`s with the WeChat channel, started side by side (each takes ~40 s):
    "safe": safe mode, answers in time; "slow": plaintext mode with a reply timeout no
    answer can meet, so every answer is late."""
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import ExitStack

    servers = {
        "safe": _start_wechat_rasa(tmp_path_factory, model_path, action_server_url, fake_api,
                                   "wechat-safe", mode="safe", reply_timeout=8),
        "slow": _start_wechat_rasa(tmp_path_factory, model_path, action_server_url, fake_api,
                                   "wechat-slow", mode="plaintext", reply_timeout=0.001),
    }
    with ExitStack() as stack, ThreadPoolExecutor(len(servers)) as pool:
        started = {name: pool.submit(server.__enter__) for name, (server, _, _) in servers.items()}
        errors = []
        for name, future in started.items():
            try:
                future.result()
                stack.push(servers[name][0].__exit__)  # stopped when the session ends
            except Exception as error:  # noqa: BLE001 - the other server is still stopped by the stack
                errors.append(error)
        if errors:
            raise errors[0]
        urls = {name: f"http://127.0.0.1:{port}" for name, (_, port, _) in servers.items()}
        _warm_up(urls["safe"])
        # where each server's endpoints.yml and credentials.yml are (the console reads them)
        urls.update({f"{name}_dir": str(workdir) for name, (_, _, workdir) in servers.items()})
        yield urls


@pytest.fixture(scope="session")
def wechat_rasa(wechat_servers: Dict[str, str]) -> str:
    return wechat_servers["safe"]


@pytest.fixture(scope="session")
def wechat_rasa_slow(wechat_servers: Dict[str, str]) -> str:
    return wechat_servers["slow"]


# --- the staff console ----------------------------------------------------------

@pytest.fixture(scope="session")
def console_server(tmp_path_factory):
    """A real `python -m bot console` on a migrated database of its own (LOGIN_MAX_FAILURES=3);
    ``.new_staff(role)`` adds an account, ``.client()`` is a fresh browser
    (tests.support.console.ConsoleServer)."""
    from tests.support.console import start_console

    with start_console(tmp_path_factory.mktemp("console")) as server:
        yield server


@pytest.fixture(scope="session")
def takeover_console(tmp_path_factory, rasa_server: str, rasa_process: ServerProcess, tickets_db: Path,
                     rasa_tracker_db: Path):
    """The console beside the session's Rasa server: same tickets database, same
    tracker store (through Rasa's endpoints file), Rasa's API with its token."""
    from tests.support.console import start_console

    env = {"ENDPOINTS_FILE": str(rasa_tracker_db.parent / "endpoints.yml"), "RASA_URL": rasa_server,
           "RASA_API_TOKEN": RASA_API_TOKEN}
    with start_console(tmp_path_factory.mktemp("takeover-console"), env=env,
                       database_url=f"sqlite:///{tickets_db}") as server:
        yield server


@pytest.fixture(scope="session")
def wechat_console(tmp_path_factory, wechat_servers: Dict[str, str], tickets_db: Path):
    """The console beside the WeChat Rasa server ("safe"): its tracker store, its
    credentials (the fake platform's address), the WeChat secrets."""
    from tests.support.console import start_console

    workdir = Path(wechat_servers["safe_dir"])
    env = {**TEST_ENV, "ENDPOINTS_FILE": str(workdir / "endpoints.yml"), "RASA_URL": wechat_servers["safe"]}
    with start_console(tmp_path_factory.mktemp("wechat-console"), env=env, database_url=f"sqlite:///{tickets_db}",
                       credentials=workdir / "credentials.yml") as server:
        yield server
