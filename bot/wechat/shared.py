"""WeChat state shared by several workers, in Redis: the production profile.

The same interfaces as the one-process versions (`bot.wechat.memory`,
`bot.wechat.inflight`, `bot.wechat.api.MemoryTokenCache`), so the channel does
not know which it has:

- `SharedInFlight`: a message is claimed by one worker (``SET NX``); a retry
  that the platform sends to another worker waits for the answer the first one
  stores; exactly one request, or the late path, delivers it (a second ``SET NX``).
  While the work runs the claim is a short lease that its worker renews; a
  worker killed in the middle lets it lapse within ``LEASE_SECONDS``, and a
  retry waiting on another worker takes the claim and does the work itself
  instead of waiting for an answer that will never come. Once answered, the
  claim is kept as long as the answer, so later retries are duplicates.
- `RedisChoices`, `RedisPending`: the last buttons and the kept answer pieces of
  each follower, expiring like the in-memory ones.
- `RedisTokenCache`: the access token, fetched by one worker at a time (a Redis
  lock), since every fetch invalidates the token the others hold.

Keys start with ``wechat:<app id>:``. Every call is a coroutine (redis.asyncio):
nothing blocks the event loop. If Redis does not answer, the request fails with
a 500 and the platform retries it.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Optional, Sequence, Set, Tuple

from bot.redis_client import connect
from bot.wechat.inflight import Outcome
from bot.wechat.memory import pick
from bot.wechat.render import Answer, Button

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.05  # how often a request waiting for another worker's answer looks
# A retry that reaches a surviving worker right after the first one died waits up
# to the reply timeout (4.5 s): a 4 s lease lapses within it. Renewed every
# second, it survives a 3 s stall of a living worker's event loop.
LEASE_SECONDS = 4.0


def encode_answer(answer: Optional[Answer]) -> str:
    if answer is None:
        return "null"
    return json.dumps({"text": answer.text, "buttons": [[b.title, b.payload] for b in answer.buttons]},
                      ensure_ascii=False)


def decode_answer(raw: Any) -> Optional[Answer]:
    data = json.loads(raw)
    if data is None:
        return None
    return Answer(data["text"], tuple(Button(title, payload) for title, payload in data["buttons"]))


# --- exactly once across workers ---------------------------------------------

class SharedEntry:
    """A message being handled here (``task``) or by another worker (``task`` None)."""

    def __init__(self, key: str, sender: str, on_late: Callable[[Optional[Answer]], Awaitable[None]],
                 task: "Optional[asyncio.Task[Optional[Answer]]]" = None,
                 work: Optional[Callable[[], Awaitable[Optional[Answer]]]] = None) -> None:
        self.key = key
        self.sender = sender
        self.on_late = on_late
        self.task = task
        self.work = work  # for taking over when the worker holding the claim dies


class SharedInFlight:
    def __init__(self, client: Any, prefix: str, keep_seconds: float = 300.0,
                 lease_seconds: float = LEASE_SECONDS) -> None:
        self._redis = client
        self._prefix = prefix
        self._keep = int(keep_seconds)
        self._lease_ms = int(lease_seconds * 1000)
        self._worker = uuid.uuid4().hex[:12]
        self._background: Set[asyncio.Task] = set()

    def _key(self, kind: str, key: str) -> str:
        return f"{self._prefix}{kind}:{key}"

    async def begin(self, key: str, sender: str, work: Callable[[], Awaitable[Optional[Answer]]],
                    on_late: Callable[[Optional[Answer]], Awaitable[None]],
                    track: bool = True) -> Tuple[SharedEntry, bool]:
        # An answered message's claim lives as long as its answer, unless a renewal
        # still on its way shortened it: the answer, not the claim, says "done".
        answered = await self._redis.exists(self._key("answer", key))
        claimed = not answered and await self._redis.set(self._key("claim", key), self._worker, nx=True,
                                                         px=self._lease_ms)
        if not claimed:
            return SharedEntry(key, sender, on_late, work=work), False
        if track:
            await self._redis.set(self._key("latest", sender), key, ex=self._keep)
        entry = SharedEntry(key, sender, on_late)
        entry.task = asyncio.ensure_future(self._run(entry, work))
        return entry, True

    async def _run(self, entry: SharedEntry, work: Callable[[], Awaitable[Optional[Answer]]]) -> Optional[Answer]:
        renewing = asyncio.ensure_future(self._renew(entry.key))
        try:
            result: Optional[Answer] = await work()
        except Exception:
            logger.exception("wechat: message handling failed")
            result = None
        finally:
            renewing.cancel()
        # Store, then count waiters; a waiter stops waiting, then looks for the answer.
        # Redis orders the four steps, so at least one side sees the other and claims.
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key("answer", entry.key), encode_answer(result), ex=self._keep)
            pipe.set(self._key("claim", entry.key), self._worker, ex=self._keep)
            await pipe.execute()
        if int(await self._redis.get(self._key("waiters", entry.key)) or 0) <= 0:
            await self._deliver_late_if_unclaimed(entry, result)
        return result

    async def _renew(self, key: str) -> None:
        """Keep this worker's lease on ``key`` while its work runs."""
        while True:
            await asyncio.sleep(self._lease_ms / 4000)  # a quarter of the lease
            try:
                await self._redis.pexpire(self._key("claim", key), self._lease_ms)
            except Exception as error:  # noqa: BLE001 - the next renewal tries again
                logger.warning("wechat: renewing a claim failed: %s", type(error).__name__)

    async def _claim(self, key: str) -> bool:
        return bool(await self._redis.set(self._key("delivered", key), self._worker, nx=True, ex=self._keep))

    async def _answer(self, key: str) -> Tuple[bool, Optional[Answer]]:
        raw = await self._redis.get(self._key("answer", key))
        return (False, None) if raw is None else (True, decode_answer(raw))

    async def _deliver_late_if_unclaimed(self, entry: SharedEntry, result: Optional[Answer]) -> None:
        if await self._claim(entry.key):
            self.spawn(self._late(entry, result))

    async def wait(self, entry: SharedEntry, timeout: float) -> Outcome[Answer]:
        """Wait up to ``timeout`` seconds for the entry's answer, wherever it is prepared."""
        if await self._redis.exists(self._key("delivered", entry.key)):
            return Outcome("duplicate")
        waiters = self._key("waiters", entry.key)
        await self._redis.incr(waiters)
        await self._redis.expire(waiters, self._keep)
        try:
            await self._until_answered(entry, timeout)
        except asyncio.CancelledError:
            self.spawn(self._give_up(entry))  # the request went away: the answer must still go out
            raise
        await self._redis.decr(waiters)
        ready, value = await self._answer(entry.key)
        if not ready:
            return Outcome("late")
        return Outcome("answer", value) if await self._claim(entry.key) else Outcome("duplicate")

    async def _give_up(self, entry: SharedEntry) -> None:
        await self._redis.decr(self._key("waiters", entry.key))
        ready, value = await self._answer(entry.key)
        if ready:
            await self._deliver_late_if_unclaimed(entry, value)

    async def _until_answered(self, entry: SharedEntry, timeout: float) -> None:
        if entry.task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(entry.task), max(timeout, 0.0))
            except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - a failure is stored as None
                pass
            return
        deadline = time.monotonic() + max(timeout, 0.0)
        while time.monotonic() < deadline:
            if await self._redis.exists(self._key("answer", entry.key)):
                return
            if await self._take_over(entry):
                await self._until_answered(entry, deadline - time.monotonic())
                return
            await asyncio.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0)))

    async def _take_over(self, entry: SharedEntry) -> bool:
        """Claim and start the work of a message whose worker let its lease lapse."""
        if entry.work is None or not await self._redis.set(self._key("claim", entry.key), self._worker,
                                                           nx=True, px=self._lease_ms):
            return False
        logger.warning("wechat: the worker handling %s is gone; handling it here", entry.key.split(":", 1)[1])
        entry.task = asyncio.ensure_future(self._run(entry, entry.work))
        return True

    async def unfinished(self, sender: str) -> Optional[SharedEntry]:
        """The sender's latest message if some worker is still preparing its answer."""
        raw = await self._redis.get(self._key("latest", sender))
        if raw is None:
            return None
        key = raw.decode() if isinstance(raw, bytes) else str(raw)
        if await self._redis.exists(self._key("answer", key)) or \
                not await self._redis.exists(self._key("claim", key)):
            return None  # answered, or its worker died: nobody is preparing anything

        async def nothing(_: Optional[Answer]) -> None:
            return None

        return SharedEntry(key, sender, nothing)

    def spawn(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @staticmethod
    async def _late(entry: SharedEntry, result: Optional[Answer]) -> None:
        try:
            await entry.on_late(result)
        except Exception:
            logger.exception("wechat: late delivery for %s failed", entry.key)

    async def drain(self) -> None:
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)


# --- per-follower memory ------------------------------------------------------

class RedisChoices:
    def __init__(self, client: Any, prefix: str, ttl: float = 1800) -> None:
        self._redis, self._prefix, self._ttl = client, prefix, int(ttl)

    async def remember(self, sender: str, buttons: Sequence[Button]) -> None:
        key = f"{self._prefix}choices:{sender}"
        if buttons:
            await self._redis.set(key, json.dumps([[b.title, b.payload] for b in buttons],
                                                  ensure_ascii=False), ex=self._ttl)
        else:
            await self._redis.delete(key)

    async def resolve(self, sender: str, text: str) -> Optional[str]:
        raw = await self._redis.get(f"{self._prefix}choices:{sender}")
        buttons = [Button(title, payload) for title, payload in json.loads(raw)] if raw else []
        return pick(buttons, text)


class RedisPending:
    """A list per follower: appends and the taking of all are each one Redis step."""

    def __init__(self, client: Any, prefix: str, ttl: float = 48 * 3600) -> None:
        self._redis, self._prefix, self._ttl = client, prefix, int(ttl)

    def _key(self, sender: str) -> str:
        return f"{self._prefix}pending:{sender}"

    async def add(self, sender: str, pieces: Sequence[str]) -> None:
        if pieces:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.rpush(self._key(sender), *pieces)
                pipe.expire(self._key(sender), self._ttl)
                await pipe.execute()

    async def take_all(self, sender: str) -> List[str]:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lrange(self._key(sender), 0, -1)
            pipe.delete(self._key(sender))
            pieces, _ = await pipe.execute()
        return [piece.decode() if isinstance(piece, bytes) else str(piece) for piece in pieces]

    async def has(self, sender: str) -> bool:
        return bool(await self._redis.exists(self._key(sender)))


# --- the access token ------------------------------------------------------------

class RedisTokenCache:
    def __init__(self, client: Any, prefix: str, fetch_timeout: float = 30.0) -> None:
        self._redis, self._key, self._timeout = client, f"{prefix}access_token", fetch_timeout

    async def get(self) -> Optional[str]:
        raw = await self._redis.get(self._key)
        return None if raw is None else (raw.decode() if isinstance(raw, bytes) else str(raw))

    async def put(self, token: str, seconds: float) -> None:
        await self._redis.set(self._key, token, ex=max(1, int(seconds)))

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        lock = self._redis.lock(f"{self._key}:fetching", timeout=self._timeout,
                                blocking_timeout=self._timeout)
        async with lock:
            yield


def prefix_for(app_id: str) -> str:
    return f"wechat:{app_id or 'default'}:"


def shared_state(url: str, app_id: str, keep_seconds: float) -> Dict[str, Any]:
    """The keyword arguments of `WeChatService` for state in Redis at ``url``."""
    client = connect(url)
    prefix = prefix_for(app_id)
    return {"inflight": SharedInFlight(client, prefix, keep_seconds),
            "choices": RedisChoices(client, prefix), "pending": RedisPending(client, prefix),
            "tokens": RedisTokenCache(client, prefix)}
