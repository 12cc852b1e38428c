"""Rasa's Redis lock store with every ticket change made in one Redis transaction.

Rasa's `RedisLockStore` keeps each conversation's `TicketLock` as one JSON value
and changes it by reading, changing and writing it back with no guard: two
workers issuing a ticket for one conversation at the same moment both read "no
tickets" and both get ticket 1, so both process the conversation at once; a
worker finishing can delete a lock another worker has just taken a ticket on.
This store does the same reads and writes inside ``WATCH``/``MULTI`` (redis-py's
``transaction``, retried when another worker changed the key meanwhile), keeps
Rasa's key names and JSON, and is configured from one URL::

    lock_store:
      type: bot.rasa_ext.lock_store.AtomicRedisLockStore
      url: ${REDIS_URL}            # redis://[:password@]host:6379/1, rediss:// for TLS
      # key_prefix: bot            # alphanumeric, as Rasa's

It is a `RedisLockStore`, so Rasa allows ``SANIC_WORKERS`` > 1 with it. Rasa
calls the lock store synchronously from its event loop; each call is one or two
round trips to Redis (well under a millisecond on a local network).
"""
from __future__ import annotations

import json
import math
import time
from typing import Any, Callable, List, Optional, Text, Tuple, TypeVar

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import (
    DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX,
    DEFAULT_SOCKET_TIMEOUT_IN_SECONDS,
    LOCK_LIFETIME,
    LockError,
    LockStore,
    RedisLockStore,
)
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
LAST_ISSUED_SUFFIX = ":last_issued"
# A lock whose holder died disappears this long after its last ticket expired.
KEY_GRACE_SECONDS = 60

# (the lock, the last ticket number ever issued) -> (the new lock, a value for the caller)
Change = Callable[[Optional[TicketLock], int], Tuple[Optional[TicketLock], T]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, url: Optional[str] = None,
                 key_prefix: Optional[str] = None,
                 socket_timeout: float = DEFAULT_SOCKET_TIMEOUT_IN_SECONDS) -> None:
        import redis

        if endpoint_config is not None:
            url = url or endpoint_config.url
            key_prefix = endpoint_config.kwargs.get("key_prefix", key_prefix)
            socket_timeout = float(endpoint_config.kwargs.get("socket_timeout", socket_timeout))
        if not url:
            raise ValueError("AtomicRedisLockStore needs url: redis://host:port/db (REDIS_URL)")
        self.red = redis.StrictRedis.from_url(url, socket_timeout=socket_timeout)
        self.key_prefix = DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX
        if key_prefix:
            self._set_key_prefix(key_prefix)
        LockStore.__init__(self)

    # --- one transaction per change ------------------------------------------

    def _change(self, conversation_id: Text, change: Change[T]) -> T:
        key = self.key_prefix + conversation_id
        counter = key + LAST_ISSUED_SUFFIX
        outcome: List[T] = []

        def work(pipe: Any) -> None:
            raw, raw_last = pipe.mget(key, counter)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            last = int(raw_last or 0)
            new, value = change(lock, last)
            issued = max(last, _highest(new))
            expiry = _expiry(new)
            pipe.multi()
            if new is None or not new.tickets:
                pipe.delete(key)
            else:
                pipe.set(key, new.dumps(), exat=expiry)
            pipe.set(counter, str(issued), exat=expiry)  # outlives the lock, see issue_ticket
            outcome[:] = [value]

        self.red.transaction(work, key, counter)
        return outcome[0]

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock], last: int) -> Tuple[TicketLock, int]:
            # Numbers never restart while a holder may live: the holder of an expired
            # ticket 1 must not finish (remove) a newer holder's ticket 1.
            lock = lock or TicketLock(conversation_id)
            lock.remove_expired_tickets()
            number = max(last, _highest(lock)) + 1
            lock.tickets.append(Ticket(number, time.time() + lock_lifetime))
            return lock, number

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # as Rasa's: any failure to get a ticket is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        """Drop expired tickets; a lock with none left is deleted (its waiter gets a LockError)."""
        def drop_expired(lock: Optional[TicketLock], _last: int) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock], _last: int) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Rasa's cleanup in one step: the lock goes when its last ticket does."""
        self.finish_serving(conversation_id, ticket_number)


def _highest(lock: Optional[TicketLock]) -> int:
    return max((ticket.number for ticket in lock.tickets), default=0) if lock is not None else 0


def _expiry(lock: Optional[TicketLock]) -> int:
    """When the keys of a lock may go: after its last ticket, or a lifetime after it emptied."""
    tickets = lock.tickets if lock is not None else ()
    last = max((ticket.expires for ticket in tickets), default=time.time() + LOCK_LIFETIME)
    return math.ceil(last) + KEY_GRACE_SECONDS
