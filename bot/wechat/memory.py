"""Per-follower memory that outlives one request: the last buttons shown, and
answer pieces waiting for 继续. Bounded and expiring; one process only.

These are the laptop's implementations; `bot.wechat.shared` keeps the same
interfaces in Redis for several workers. Methods are coroutines for that reason.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from typing import Callable, Generic, List, Optional, Sequence, Tuple, TypeVar

from bot.wechat.render import Button

V = TypeVar("V")


class ExpiringMap(Generic[V]):
    """A small LRU map whose entries expire ``ttl`` seconds after they were set."""

    def __init__(self, ttl: float, max_entries: int = 10000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._items: "OrderedDict[str, Tuple[float, V]]" = OrderedDict()

    def set(self, key: str, value: V) -> None:
        self._items.pop(key, None)
        self._items[key] = (self._clock() + self._ttl, value)
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    def get(self, key: str) -> Optional[V]:
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] < self._clock():
            del self._items[key]
            return None
        return item[1]

    def pop(self, key: str) -> Optional[V]:
        value = self.get(key)
        self._items.pop(key, None)
        return value


class Choices:
    """The buttons last shown to each follower, so that ``2`` or a title picks one."""

    def __init__(self, ttl: float = 1800, clock: Callable[[], float] = time.monotonic) -> None:
        self._buttons: ExpiringMap[Tuple[Button, ...]] = ExpiringMap(ttl, clock=clock)

    async def remember(self, sender: str, buttons: Sequence[Button]) -> None:
        """The buttons just shown; an answer without buttons forgets the old ones."""
        if buttons:
            self._buttons.set(sender, tuple(buttons))
        else:
            self._buttons.pop(sender)

    async def resolve(self, sender: str, text: str) -> Optional[str]:
        """The payload of the button the follower picked with ``text``, if any."""
        return pick(self._buttons.get(sender) or (), text)


def pick(buttons: Sequence[Button], text: str) -> Optional[str]:
    """The payload of the button ``text`` names: its number (``2``, ``2。``) or its title."""
    choice = text.strip().rstrip(".、。")
    if choice.isdigit() and 1 <= int(choice) <= len(buttons):
        return buttons[int(choice) - 1].payload
    for button in buttons:
        if choice and choice == button.title:
            return button.payload
    return None


class Pending:
    """Answer pieces kept for followers the platform does not let us message first."""

    def __init__(self, ttl: float = 48 * 3600, clock: Callable[[], float] = time.monotonic) -> None:
        self._pieces: ExpiringMap[List[str]] = ExpiringMap(ttl, clock=clock)

    async def add(self, sender: str, pieces: Sequence[str]) -> None:
        if pieces:
            self._pieces.set(sender, (self._pieces.get(sender) or []) + list(pieces))

    async def take_all(self, sender: str) -> List[str]:
        return self._pieces.pop(sender) or []

    async def has(self, sender: str) -> bool:
        return bool(self._pieces.get(sender))
