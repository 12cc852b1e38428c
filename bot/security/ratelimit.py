"""Token-bucket rate limits per key (a sender, a client address).

Two stores behind one small interface (`RateLimiter.take`):

- `MemoryRateLimiter` counts in this process: right for one server process
  (the laptop profile).
- `RedisRateLimiter` keeps the buckets in Redis (``REDIS_URL``: the production
  profile), so several workers behind one entry point count together; without
  it a client would get workers × the limit. One Lua script reads, refills and
  takes in a single atomic step, on Redis's clock (the workers' clocks may
  differ). If Redis does not answer, the request is let through and a warning
  logged: an abuse limit must not take the chat down with it (the lock store,
  not the limits, keeps two workers off one conversation).
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Optional, Protocol, Tuple

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """``per_minute`` requests on average, up to ``burst`` at once."""

    per_minute: float
    burst: int

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0

    @property
    def off(self) -> bool:
        return self.per_minute <= 0  # 0 turns the limit off


class RateLimiter(Protocol):
    async def take(self, key: str) -> Optional[int]:
        """Take one request from ``key``'s bucket: None when allowed, otherwise the
        whole seconds until it may send again (for the Retry-After header)."""


def seconds_until_one(tokens: float, limit: Limit) -> int:
    """Whole seconds until a bucket holding ``tokens`` has one again (at least 1)."""
    missing = max(0.0, 1.0 - tokens)
    return max(1, math.ceil(missing / limit.per_second)) if limit.per_second else 1


class MemoryRateLimiter:
    def __init__(self, limit: Limit, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000) -> None:
        self._limit = limit
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()  # key -> (tokens, at)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Take one request from ``key``'s bucket; False when it is empty."""
        if self._limit.off:
            return True
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.pop(key, (float(self._limit.burst), now))
            tokens = min(float(self._limit.burst), tokens + (now - at) * self._limit.per_second)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self._max_keys:  # forget the longest-idle clients first
                self._buckets.popitem(last=False)
            return allowed

    def retry_after(self, key: str) -> int:
        """Whole seconds until ``key`` may send again."""
        with self._lock:
            tokens, _ = self._buckets.get(key, (float(self._limit.burst), 0.0))
        return seconds_until_one(tokens, self._limit)

    async def take(self, key: str) -> Optional[int]:
        return None if self.allow(key) else self.retry_after(key)


# KEYS[1]: the bucket; ARGV: tokens per second, burst. Returns 0 when a token was
# taken, otherwise the whole seconds until there is one. The bucket expires once
# it would be full again, so idle clients cost nothing.
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or burst
local at = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return wait
"""


class RedisRateLimiter:
    """Buckets named ``<prefix><key>`` in Redis, shared by every worker."""

    def __init__(self, client: Any, prefix: str, limit: Limit) -> None:
        self._redis = client
        self._prefix = prefix
        self._limit = limit
        self._script = client.register_script(_TAKE)

    async def take(self, key: str) -> Optional[int]:
        if self._limit.off:
            return None
        import redis

        try:
            wait = int(await self._script(keys=[self._prefix + key],
                                          args=[repr(self._limit.per_second), self._limit.burst]))
        except (redis.RedisError, OSError) as error:
            logger.warning("rate limit %s not counted, Redis does not answer: %s",
                           self._prefix.rstrip(":"), type(error).__name__)
            return None
        return wait or None


class StreamCounter:
    """Open event streams per key, capped (each holds a connection of this process).

    Counted per process on purpose: a stream is a connection this worker holds,
    and a count in Redis would outlive a worker that was killed with streams open.
    """

    def __init__(self, cap: int) -> None:
        self._cap = cap
        self._open: dict = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> bool:
        with self._lock:
            if self._open.get(key, 0) >= self._cap:
                return False
            self._open[key] = self._open.get(key, 0) + 1
            return True

    def release(self, key: str) -> None:
        with self._lock:
            left = self._open.get(key, 0) - 1
            if left > 0:
                self._open[key] = left
            else:
                self._open.pop(key, None)
