"""Wake-ups for open chat windows when their outbox gets a row.

A window's event stream (bot.rasa_ext.channels.webchat) reads the outbox after
the last row it sent, then waits. Staff replies are written by the console, in
another process, so without a shared signal the stream can only look again
after a while (once a second per window: the laptop profile, `PollOnly`).

With Redis (``REDIS_URL``: the production profile) every writer publishes the
sender's id once its row is committed, and each Rasa worker holds one pattern
subscription for all its windows (`RedisWakeups`): a window wakes as soon as its
row exists, and looks again on its own only rarely, in case a publish was lost
while Redis restarted. A lost publish delays a message; it never loses one: the
row is in the database either way.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional, Protocol, Set

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "webchat:outbox:"
RECONNECT_SECONDS = 1.0


class Waiter:
    """One open stream's wake-up flag. Cleared before each read of the outbox, so
    a row committed between the read and the wait still wakes it."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def clear(self) -> None:
        self._event.clear()

    def wake(self) -> None:
        self._event.set()

    async def wait(self, timeout: float) -> bool:
        """True when woken, False when ``timeout`` passed first."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
            return True
        except asyncio.TimeoutError:
            return False


class OutboxWakeups(Protocol):
    #: How long a stream waits before looking at the outbox again unwoken.
    idle_seconds: float

    def notify(self, sender_id: str) -> None:
        """A row for ``sender_id`` is committed. Blocking: called from the writer's thread."""

    def register(self, sender_id: str) -> Waiter: ...

    def unregister(self, sender_id: str, waiter: Waiter) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class PollOnly:
    """No signal between processes: streams look again every ``idle_seconds``."""

    def __init__(self, idle_seconds: float = 1.0) -> None:
        self.idle_seconds = idle_seconds

    def notify(self, sender_id: str) -> None:
        return None

    def register(self, sender_id: str) -> Waiter:
        return Waiter()

    def unregister(self, sender_id: str, waiter: Waiter) -> None:
        return None

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class RedisWakeups:
    """Publishes on ``webchat:outbox:<sender>``; one subscription per process wakes its streams."""

    def __init__(self, url: str, idle_seconds: float = 15.0) -> None:
        self.idle_seconds = idle_seconds
        self._url = url
        self._publisher: Optional[Any] = None
        self._waiters: Dict[str, Set[Waiter]] = {}
        self._listener: Optional["asyncio.Task[None]"] = None
        self.subscribed = asyncio.Event()

    # Writers (any process, any thread) ------------------------------------
    def notify(self, sender_id: str) -> None:
        try:
            if self._publisher is None:
                import redis

                self._publisher = redis.Redis.from_url(self._url, socket_timeout=2,
                                                       socket_connect_timeout=2)
            self._publisher.publish(CHANNEL_PREFIX + sender_id, b"1")
        except Exception as error:  # noqa: BLE001 - the row is stored; the stream's own look finds it
            logger.warning("outbox wake-up not published (%s): the window sees the message "
                           "within %.0f s", type(error).__name__, self.idle_seconds)

    # Streams (the Rasa worker's event loop) --------------------------------
    def register(self, sender_id: str) -> Waiter:
        waiter = Waiter()
        self._waiters.setdefault(sender_id, set()).add(waiter)
        return waiter

    def unregister(self, sender_id: str, waiter: Waiter) -> None:
        waiters = self._waiters.get(sender_id)
        if waiters is not None:
            waiters.discard(waiter)
            if not waiters:
                del self._waiters[sender_id]

    def _wake(self, sender_id: str) -> None:
        for waiter in self._waiters.get(sender_id, ()):
            waiter.wake()

    def _wake_all(self) -> None:
        """After a reconnection: whatever was published meanwhile is unknown, so everyone looks."""
        for waiters in self._waiters.values():
            for waiter in waiters:
                waiter.wake()

    async def start(self) -> None:
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen())

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            try:
                await self._listener
            except asyncio.CancelledError:
                pass
            self._listener = None
        if self._publisher is not None:
            await asyncio.to_thread(self._publisher.close)
            self._publisher = None

    async def _listen(self) -> None:
        import redis.asyncio as redis

        while True:
            client = redis.Redis.from_url(self._url, socket_connect_timeout=5)
            pubsub = client.pubsub()
            try:
                await pubsub.psubscribe(CHANNEL_PREFIX + "*")
                self.subscribed.set()
                self._wake_all()
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=30.0)
                    if message is not None and message.get("type") == "pmessage":
                        channel = message["channel"]
                        if isinstance(channel, bytes):
                            channel = channel.decode("utf-8", "replace")
                        self._wake(channel[len(CHANNEL_PREFIX):])
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - Redis restarting: streams poll meanwhile
                self.subscribed.clear()
                logger.warning("outbox wake-ups: Redis subscription lost (%s), retrying",
                               type(error).__name__)
                await asyncio.sleep(RECONNECT_SECONDS)
            finally:
                try:
                    await pubsub.close()
                    await client.close()
                except Exception:  # noqa: BLE001 - closing a broken connection
                    pass


def wakeups_for(redis_url: str, poll_seconds: float = 1.0, idle_seconds: float = 15.0) -> OutboxWakeups:
    """Redis wake-ups when the profile has Redis, else polling every ``poll_seconds``."""
    return RedisWakeups(redis_url, idle_seconds) if redis_url else PollOnly(poll_seconds)
