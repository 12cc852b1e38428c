"""Abuse limits shared by the workers through a real Redis (the production profile):
two web chat channels on one Redis, as two Rasa workers behind one entry point,
give a window one budget between them, not one each."""
from __future__ import annotations

import asyncio
import json
import logging

import pytest

from bot.redis_client import connect
from bot.security.ratelimit import Limit, RedisRateLimiter
from tests.support.http import request
from tests.support.webchat import webchat_app

pytestmark = pytest.mark.services

API = "/webhooks/webchat"


@pytest.fixture
async def redis_client(redis_url):
    client = connect(redis_url)
    yield client
    await client.aclose() if hasattr(client, "aclose") else await client.close()


async def test_a_bucket_is_shared_and_refills_on_redis_time(redis_client, redis_prefix):
    limit = Limit(per_minute=600, burst=2)  # 10 a second
    workers = [RedisRateLimiter(redis_client, f"{redis_prefix}:", limit) for _ in range(2)]
    taken = [await workers[i % 2].take("window") for i in range(3)]
    assert taken[:2] == [None, None] and taken[2] == 1  # the third, on either worker, waits
    assert await workers[0].take("another window") is None
    await asyncio.sleep(0.25)  # 2.5 tokens' worth: the bucket has refilled
    assert await workers[1].take("window") is None
    ttl = await redis_client.ttl(f"{redis_prefix}:window")
    assert 0 < ttl <= 2  # an idle bucket goes away once it would be full again


async def test_limits_off_touch_nothing(redis_client, redis_prefix):
    limiter = RedisRateLimiter(redis_client, f"{redis_prefix}:", Limit(per_minute=0, burst=0))
    assert all([await limiter.take("a") is None for _ in range(50)])
    assert await redis_client.keys(f"{redis_prefix}:*") == []


async def test_without_redis_requests_pass_and_a_warning_says_so(caplog):
    client = connect("redis://127.0.0.1:1/0")  # nothing listens there
    limiter = RedisRateLimiter(client, "t:", Limit(per_minute=6, burst=1))
    with caplog.at_level(logging.WARNING, logger="bot.security.ratelimit"):
        assert [await limiter.take("a") for _ in range(3)] == [None, None, None]
    assert "Redis does not answer" in caplog.text


async def test_two_workers_give_one_window_one_budget(migrated_db_url, redis_url):
    limits = {"RATE_LIMIT_PER_SENDER": "6", "RATE_LIMIT_PER_IP": "0", "MAX_STREAMS_PER_WINDOW": "5",
              "REDIS_URL": redis_url}
    async with webchat_app(migrated_db_url, limits=limits) as first, \
            webchat_app(migrated_db_url, limits=limits) as second:
        _, raw = await asyncio.to_thread(request, f"{first}{API}/session", "POST", b"{}")
        auth = {"Authorization": f"Bearer {json.loads(raw)['token']}", "Content-Type": "application/json"}
        statuses = []
        for i, base in enumerate([first, second] * 3):
            status, raw = await asyncio.to_thread(request, f"{base}{API}/message", "POST",
                                                  json.dumps({"text": f"第{i}条"}).encode(), auth)
            statuses.append(status)
        # burst 3 between both workers (each on its own would have let 3 through: 6 in all)
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429, 429]
        assert json.loads(raw)["error"] == "rate_limited"
