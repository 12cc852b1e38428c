"""Open chat windows are woken through Redis when their outbox gets a row (production profile)."""
import asyncio
import urllib.request
import uuid

import pytest

from bot.push import push_to_customer
from bot.storage.engine import make_engine
from bot.storage.outbox import Outbox
from bot.storage.outbox_wakeups import PollOnly, RedisWakeups, wakeups_for
from bot.webchat.tokens import TokenSigner
from tests.support.webchat import NO_LIMITS, SECRET, new_session, send, webchat_app


@pytest.fixture
async def wakeups(redis_url):
    wakeups = RedisWakeups(redis_url, idle_seconds=30)
    await wakeups.start()
    await asyncio.wait_for(wakeups.subscribed.wait(), 10)
    yield wakeups
    await wakeups.stop()


def sender() -> str:
    return f"wc-test-{uuid.uuid4().hex[:10]}"


async def test_a_committed_row_wakes_only_its_senders_windows(wakeups, migrated_db_url):
    mine, other = sender(), sender()
    waiter, bystander = wakeups.register(mine), wakeups.register(other)
    outbox = Outbox(make_engine(migrated_db_url), wakeups)
    await asyncio.to_thread(outbox.append, mine, "staff", "您好，我是客服小王")
    assert await waiter.wait(10)
    assert not await bystander.wait(0.3)
    wakeups.unregister(mine, waiter)
    wakeups.unregister(other, bystander)


async def test_a_window_gone_before_the_row_is_not_woken_nor_kept(wakeups):
    mine = sender()
    waiter = wakeups.register(mine)
    wakeups.unregister(mine, waiter)
    await asyncio.to_thread(wakeups.notify, mine)
    assert not await waiter.wait(0.3)
    assert mine not in wakeups._waiters


def test_a_publish_that_fails_keeps_the_row(migrated_db_url, caplog):
    outbox = Outbox(make_engine(migrated_db_url), RedisWakeups("redis://127.0.0.1:1/0"))
    row = outbox.append("wc-x", "staff", "稍等")
    assert outbox.after("wc-x") == [row]
    assert "not published" in caplog.text


def test_without_redis_windows_poll():
    assert isinstance(wakeups_for(""), PollOnly) and wakeups_for("", 0.5).idle_seconds == 0.5
    assert isinstance(wakeups_for("redis://127.0.0.1:6379/0"), RedisWakeups)


def read_until(url: str, token: str, last_id: int, wanted: str, timeout: float = 10) -> str:
    """The stream's text up to the line holding ``wanted`` (or its end)."""
    req = urllib.request.Request(f"{url}/webhooks/webchat/events?token={token}",
                                 headers={"Last-Event-ID": str(last_id)})
    seen = []
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        for line in resp:
            seen.append(line.decode("utf-8"))
            if wanted in seen[-1]:
                break
    return "".join(seen)


async def test_a_staff_reply_reaches_an_open_window_without_waiting_for_its_next_look(
        redis_url, migrated_db_url):
    # The window would look again only after 60 s, and its stream ends after 8:
    # the reply can only be in this stream if the push woke it.
    limits = {**NO_LIMITS, "REDIS_URL": redis_url}
    async with webchat_app(migrated_db_url, limits=limits, poll_seconds=60, idle_seconds=60,
                           stream_seconds=8) as url:
        token = (await asyncio.to_thread(new_session, url))["token"]
        _, body = await asyncio.to_thread(send, url, token, "在吗")
        sender_id = TokenSigner(SECRET).verify(token)
        reader = asyncio.create_task(asyncio.to_thread(
            read_until, url, token, body["messages"][-1]["id"], "客服小王"))
        await asyncio.sleep(0.5)  # the stream has read the outbox and waits
        await asyncio.to_thread(push_to_customer, migrated_db_url, sender_id, "您好，我是客服小王", redis_url)
        stream = await reader
        assert "客服小王" in stream and '"role": "staff"' in stream
