"""Handle each WeChat message exactly once, whatever the platform's retries do.

WeChat waits about 5 s for an answer and then posts the same message again
(three tries in all). Every message has a key (sender + MsgId + CreateTime, or
sender + CreateTime + event for events). The first request starts the work;
a retry that arrives while it runs waits for the same result instead of
starting a second one; a retry after the answer went out is a duplicate.

Exactly one party delivers each result: a request that is still waiting when
the work finishes takes it as its passive reply; if nobody is waiting any more
(every request was answered with ``success`` in time), ``on_late`` gets it.

One process only (the laptop); `bot.wechat.shared.SharedInFlight` does the same
across workers through Redis, behind the same methods.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Generic, Optional, Set, Tuple, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


def _log_failure(task: "asyncio.Task[Any]") -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("wechat: message handling failed", exc_info=task.exception())


class Entry(Generic[T]):
    def __init__(self, key: str, sender: str, task: "asyncio.Task[T]", expires: float,
                 on_late: Callable[[Optional[T]], Awaitable[None]]) -> None:
        self.key = key
        self.sender = sender
        self.task = task
        self.expires = expires
        self.on_late = on_late
        self.waiters = 0
        self.claimed = False

    def claim(self) -> bool:
        """True exactly once: for whoever delivers the result."""
        if self.claimed:
            return False
        self.claimed = True
        return True

    def result(self) -> Optional[T]:
        if self.task.cancelled() or self.task.exception() is not None:
            return None
        return self.task.result()


@dataclass(frozen=True)
class Outcome(Generic[T]):
    kind: str  # "answer": deliver value now; "late": not ready, on_late delivers; "duplicate"
    value: Optional[T] = None


class InFlight(Generic[T]):
    def __init__(self, keep_seconds: float = 300.0, max_entries: int = 20000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._keep = keep_seconds
        self._max = max_entries
        self._clock = clock
        self._entries: "OrderedDict[str, Entry[T]]" = OrderedDict()
        self._latest: Dict[str, Entry[T]] = {}
        self._background: Set[asyncio.Task] = set()

    def __len__(self) -> int:
        return len(self._entries)

    async def begin(self, key: str, sender: str, work: Callable[[], Awaitable[T]],
                    on_late: Callable[[Optional[T]], Awaitable[None]],
                    track: bool = True) -> Tuple[Entry[T], bool]:
        """The entry for ``key``, starting ``work`` if this key is new; (entry, is_new).

        ``track``: whether ``unfinished(sender)`` should find this work.
        """
        self._forget_old()
        entry = self._entries.get(key)
        if entry is not None:
            return entry, False
        task = asyncio.ensure_future(work())
        entry = Entry(key, sender, task, self._clock() + self._keep, on_late)
        self._entries[key] = entry
        if track:
            self._latest[sender] = entry
        task.add_done_callback(_log_failure)
        task.add_done_callback(lambda _: self._settle(entry))
        return entry, True

    async def wait(self, entry: Entry[T], timeout: float) -> Outcome[T]:
        """Wait up to ``timeout`` seconds for the entry's result."""
        if entry.claimed:
            return Outcome("duplicate")
        entry.waiters += 1
        try:
            await asyncio.wait_for(asyncio.shield(entry.task), max(timeout, 0.0))
        except asyncio.TimeoutError:
            pass
        except asyncio.CancelledError:
            entry.waiters -= 1
            self._settle(entry)  # the request went away: the result still has to go out
            raise
        except Exception:  # noqa: BLE001 - the work failed; result() is None
            pass
        entry.waiters -= 1
        if entry.task.done():
            return Outcome("answer", entry.result()) if entry.claim() else Outcome("duplicate")
        return Outcome("late")

    async def unfinished(self, sender: str) -> Optional[Entry[T]]:
        """The sender's latest entry if its work is still running."""
        entry = self._latest.get(sender)
        return entry if entry is not None and not entry.task.done() else None

    def _settle(self, entry: Entry[T]) -> None:
        if entry.task.done() and entry.waiters == 0 and entry.claim():
            self.spawn(self._run_late(entry))

    def spawn(self, coroutine: Awaitable[Any]) -> None:
        """Run ``coroutine`` in the background; ``drain`` waits for it."""
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @staticmethod
    async def _run_late(entry: Entry[Any]) -> None:
        try:
            await entry.on_late(entry.result())
        except Exception:
            logger.exception("wechat: late delivery for %s failed", entry.key)

    def _forget_old(self) -> None:
        now = self._clock()
        while self._entries:
            key, oldest = next(iter(self._entries.items()))
            too_many = len(self._entries) > self._max
            if not (too_many or oldest.expires < now) or not oldest.task.done():
                break
            del self._entries[key]
            if self._latest.get(oldest.sender) is oldest:
                del self._latest[oldest.sender]

    async def drain(self) -> None:
        """Wait for running work and late deliveries (tests, shutdown)."""
        running = [e.task for e in self._entries.values() if not e.task.done()]
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)
