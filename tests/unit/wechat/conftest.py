"""Fixtures for the WeChat channel: a fake platform API and a service factory."""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, List, Optional

import pytest
from rasa.core.channels.channel import UserMessage

from bot.rasa_ext.channels.wechat.service import WeChatService
from bot.security.ratelimit import RateLimiter
from bot.wechat.api import WeChatApi
from bot.wechat.config import WeChatSettings
from tests.support.fake_wechat import FakeWeChatApi
from tests.support.wechat_platform import AES_KEY, APP_ID, SECRET, TOKEN


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

    def build(per_follower: Optional[RateLimiter] = None, **credentials: Any) -> WeChatService:
        creds = {"token": TOKEN, "app_id": APP_ID, "secret": SECRET, "aes_key": AES_KEY,
                 "mode": "compatible", "api_base": wechat_api.url, "reply_timeout": 2.0,
                 **credentials}
        settings = WeChatSettings.from_credentials(creds, {})
        service = WeChatService(settings, WeChatApi(settings.app_id, settings.secret, settings.api_base),
                                per_follower=per_follower)
        services.append(service)
        return service

    yield build
    for service in services:
        await service.close()
