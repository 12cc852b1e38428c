"""Abuse limits of the public channels: per client address, per sender, open streams.

Defaults and names are in the README's configuration table (``RATE_LIMIT_PER_SENDER``,
``RATE_LIMIT_PER_IP``, ``MAX_STREAMS_PER_WINDOW``); 0 turns a rate limit off.
Counted in this process (see `bot.security.ratelimit`). Behind a reverse proxy,
set Sanic's ``SANIC_PROXIES_COUNT`` so the client's address is the real one.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sanic.request import Request

from bot.security.ratelimit import Limit, RateLimiter, StreamCounter
from bot.settings import Settings


class RateLimited(Exception):
    """Too many requests: answer 429 with ``Retry-After``; ``what`` names the text."""

    def __init__(self, what: str, retry_after: int) -> None:
        super().__init__(what)
        self.what = what
        self.retry_after = retry_after


def client_address(request: Request) -> str:
    return request.remote_addr or request.ip or "unknown"


@dataclass
class ClientLimits:
    per_address: RateLimiter
    new_sessions: RateLimiter
    per_sender: RateLimiter
    streams: StreamCounter

    @classmethod
    def from_settings(cls, settings: Settings) -> "ClientLimits":
        per_ip, per_sender = settings.rate_limit_per_ip, settings.rate_limit_per_sender
        return cls(
            per_address=RateLimiter(Limit(per_ip, burst=max(1, per_ip // 2))),
            # a new window per address: a page load, not a stream of them
            new_sessions=RateLimiter(Limit(per_ip / 10, burst=max(1, per_ip // 20))),
            per_sender=RateLimiter(Limit(per_sender, burst=max(1, per_sender // 2))),
            streams=StreamCounter(settings.max_streams_per_window),
        )

    @staticmethod
    def _check(limiter: RateLimiter, key: str, what: str) -> None:
        if not limiter.allow(key):
            raise RateLimited(what, limiter.retry_after(key))

    def check_address(self, request: Request) -> None:
        self._check(self.per_address, client_address(request), "rate_limited")

    def check_new_session(self, request: Request) -> None:
        self._check(self.new_sessions, client_address(request), "rate_limited")

    def check_sender(self, sender_id: str) -> None:
        self._check(self.per_sender, sender_id, "rate_limited")

    @contextmanager
    def stream(self, sender_id: str) -> Iterator[None]:
        if not self.streams.acquire(sender_id):
            raise RateLimited("too_many_streams", 5)
        try:
            yield
        finally:
            self.streams.release(sender_id)
