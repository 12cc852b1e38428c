"""bot/wechat/inflight.py: each message handled once; retries wait for the first."""
import asyncio

from bot.wechat.inflight import InFlight


class Work:
    def __init__(self, result="answer"):
        self.calls = 0
        self.gate = asyncio.Event()
        self.result = result

    async def __call__(self):
        self.calls += 1
        await self.gate.wait()
        return self.result


class Late:
    def __init__(self):
        self.delivered = []

    async def __call__(self, value):
        self.delivered.append(value)


async def test_answer_in_time_is_delivered_once():
    registry, work, late = InFlight(), Work(), Late()
    work.gate.set()
    entry, new = await registry.begin("k", "o", work, late)
    assert new
    assert (await registry.wait(entry, 1)).kind == "answer"
    again, new = await registry.begin("k", "o", work, late)
    assert not new and again is entry
    assert (await registry.wait(again, 1)).kind == "duplicate"
    await registry.drain()
    assert work.calls == 1 and late.delivered == []


async def test_retry_during_processing_waits_for_the_same_result():
    registry, work, late = InFlight(), Work(), Late()
    first, _ = await registry.begin("k", "o", work, late)
    first_wait = asyncio.ensure_future(registry.wait(first, 0.05))
    assert (await first_wait).kind == "late"  # the first request gave up (answered success)
    retry, new = await registry.begin("k", "o", work, late)
    assert not new
    retry_wait = asyncio.ensure_future(registry.wait(retry, 5))
    await asyncio.sleep(0)
    work.gate.set()
    outcome = await retry_wait
    await registry.drain()
    assert (outcome.kind, outcome.value) == ("answer", "answer")
    assert work.calls == 1
    assert late.delivered == []  # the retry delivered it; nothing sent twice


async def test_result_nobody_waits_for_goes_to_on_late_once():
    registry, work, late = InFlight(), Work(), Late()
    entry, _ = await registry.begin("k", "o", work, late)
    assert (await registry.wait(entry, 0.01)).kind == "late"
    work.gate.set()
    await registry.drain()
    assert late.delivered == ["answer"]
    retry, _ = await registry.begin("k", "o", work, late)
    assert (await registry.wait(retry, 1)).kind == "duplicate"
    await registry.drain()
    assert late.delivered == ["answer"] and work.calls == 1


async def test_concurrent_retries_share_one_run_and_one_delivery():
    registry, work, late = InFlight(), Work(), Late()
    entries = [(await registry.begin("k", "o", work, late))[0] for _ in range(3)]
    waits = [asyncio.ensure_future(registry.wait(e, 5)) for e in entries]
    await asyncio.sleep(0)
    work.gate.set()
    kinds = sorted(o.kind for o in await asyncio.gather(*waits))
    await registry.drain()
    assert kinds == ["answer", "duplicate", "duplicate"]
    assert work.calls == 1 and late.delivered == []


async def test_request_cancelled_while_waiting_still_gets_the_answer_out():
    registry, work, late = InFlight(), Work(), Late()
    entry, _ = await registry.begin("k", "o", work, late)
    waiting = asyncio.ensure_future(registry.wait(entry, 5))
    await asyncio.sleep(0)
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    work.gate.set()
    await registry.drain()
    assert late.delivered == ["answer"]


async def test_failed_work_is_delivered_as_none():
    async def broken():
        raise RuntimeError("boom")

    registry, late = InFlight(), Late()
    entry, _ = await registry.begin("k", "o", broken, late)
    outcome = await registry.wait(entry, 1)
    assert (outcome.kind, outcome.value) == ("answer", None)


async def test_different_keys_run_separately_and_old_keys_are_forgotten():
    now = [0.0]
    registry, work, late = InFlight(keep_seconds=10, clock=lambda: now[0]), Work(), Late()
    work.gate.set()
    a, _ = await registry.begin("a", "o", work, late)
    b, _ = await registry.begin("b", "o", work, late)
    await registry.wait(a, 1)
    await registry.wait(b, 1)
    assert work.calls == 2
    now[0] = 11
    _, new = await registry.begin("a", "o", work, late)
    assert new  # past the dedup window a key is new again
    await registry.drain()


async def test_unfinished_finds_the_senders_running_work():
    registry, work, late = InFlight(), Work(), Late()
    entry, _ = await registry.begin("k", "o", work, late)
    assert await registry.unfinished("o") is entry and await registry.unfinished("x") is None
    work.gate.set()
    await registry.wait(entry, 1)
    assert await registry.unfinished("o") is None
