"""Rasa's REST channel with the public channels' abuse limits.

credentials.yml names it instead of ``rest:``; the URL stays
``/webhooks/rest/webhook`` and the protocol is Rasa's. A request without a JSON
object body is a clear 400 instead of Rasa's 500, a sender over its rate gets 429.
A message the bot failed to handle (the conversation's lock still held by a
worker that died, the action server down) is a 503 the client may retry, not
Rasa's 200 with no answer, which a client cannot tell from "the bot is silent".
"""
from __future__ import annotations

import asyncio
import json
from contextvars import ContextVar
from typing import Any, Awaitable, Callable, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_ext.channels.limits import ClientLimits, RateLimited
from bot.settings import Settings, process_settings
from bot.texts import Texts

# Per request (Sanic runs each in its own task): whether handling the message raised.
_FAILED: ContextVar[Optional[List[bool]]] = ContextVar("rest_message_failed", default=None)


def _refuse(status: int, code: str, message: str, retry_after: Optional[int] = None) -> HTTPResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return response.json({"error": code, "message": message}, status=status, headers=headers,
                         dumps=lambda v: json.dumps(v, ensure_ascii=False))


class LimitedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self, settings: Optional[Settings] = None) -> None:
        self._settings = settings

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "LimitedRestInput":
        return cls(process_settings())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def noting_failures(message: UserMessage) -> Any:
            try:
                return await on_new_message(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                failed = _FAILED.get()
                if failed is not None:
                    failed[0] = True
                raise  # Rasa's channel logs it

        bp = super().blueprint(noting_failures)
        settings = self._settings or process_settings()
        limits = ClientLimits.from_settings(settings, self.name())
        texts = Texts.load(settings.support_dir).replies("webchat")

        @bp.middleware("request")
        async def _limits(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST":
                return None
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                body = None
            if not isinstance(body, dict) or not isinstance(body.get("sender", "default"), str) \
                    or not isinstance(body.get("message", ""), str):
                return _refuse(400, "bad_request", texts.render("rest_bad_request"))
            try:
                await limits.check_address(request)
                await limits.check_sender(body.get("sender") or "default")
            except RateLimited as limited:
                return _refuse(429, "rate_limited", texts.render("rate_limited", seconds=limited.retry_after),
                               limited.retry_after)
            _FAILED.set([False])
            return None

        @bp.middleware("response")
        async def _failures(request: Request, reply: HTTPResponse) -> Optional[HTTPResponse]:
            failed = _FAILED.get()
            if request.method == "POST" and failed is not None and failed[0]:
                return _refuse(503, "bot_failed", texts.render("bot_failed"), retry_after=1)
            return None

        return bp
