"""Abuse limits: a clear 429 with a Chinese message and Retry-After, per sender,
per client address and per window's open streams; nothing the customer sent is lost."""
from __future__ import annotations

import asyncio
import json
import uuid

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
