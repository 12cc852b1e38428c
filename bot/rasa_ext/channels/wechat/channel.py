"""Rasa input channel for a WeChat official account (glue only: see bot/wechat/).

credentials.yml::

    bot.rasa_ext.channels.wechat.WeChatInput:
      mode: safe                    # plaintext | compatible | safe
      customer_service_api: true    # false for unverified subscription accounts
      reply_timeout: 4.5

Secrets come from WECHAT_TOKEN, WECHAT_APPID, WECHAT_SECRET, WECHAT_AES_KEY.
Without them the channel stays mounted but answers every request with 503
(and says so in the log once at start-up); other channels are unaffected.
URL for the platform: ``https://<host>/webhooks/wechat/webhook``.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_ext.channels.limits import ClientLimits, RateLimited
from bot.rasa_ext.channels.startup import tune_after_start
from bot.rasa_ext.channels.wechat.service import HttpReply, WeChatService
from bot.settings import process_settings
from bot.wechat.api import WeChatApi
from bot.wechat.config import WeChatSettings

logger = logging.getLogger(__name__)


def _http(reply: HttpReply) -> HTTPResponse:
    return response.text(reply.body, status=reply.status, content_type=reply.content_type)


class WeChatInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        settings = process_settings()
        wechat = WeChatSettings.from_credentials(credentials, settings.wechat_environment(), settings.support_dir)
        return cls(wechat, ClientLimits.from_settings(settings, cls.name()), redis_url=settings.redis_url)

    def __init__(self, settings: WeChatSettings, limits: Optional[ClientLimits] = None,
                 redis_url: str = "") -> None:
        """``redis_url``: where the workers serving this account share their state
        (`bot.wechat.shared`); without it, this process keeps it (one worker only)."""
        shared: Dict[str, Any] = {}
        if redis_url:
            from bot.wechat.shared import shared_state

            shared = shared_state(redis_url, settings.app_id, settings.dedup_seconds)
        api = (WeChatApi(settings.app_id, settings.secret, settings.api_base, tokens=shared.pop("tokens", None))
               if settings.can_push else None)
        shared.pop("tokens", None)
        self.limits = limits
        self.service = WeChatService(settings, api,
                                     per_follower=limits.per_sender if limits is not None else None, **shared)
        if self.service.missing:
            logger.warning("WeChat channel disabled (answers 503): set %s",
                           ", ".join(self.service.missing))
        else:
            logger.info("WeChat channel enabled: %s mode, late answers %s, state %s", settings.mode,
                        "via customer-service API" if self.service.api else "on the next message (继续)",
                        "shared in Redis" if redis_url else "in this process")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("wechat_webhook", __name__)
        tune_after_start(bp)
        service = self.service

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if service.configured else "not configured"})

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            return _http(service.verify(_query(request)))

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if self.limits is not None and not service.signed(_query(request)):
                # Signed requests all come from WeChat's servers, for every follower at once:
                # those are limited per follower (WeChatService), the rest per address.
                try:
                    await self.limits.check_address(request)
                except RateLimited as limited:
                    return response.text("too many requests", status=429,
                                         headers={"Retry-After": str(limited.retry_after)})
            return _http(await service.receive(_query(request), request.body or b"", on_new_message))

        @bp.listener("after_server_start")
        async def warm_up(_: Any, loop: asyncio.AbstractEventLoop) -> None:
            if service.configured:  # API errors are logged redacted; load spaCy off the event loop
                from bot.pii import default_redactor

                loop.run_in_executor(None, default_redactor)

        @bp.listener("before_server_stop")
        async def close(*_: Any) -> None:
            try:
                await asyncio.wait_for(service.close(), timeout=5)
            except asyncio.TimeoutError:
                logger.warning("wechat: late answers still running at shutdown were dropped")

        return bp


def _query(request: Request) -> Dict[str, str]:
    return {key: request.args.get(key) or "" for key in request.args.keys()}
