"""Abuse limits: a clear 429 with a Chinese message and Retry-After, per sender,
per client address and per window's open streams; nothing the customer sent is lost."""
from __future__ import annotations

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.security.ratelimit import Limit, MemoryRateLimiter
from tests.support.http import request
from tests.support.webchat import webchat_app

API = "/webhooks/webchat"


def test_a_bucket_refills_at_its_rate():
    now = [0.0]
    limiter = MemoryRateLimiter(Limit(per_minute=60, burst=2), clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")  # every key has its own bucket
    assert limiter.retry_after("a") == 1
    now[0] += 1.0
    assert limiter.allow("a") and not limiter.allow("a")


def test_zero_turns_a_limit_off():
    limiter = MemoryRateLimiter(Limit(per_minute=0, burst=0))
    assert all(limiter.allow("a") for _ in range(1000))


@pytest.fixture
async def limited(migrated_db_url):
    async with webchat_app(migrated_db_url, limits={"RATE_LIMIT_PER_SENDER": "6",
                                                     "RATE_LIMIT_PER_IP": "60",
                                                     "MAX_STREAMS_PER_WINDOW": "1"},
                           stream_seconds=3.0) as base:
        yield base


async def session(base):
    _, raw = await asyncio.to_thread(request, f"{base}{API}/session", "POST", b"{}")
    token = json.loads(raw)["token"]
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, token


async def test_a_sender_over_its_rate_gets_429_in_chinese(limited):
    auth, _ = await session(limited)
    statuses = []
    for i in range(5):
        status, raw = await asyncio.to_thread(request, f"{limited}{API}/message", "POST",
                                              json.dumps({"text": f"第{i}条"}).encode(), auth)
        statuses.append(status)
    assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429
    body = json.loads(raw)
    assert body["error"] == "rate_limited" and "秒后再试" in body["message"]
    other, _ = await session(limited)  # another window is not slowed down by this one
    assert (await asyncio.to_thread(request, f"{limited}{API}/message", "POST",
                                    json.dumps({"text": "你好"}).encode(), other))[0] == 200


async def test_new_sessions_from_one_address_are_limited(limited):
    statuses = [(await asyncio.to_thread(request, f"{limited}{API}/session", "POST", b"{}"))[0]
                for _ in range(6)]
    assert 429 in statuses and statuses[0] == 200


async def test_one_window_cannot_hold_more_streams_than_allowed(limited):
    _, token = await session(limited)
    url = f"{limited}{API}/events?token={token}"
    first = asyncio.create_task(asyncio.to_thread(request, url))
    await asyncio.sleep(0.5)
    status, raw = await asyncio.to_thread(request, url)
    assert status == 429 and json.loads(raw)["error"] == "too_many_streams"
    assert (await first)[0] == 200


async def test_two_hundred_customers_behind_one_address_are_served_and_one_abusive_window_is_not(
        migrated_db_url):
    """A carrier's NAT: every customer of a city may share one public address."""
    async with webchat_app(migrated_db_url, limits={}) as base:  # the defaults
        def customer(n: int) -> list:
            _, raw = request(f"{base}{API}/session", "POST", b"{}")
            auth = {"Authorization": f"Bearer {json.loads(raw)['token']}", "Content-Type": "application/json"}
            statuses = [request(f"{base}{API}/history", "GET", None, auth)[0]]
            for text in (f"你好 我是第{n}位", "转账失败了"):
                statuses.append(request(f"{base}{API}/message", "POST", json.dumps({"text": text}).encode(),
                                        auth)[0])
            return statuses

        # Twenty at a time, as fast as the server answers; the clients have their own threads
        # (the server's database calls use the loop's default pool).
        with ThreadPoolExecutor(20) as clients:
            loop = asyncio.get_running_loop()
            served = await asyncio.gather(*(loop.run_in_executor(clients, customer, n) for n in range(200)))
        assert {status for statuses in served for status in statuses} == {200}

        abusive, _ = await session(base)
        flood = [(await asyncio.to_thread(request, f"{base}{API}/message", "POST",
                                          json.dumps({"text": f"刷屏{i}"}).encode(), abusive))[0]
                 for i in range(25)]
        assert flood[0] == 200 and flood[-1] == 429


async def test_wechat_followers_are_limited_each_and_never_by_wechats_address(migrated_db_url, monkeypatch):
    """All of an official account's messages come from WeChat's servers, signed."""
    from bot.rasa_ext.channels.wechat.channel import WeChatInput
    from tests.support.webchat import channel_app
    from tests.support.wechat_platform import APP_ID, TOKEN, Platform, text_xml

    for name, value in {"WECHAT_TOKEN": TOKEN, "WECHAT_APPID": APP_ID, "RATE_LIMIT_PER_IP": "10",
                        "RATE_LIMIT_PER_SENDER": "6", "REDIS_URL": ""}.items():
        monkeypatch.setenv(name, value)
    platform = Platform()
    channel = WeChatInput.from_credentials({"mode": "plaintext", "customer_service_api": False})
    async with channel_app(channel) as base:
        def post(query: dict, sender: str, n: int) -> int:
            url = f"{base}/webhooks/wechat/webhook?" + "&".join(f"{k}={v}" for k, v in query.items())
            return request(url, "POST", text_xml(sender, f"第{n}条", msg_id=str(n)).encode(),
                           {"Content-Type": "application/xml"})[0]

        followers = [await asyncio.to_thread(post, platform.query(nonce=f"n{n}"), f"o-follower-{n}", 1000 + n)
                     for n in range(30)]  # three times the per-address limit
        assert set(followers) == {200}
        one = [await asyncio.to_thread(post, platform.query(nonce=f"m{n}"), "o-flooding", 2000 + n)
               for n in range(8)]
        assert set(one) == {200}  # answered, not refused: the platform would retry a 429
        forged = [await asyncio.to_thread(post, {**platform.query(), "signature": "0" * 40}, "o-x", 3000 + n)
                  for n in range(15)]
        assert forged[0] == 403 and forged[-1] == 429


@pytest.mark.model
def test_the_rest_channel_answers_429_to_a_sender_over_its_rate(rasa_server):
    sender, statuses = f"flood-{uuid.uuid4().hex[:8]}", []
    for i in range(16):
        statuses.append(request(f"{rasa_server}/webhooks/rest/webhook", "POST",
                                json.dumps({"sender": sender, "message": f"你好{i}"}).encode(),
                                {"Content-Type": "application/json"}))
    assert statuses[0][0] == 200 and statuses[-1][0] == 429
    assert "秒后再试" in json.loads(statuses[-1][1])["message"]


@pytest.mark.model
def test_the_rest_channel_refuses_a_body_that_is_not_a_message(rasa_server):
    for body in (b"not json", b"[1, 2]", json.dumps({"sender": 5, "message": "hi"}).encode()):
        status, raw = request(f"{rasa_server}/webhooks/rest/webhook", "POST", body,
                              {"Content-Type": "application/json"})
        assert status == 400 and "JSON" in json.loads(raw)["message"]
