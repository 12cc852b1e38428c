"""The web chat channel in an in-process Sanic server, mounted the way `rasa run` mounts it."""
from __future__ import annotations

import itertools
import json
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Callable, Dict, List, Optional, Tuple

from tests.support.http import request as http_request
from tests.support.processes import free_port

SECRET = b"test-secret-for-webchat-0123456789"
_names = itertools.count()


GREETING_TEXT = "您好，请问遇到什么问题了？"


class EchoAgent:
    """Stands in for Rasa's agent: answers with the text and a button, records messages;
    ``execute_action`` records the action and sends a greeting for ``utter_greet``."""

    def __init__(self) -> None:
        from rasa.core.lock_store import InMemoryLockStore
        from rasa.core.tracker_store import InMemoryTrackerStore
        from rasa.shared.core.domain import Domain

        self.messages: List[Any] = []
        self.actions: List[Tuple[str, str]] = []
        self.lock_store = InMemoryLockStore()
        self.tracker_store = InMemoryTrackerStore(Domain.empty())

    async def execute_action(self, sender_id, action, output_channel, policy, confidence) -> None:
        self.actions.append((sender_id, action))
        if action == "utter_greet":
            await output_channel.send_text_with_buttons(
                sender_id, GREETING_TEXT, [{"title": "转账失败", "payload": "/transfer_failed"}])

    async def handle_message(self, message) -> None:
        self.messages.append(message)
        if message.text == "/boom":
            raise RuntimeError("the agent failed")
        await message.output_channel.send_text_with_buttons(
            message.sender_id, f"echo: {message.text}",
            [{"title": "好", "payload": "/affirm"}])


@asynccontextmanager
async def channel_app(channel: Any, agent: Optional[EchoAgent] = None) -> AsyncIterator[str]:
    """Yields the base URL of a Sanic app with only ``channel`` registered, as `rasa run` mounts it."""
    from rasa.core.channels.channel import register
    from sanic import Sanic

    class TestSanic(Sanic):
        # Sanic 21.12 rewrites its connection code once per started app ("touchup"); a
        # second app in the same process needs the original kept, which test mode does.
        test_mode = True

    app = TestSanic(f"channel_test_{next(_names)}")
    app.ctx.agent = agent or EchoAgent()
    register([channel], app, route="/webhooks/")  # the same call `rasa run` makes
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True,
                                     access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


NO_LIMITS = {"RATE_LIMIT_PER_SENDER": "0", "RATE_LIMIT_PER_IP": "0", "MAX_STREAMS_PER_WINDOW": "100"}


@asynccontextmanager
async def webchat_app(db_url: str, agent: Optional[EchoAgent] = None,
                      limits: Optional[Dict[str, str]] = None,
                      **channel_options: Any) -> AsyncIterator[str]:
    """Yields the base URL of a Sanic app with only the web chat channel registered.

    ``limits``: the rate-limit variables (`Settings`); by default every limit is off."""
    from bot.rasa_ext.channels.webchat.channel import WebChatInput
    from bot.settings import Settings

    settings = Settings.from_env({"DATABASE_URL": db_url, "WEBCHAT_SECRET": SECRET.decode(),
                                  **(NO_LIMITS if limits is None else limits)})
    async with channel_app(WebChatInput(settings, **channel_options), agent) as url:
        yield url


def request(url: str, body: Any = None, token: Optional[str] = None, raw: Optional[bytes] = None,
            method: Optional[str] = None, timeout: float = 10) -> Tuple[int, Dict[str, Any]]:
    """(status, JSON body) of a request; HTTP errors are returned, not raised."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, answer = http_request(url, method, data, headers, timeout)
    return status, json.loads(answer or b"null")


def new_session(base_url: str, **fields: Any) -> Dict[str, Any]:
    status, body = request(f"{base_url}/webhooks/webchat/session", fields)
    assert status == 200, body
    return body


def send(base_url: str, token: str, text: str, timeout: float = 10, **fields: Any) -> Tuple[int, Dict[str, Any]]:
    """``fields`` go into the message body beside ``text``."""
    return request(f"{base_url}/webhooks/webchat/message", {"text": text, **fields}, token=token, timeout=timeout)


AsyncCall = Callable[..., Any]
