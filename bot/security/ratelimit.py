"""Token-bucket rate limits per key (a sender, a client address).

Kept in the process's memory: right for one server process. Several workers
behind one entry point each count on their own, so a client gets at most
workers × the limit; a shared store (Redis) is the production profile's job.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Tuple


@dataclass(frozen=True)
class Limit:
    """``per_minute`` requests on average, up to ``burst`` at once."""

    per_minute: float
    burst: int

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


class RateLimiter:
    def __init__(self, limit: Limit, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000) -> None:
        self._limit = limit
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()  # key -> (tokens, at)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Take one request from ``key``'s bucket; False when it is empty."""
        if self._limit.per_minute <= 0:
            return True  # 0 turns the limit off
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
        """Whole seconds until ``key`` may send again (for the Retry-After header)."""
        with self._lock:
            tokens, _ = self._buckets.get(key, (float(self._limit.burst), 0.0))
        missing = max(0.0, 1.0 - tokens)
        return max(1, int(missing / self._limit.per_second + 0.999)) if self._limit.per_second else 1


class StreamCounter:
    """Open event streams per key, capped (each holds a connection and polls)."""

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
