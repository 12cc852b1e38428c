"""Abuse limits of the public channels: per client address, per sender, open streams.

Defaults and names are in the README's configuration table (``RATE_LIMIT_PER_SENDER``,
``RATE_LIMIT_PER_IP``, ``MAX_STREAMS_PER_WINDOW``); 0 turns a rate limit off.
Counted in Redis when ``REDIS_URL`` is set, so every worker shares one budget per
client, otherwise in this process (`bot.security.ratelimit`); each channel has its
own. Open streams are always counted per process. Behind a reverse proxy, set
``PROXIES_COUNT`` so the client's address is the real one.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from sanic.request import Request

from bot.security.ratelimit import Limit, MemoryRateLimiter, RateLimiter, RedisRateLimiter, StreamCounter
from bot.settings import Settings


class RateLimited(Exception):
    """Too many requests: answer 429 with ``Retry-After``; ``what`` names the text."""

    def __init__(self, what: str, retry_after: int) -> None:
        super().__init__(what)
        self.what = what
        self.retry_after = retry_after


def client_address(request: Request) -> str:
    return request.remote_addr or request.ip or "unknown"


def _limiter_factory(redis_url: str, channel: str) -> Callable[[str, Limit], RateLimiter]:
    """Builds one kind of limiter: in Redis when there is one, else in this process."""
    if not redis_url:
        return lambda _kind, limit: MemoryRateLimiter(limit)
    from bot.redis_client import connect

    client = connect(redis_url)
    return lambda kind, limit: RedisRateLimiter(client, f"ratelimit:{channel}:{kind}:", limit)


@dataclass
class ClientLimits:
    per_address: RateLimiter
    new_sessions: RateLimiter
    per_sender: RateLimiter
    streams: StreamCounter

    @classmethod
    def from_settings(cls, settings: Settings, channel: str) -> "ClientLimits":
        """``channel`` names this channel's budgets in Redis."""
        per_ip, per_sender = settings.rate_limit_per_ip, settings.rate_limit_per_sender
        limiter = _limiter_factory(settings.redis_url, channel)
        return cls(
            per_address=limiter("address", Limit(per_ip, burst=max(1, per_ip // 2))),
            # a new window per address: a page load, not a stream of them
            new_sessions=limiter("session", Limit(per_ip / 10, burst=max(1, per_ip // 20))),
            per_sender=limiter("sender", Limit(per_sender, burst=max(1, per_sender // 2))),
            streams=StreamCounter(settings.max_streams_per_window),
        )

    @staticmethod
    async def _check(limiter: RateLimiter, key: str, what: str) -> None:
        wait = await limiter.take(key)
        if wait is not None:
            raise RateLimited(what, wait)

    async def check_address(self, request: Request) -> None:
        await self._check(self.per_address, client_address(request), "rate_limited")

    async def check_new_session(self, request: Request) -> None:
        await self._check(self.new_sessions, client_address(request), "rate_limited")

    async def check_sender(self, sender_id: str) -> None:
        await self._check(self.per_sender, sender_id, "rate_limited")

    @contextmanager
    def stream(self, sender_id: str) -> Iterator[None]:
        if not self.streams.acquire(sender_id):
            raise RateLimited("too_many_streams", 5)
        try:
            yield
        finally:
            self.streams.release(sender_id)
