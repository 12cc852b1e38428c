"""Fixtures of the tests that need the trained model or real servers."""
from __future__ import annotations

from typing import Any, Dict, Iterator

import pytest

from tests.support.wechat_platform import AES_KEY, APP_ID, SECRET, TOKEN

# --- a real `rasa run` with the WeChat channel ---------------------------------

TEST_ENV = {"WECHAT_TOKEN": TOKEN, "WECHAT_APPID": APP_ID, "WECHAT_SECRET": SECRET,
            "WECHAT_AES_KEY": AES_KEY}


def _wechat_credentials(path, api_base: str, **settings: Any):
    """Secrets as ${VAR}: Rasa fills them from the environment of the server."""
    lines = ["rest:", "bot.rasa_ext.channels.wechat.WeChatInput:",
             "  token: ${WECHAT_TOKEN}", "  app_id: ${WECHAT_APPID}",
             "  secret: ${WECHAT_SECRET}", "  aes_key: ${WECHAT_AES_KEY}",
             f"  api_base: {api_base}"]
    lines += [f"  {key}: {value}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _start_wechat_rasa(tmp_path_factory, model_path, action_server_url, fake_api, name, **settings):
    from bot.processes import free_port, running
    from tests.support.servers import rasa_server_command, write_endpoints

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
            except Exception as error:  # noqa: BLE001 - the other server is still stopped by the stack
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
