"""Copying the open tickets' new conversation events onto them for the live inbox,
throttled per console worker."""
from __future__ import annotations

import asyncio
import math
import time
from typing import List

from bot.console.takeover import Takeover

SYNC_SECONDS = 1.5


class OpenTicketSync:
    """Copies the open tickets' new conversation events onto them, at most once every
    ``every`` seconds however many pages poll (one worker's throttle: the copy itself is
    safe from several workers, `TicketDesk.append_synced`)."""

    def __init__(self, takeover: Takeover, every: float = SYNC_SECONDS) -> None:
        self._takeover = takeover
        self._every = every
        self._last = -math.inf
        self._lock = asyncio.Lock()

    async def refresh(self, numbers: List[str]) -> int:
        """How many messages were added (0 when it was done a moment ago)."""
        if time.monotonic() - self._last < self._every:
            return 0
        async with self._lock:
            if time.monotonic() - self._last < self._every:
                return 0
            added = 0
            for number in numbers:
                added += await self._takeover.sync(number)
            self._last = time.monotonic()
            return added
