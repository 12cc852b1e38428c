"""The one way our code opens an asyncio Redis client (``REDIS_URL``)."""
from __future__ import annotations

from typing import Any


def connect(url: str) -> Any:
    """A redis.asyncio client; it connects on first use, in the event loop that uses it."""
    import redis.asyncio as redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
