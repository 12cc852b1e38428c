"""bot/wechat/shared.py against a real Redis: two WeChat services, as two workers
serving one official account, share duplicates, late answers, buttons and the
access token."""
import asyncio
import uuid

import pytest
from rasa.core.channels.channel import UserMessage

from bot.rasa_ext.channels.wechat.service import WeChatService, dedup_key
from bot.redis_client import connect
from bot.wechat.api import WeChatApi
from bot.wechat.config import WeChatSettings
from bot.wechat.parse import parse
from bot.wechat.shared import RedisChoices, RedisPending, RedisTokenCache, SharedInFlight
from tests.support.fake_wechat import FakeWeChatApi
from tests.support.wechat_platform import APP_ID, SECRET, TOKEN, reply_content, text_xml

pytestmark = pytest.mark.services

BUTTONS = [{"title": "账户锁定", "payload": "/account_locked"}, {"title": "转账失败", "payload": "/transfer_failed"}]


class CountingRasa:
    """Stands in for Rasa: counts messages; ``gate`` holds them until set."""

    def __init__(self) -> None:
        self.texts = []
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, message: UserMessage) -> None:
        self.texts.append(message.text)
        await self.gate.wait()
        await message.output_channel.send_response(message.sender_id, {"text": f"答：{message.text}",
                                                                        "buttons": BUTTONS})


@pytest.fixture
async def workers(redis_url, redis_prefix):
    """Two services on one Redis prefix, like two Rasa workers behind one URL."""
    clients, services = [], []
    settings = WeChatSettings.from_credentials(
        {"token": TOKEN, "app_id": APP_ID, "mode": "plaintext", "customer_service_api": False,
         "reply_timeout": 0.5}, {})

    def build(lease_seconds: float = 8.0) -> WeChatService:
        client = connect(redis_url)
        clients.append(client)
        prefix = f"{redis_prefix}:"
        service = WeChatService(settings, None, inflight=SharedInFlight(client, prefix, 60, lease_seconds),
                                choices=RedisChoices(client, prefix), pending=RedisPending(client, prefix))
        services.append(service)
        return service

    yield build
    for service in services:
        await service.close()
    for client in clients:
        await client.aclose() if hasattr(client, "aclose") else await client.close()


def message(sender, text, msg_id=None):
    return parse(text_xml(sender, text, msg_id=msg_id or str(uuid.uuid4().int % 10**12)))


async def test_one_message_delivered_to_two_workers_at_once_reaches_rasa_once(workers):
    first, second, rasa = workers(), workers(), CountingRasa()
    sender = f"o-{uuid.uuid4().hex[:8]}"
    incoming = message(sender, "转账失败", "9001")
    replies = await asyncio.gather(first.answer(incoming, rasa), second.answer(incoming, rasa),
                                   first.answer(incoming, rasa))
    assert rasa.texts == ["转账失败"]
    answered = [reply for reply in replies if reply]
    assert len(answered) == 1 and "答：转账失败" in reply_content(answered[0])
    assert await second.answer(incoming, rasa) == ""  # a later retry is a duplicate


async def test_a_late_answer_is_kept_once_and_its_buttons_work_on_the_other_worker(workers):
    first, second, rasa = workers(), workers(), CountingRasa()
    sender = f"o-{uuid.uuid4().hex[:8]}"
    rasa.gate.clear()
    incoming = message(sender, "收不到验证码")
    still = await first.answer(incoming, rasa)  # no answer within reply_timeout
    assert "继续" in reply_content(still) or reply_content(still)
    retry = asyncio.ensure_future(second.answer(incoming, rasa))  # the platform's retry, elsewhere
    await asyncio.sleep(0.1)
    rasa.gate.set()
    retried = await retry
    await first.inflight.drain()
    await second.inflight.drain()
    assert rasa.texts == ["收不到验证码"]
    # the retry on the other worker delivered it, so nothing is kept for 继续
    assert "答：收不到验证码" in reply_content(retried)
    assert await second.pending.take_all(sender) == []
    # the buttons shown by one worker are understood by the other
    assert await first.choices.resolve(sender, "2") == "/transfer_failed"


async def test_an_answer_nobody_waits_for_is_kept_for_continue_exactly_once(workers):
    first, second, rasa = workers(), workers(), CountingRasa()
    sender = f"o-{uuid.uuid4().hex[:8]}"
    rasa.gate.clear()
    await first.answer(message(sender, "账单不对"), rasa)
    rasa.gate.set()
    await first.inflight.drain()
    await asyncio.sleep(0.2)
    await first.inflight.drain()
    kept = await second.answer(message(sender, "继续"), rasa)
    assert "答：账单不对" in reply_content(kept)
    assert await first.pending.take_all(sender) == []


async def test_a_retry_after_its_worker_died_is_answered_by_another(workers, redis_url, redis_prefix):
    survivor, rasa = workers(lease_seconds=0.5), CountingRasa()
    incoming = message(f"o-{uuid.uuid4().hex[:8]}", "转账一直失败", "9101")
    # What a worker SIGKILLed in the middle of the turn leaves in Redis: its lease, no answer.
    client = connect(redis_url)
    await client.set(f"{redis_prefix}:claim:{dedup_key(incoming)}", "killed-worker", px=200)
    await client.aclose() if hasattr(client, "aclose") else await client.close()
    retried = await survivor.answer(incoming, rasa)  # the platform's retry: waits, then takes over
    assert rasa.texts == ["转账一直失败"] and "答：转账一直失败" in reply_content(retried)
    assert await survivor.answer(incoming, rasa) == ""  # later tries are duplicates


async def test_a_living_worker_keeps_its_claim_past_the_lease(workers):
    first, second, rasa = workers(lease_seconds=0.4), workers(lease_seconds=0.4), CountingRasa()
    incoming = message(f"o-{uuid.uuid4().hex[:8]}", "验证码收不到", "9102")
    rasa.gate.clear()
    await first.answer(incoming, rasa)  # slow: answered later, the lease renewed meanwhile
    await asyncio.sleep(1.0)
    retry = asyncio.ensure_future(second.answer(incoming, rasa))
    await asyncio.sleep(0.1)
    rasa.gate.set()
    retried = await retry
    assert rasa.texts == ["验证码收不到"] and "答：验证码收不到" in reply_content(retried)
    await first.inflight.drain()


async def test_two_workers_fetch_one_access_token(redis_url, redis_prefix):
    platform = FakeWeChatApi(APP_ID, SECRET).start()
    clients = [connect(redis_url), connect(redis_url)]
    try:
        platform.token_delay = 0.3
        apis = [WeChatApi(APP_ID, SECRET, platform.url, tokens=RedisTokenCache(client, f"{redis_prefix}:"))
                for client in clients]
        tokens = await asyncio.gather(*(apis[i % 2].access_token() for i in range(6)))
        assert len(set(tokens)) == 1 and platform.token_calls == 1
        # the platform rejected it: one worker fetches anew, the other takes the new one
        fresh = await apis[0].access_token(stale=tokens[0])
        assert fresh != tokens[0] and await apis[1].access_token(stale=tokens[0]) == fresh
        assert platform.token_calls == 2
        for api in apis:
            await api.close()
    finally:
        platform.stop()
        for client in clients:
            await client.close()
