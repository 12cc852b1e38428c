"""The REST channel (LimitedRestInput) in an in-process Sanic app."""
import asyncio
import json

from bot.rasa_ext.channels.rest import LimitedRestInput
from bot.settings import Settings
from tests.support.http import request
from tests.support.webchat import NO_LIMITS, channel_app


def post(base, message):
    status, body = request(f"{base}/webhooks/rest/webhook", "POST",
                           json.dumps({"sender": "r1", "message": message}).encode(),
                           {"Content-Type": "application/json"}, 10)
    return status, json.loads(body or b"null")


async def test_an_answer_is_a_200_and_a_failure_a_503_the_client_may_retry():
    channel = LimitedRestInput(Settings.from_env(NO_LIMITS))
    async with channel_app(channel) as base:
        status, body = await asyncio.to_thread(post, base, "你好")
        assert status == 200 and body[0]["text"] == "echo: 你好"
        status, body = await asyncio.to_thread(post, base, "/boom")  # the agent raises
        assert status == 503 and body["error"] == "bot_failed"
        status, body = await asyncio.to_thread(post, base, "还在吗")  # the next request is not marked
        assert status == 200
