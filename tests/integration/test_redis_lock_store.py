"""bot.rasa_ext.lock_store.AtomicRedisLockStore against a real Redis: two workers
(two stores, two threads each) never hold one conversation's lock at once."""
import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_ext.lock_store import AtomicRedisLockStore

pytestmark = pytest.mark.services


def _store(redis_url, prefix):
    return AtomicRedisLockStore(url=redis_url, key_prefix=prefix)


def test_rasa_builds_it_from_endpoints_and_allows_several_workers(redis_url, redis_prefix):
    from rasa.core.utils import _lock_store_is_multi_worker_compatible

    store = LockStore.create(EndpointConfig(url=redis_url, type="bot.rasa_ext.lock_store.AtomicRedisLockStore",
                                            key_prefix=redis_prefix))
    assert isinstance(store, AtomicRedisLockStore) and isinstance(store, RedisLockStore)
    assert _lock_store_is_multi_worker_compatible(store)
    assert store.key_prefix == f"{redis_prefix}:lock:"


def test_tickets_issued_at_once_by_two_workers_are_all_different(redis_url, redis_prefix):
    stores = [_store(redis_url, redis_prefix), _store(redis_url, redis_prefix)]
    with ThreadPoolExecutor(8) as pool:
        tickets = list(pool.map(lambda i: stores[i % 2].issue_ticket("c1", 30), range(200)))
    assert sorted(tickets) == list(range(1, 201))
    assert len(stores[0].get_lock("c1").tickets) == 200


def test_a_finished_holder_never_deletes_a_newer_ticket(redis_url, redis_prefix):
    first, second = _store(redis_url, redis_prefix), _store(redis_url, redis_prefix)
    old = first.issue_ticket("c2", 0.01)
    time.sleep(0.05)  # its holder overran the lifetime
    new = second.issue_ticket("c2", 30)
    assert new > old  # numbers do not restart: the old holder's cleanup cannot remove it
    first.cleanup("c2", old)
    lock = second.get_lock("c2")
    assert lock is not None and [t.number for t in lock.tickets] == [new]
    second.cleanup("c2", new)
    assert second.get_lock("c2") is None


def test_two_workers_never_hold_one_conversation_at_once(redis_url, redis_prefix):
    inside, most, done = [0], [0], []
    guard = threading.Lock()

    def worker(store: AtomicRedisLockStore, turns: int) -> None:
        async def turn(index: int) -> None:
            async with store.lock("c3", lock_lifetime=30, wait_time_in_seconds=0.005):
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                await asyncio.sleep(0.002)
                with guard:
                    inside[0] -= 1
                    done.append(index)

        async def run() -> None:
            await asyncio.gather(*(turn(i) for i in range(turns)))

        asyncio.run(run())

    threads = [threading.Thread(target=worker, args=(_store(redis_url, redis_prefix), 10)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(done) == 40 and most[0] == 1
    assert _store(redis_url, redis_prefix).get_lock("c3") is None


def test_without_a_url_it_says_what_to_set():
    with pytest.raises(ValueError, match="REDIS_URL"):
        AtomicRedisLockStore(endpoint_config=EndpointConfig(type="bot.rasa_ext.lock_store.AtomicRedisLockStore"))
