"""Fixtures for the WeChat channel: a fake platform API and a service factory."""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
from rasa.core.channels.channel import UserMessage

from bot.wechat.api import WeChatApi
from bot.wechat.config import WeChatSettings
from bot.wechat.service import WeChatService
from tests.support.fake_wechat import FakeWeChatApi
from tests.support.wechat_platform import AES_KEY, APP_ID, SECRET, TOKEN


@pytest.fixture(scope="session")
def fake_api() -> Iterator[FakeWeChatApi]:
    api = FakeWeChatApi(APP_ID, SECRET).start()
    yield api
    api.stop()


@pytest.fixture
def wechat_api(fake_api: FakeWeChatApi) -> FakeWeChatApi:
    """The session's fake API, reset for this test."""
    fake_api.sent.clear()
    fake_api.fail_sends.clear()
    fake_api.expire_tokens()
    fake_api.token_calls = 0
    fake_api.token_delay = 0.0
    return fake_api


class FakeRasa:
    """Stands in for Rasa's on_new_message: records messages, answers via the collector."""

    def __init__(self, reply: Optional[Callable[[str], List[Dict[str, Any]]]] = None) -> None:
        self.messages: List[UserMessage] = []
        self.reply = reply or (lambda text: [{"text": f"答：{text}"}])
        self.gate: Optional[asyncio.Event] = None
        self.fail = False

    @property
    def texts(self) -> List[str]:
        return [m.text for m in self.messages]

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise RuntimeError("model not loaded")
        for answer in self.reply(message.text):
            await message.output_channel.send_response(message.sender_id, dict(answer))


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
async def make_service(wechat_api: FakeWeChatApi):
    services: List[WeChatService] = []

    def build(**credentials: Any) -> WeChatService:
        creds = {"token": TOKEN, "app_id": APP_ID, "secret": SECRET, "aes_key": AES_KEY,
                 "mode": "compatible", "api_base": wechat_api.url, "reply_timeout": 2.0,
                 **credentials}
        settings = WeChatSettings.from_credentials(creds, env={})
        service = WeChatService(settings, WeChatApi(settings.app_id, settings.secret, settings.api_base))
        services.append(service)
        return service

    yield build
    for service in services:
        await service.close()


# --- a real `rasa run` with the WeChat channel ---------------------------------

TEST_ENV = {"WECHAT_TOKEN": TOKEN, "WECHAT_APPID": APP_ID, "WECHAT_SECRET": SECRET,
            "WECHAT_AES_KEY": AES_KEY}


def _wechat_credentials(path, api_base: str, **settings: Any):
    """Secrets as ${VAR}: Rasa fills them from the environment of the server."""
    lines = ["rest:", "bot.channels.wechat.WeChatInput:",
             "  token: ${WECHAT_TOKEN}", "  app_id: ${WECHAT_APPID}",
             "  secret: ${WECHAT_SECRET}", "  aes_key: ${WECHAT_AES_KEY}",
             f"  api_base: {api_base}"]
    lines += [f"  {key}: {value}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _start_wechat_rasa(tmp_path_factory, model_path, action_server_url, fake_api, name, **settings):
    from tests.support.servers import free_port, rasa_server_command, running, write_endpoints

    workdir = tmp_path_factory.mktemp(name)
    endpoints = write_endpoints(workdir / "endpoints.yml", action_server_url, workdir / "tracker.db")
    credentials = _wechat_credentials(workdir / "credentials.yml", fake_api.url, **settings)
    port = free_port()
    return running(rasa_server_command(port, model_path, endpoints, credentials),
                   f"http://127.0.0.1:{port}/webhooks/wechat/", workdir / "rasa.log", env=TEST_ENV), port


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
        started = {name: pool.submit(server.__enter__) for name, (server, _) in servers.items()}
        errors = []
        for name, future in started.items():
            try:
                future.result()
                stack.push(servers[name][0].__exit__)  # stopped when the session ends
            except Exception as error:  # the other server is still stopped by the stack
                errors.append(error)
        if errors:
            raise errors[0]
        urls = {name: f"http://127.0.0.1:{port}" for name, (_, port) in servers.items()}
        _warm_up(urls["safe"])
        yield urls


@pytest.fixture(scope="session")
def wechat_rasa(wechat_servers: Dict[str, str]) -> str:
    return wechat_servers["safe"]


@pytest.fixture(scope="session")
def wechat_rasa_slow(wechat_servers: Dict[str, str]) -> str:
    return wechat_servers["slow"]
