"""The official-account platform API: access token and customer-service messages.

The access token is fetched with app id and secret, cached until shortly
before it expires, fetched by one request at a time, and refreshed once when
the platform says it expired (40001, 42001; 40014 is an invalid token). Where
it is kept and what "one at a time" spans is a `TokenCache`: this process
(`MemoryTokenCache`, an asyncio lock) or every worker (`bot.wechat.shared`,
Redis): the platform keeps only the newest token valid, so two workers
fetching at once would invalidate each other's. Errors are logged through the PII redactor and raised as
``WeChatApiError`` to the caller, who decides what the follower sees.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncContextManager, AsyncIterator, Callable, Dict, Optional, Protocol

import aiohttp

from bot.http_session import LazySession

logger = logging.getLogger(__name__)

TOKEN_EXPIRED = {40001, 40014, 42001}


def masked(text: str) -> str:
    from bot.pii import redact  # loads spaCy: only when there is something to log

    try:
        return redact(text)
    except Exception:  # noqa: BLE001 - never let logging break the channel
        return "<unloggable>"


class WeChatApiError(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class TokenCache(Protocol):
    """Where the access token is kept, and the lock that makes one fetch at a time."""

    async def get(self) -> Optional[str]: ...

    async def put(self, token: str, seconds: float) -> None: ...

    def exclusive(self) -> AsyncContextManager[None]: ...


class MemoryTokenCache:
    """This process only (the laptop profile)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._token: Optional[str] = None
        self._expires = 0.0
        self._lock: Optional[asyncio.Lock] = None  # made in the event loop that uses it

    async def get(self) -> Optional[str]:
        return self._token if self._token and self._clock() < self._expires else None

    async def put(self, token: str, seconds: float) -> None:
        self._token, self._expires = token, self._clock() + seconds

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            yield


class WeChatApi:
    def __init__(self, app_id: str, secret: str, base_url: str = "https://api.weixin.qq.com",
                 refresh_margin: float = 300.0, timeout: float = 10.0,
                 clock: Callable[[], float] = time.monotonic,
                 tokens: Optional[TokenCache] = None) -> None:
        self._app_id = app_id
        self._secret = secret
        self._base = base_url.rstrip("/")
        self._margin = refresh_margin
        self._http = LazySession(timeout)
        self._tokens: TokenCache = tokens if tokens is not None else MemoryTokenCache(clock)

    async def close(self) -> None:
        await self._http.close()

    async def access_token(self, stale: Optional[str] = None) -> str:
        """A valid token; ``stale`` is one the platform rejected, so fetch anew
        (unless another request or worker already did)."""
        token = await self._tokens.get()
        if token and token != stale:
            return token
        async with self._tokens.exclusive():
            token = await self._tokens.get()
            if token and token != stale:
                return token
            data = await self._request("GET", "/cgi-bin/token", params={
                "grant_type": "client_credential", "appid": self._app_id, "secret": self._secret})
            token = data.get("access_token")
            if not isinstance(token, str) or not token:
                raise self._error("/cgi-bin/token", {"errcode": -1, "errmsg": "no access_token"})
            lifetime = float(data.get("expires_in") or 7200)
            await self._tokens.put(token, max(lifetime - self._margin, lifetime / 2))
            return token

    async def call(self, path: str, payload: Dict[str, Any]) -> Dict[str, Any]:
        """POST ``payload`` with the access token; one retry with a fresh token on expiry."""
        token = await self.access_token()
        try:
            return await self._request("POST", path, params={"access_token": token}, payload=payload)
        except WeChatApiError as error:
            if error.errcode not in TOKEN_EXPIRED:
                raise
            logger.info("wechat: access token rejected (%s), fetching a new one", error.errcode)
        token = await self.access_token(stale=token)
        return await self._request("POST", path, params={"access_token": token}, payload=payload)

    async def send_text(self, openid: str, content: str) -> None:
        await self.call("/cgi-bin/message/custom/send",
                        {"touser": openid, "msgtype": "text", "text": {"content": content}})

    async def send_menu(self, openid: str, menu: Dict[str, Any]) -> None:
        await self.call("/cgi-bin/message/custom/send",
                        {"touser": openid, "msgtype": "msgmenu", "msgmenu": menu})

    async def _request(self, method: str, path: str, params: Dict[str, str],
                       payload: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"} if body else None
        try:
            async with self._http.get().request(method, self._base + path, params=params,
                                            data=body, headers=headers) as response:
                text = await response.text()
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise self._error(path, {"errcode": -2, "errmsg": f"{type(error).__name__}: {error}"}) from None
        if not 200 <= status < 300:
            raise self._error(path, {"errcode": -3, "errmsg": f"HTTP {status}: {text[:200]}"})
        try:
            data = json.loads(text)
        except ValueError:
            raise self._error(path, {"errcode": -4, "errmsg": f"not JSON: {text[:200]}"}) from None
        if not isinstance(data, dict):
            raise self._error(path, {"errcode": -4, "errmsg": "not a JSON object"})
        if int(data.get("errcode") or 0) != 0:
            raise self._error(path, data)
        return data

    @staticmethod
    def _error(path: str, data: Dict[str, Any]) -> WeChatApiError:
        try:
            code = int(data["errcode"])
        except (KeyError, TypeError, ValueError):
            code = -1
        error = WeChatApiError(code, str(data.get("errmsg") or ""))
        logger.warning("wechat: %s failed: %s %s", path, error.errcode, masked(error.errmsg))
        return error
