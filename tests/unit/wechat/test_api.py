"""bot/wechat/api.py against the fake platform API in tests/support/fake_wechat.py."""
import asyncio
import logging

import pytest

from bot.wechat.api import WeChatApi, WeChatApiError
from tests.support.wechat_platform import APP_ID, SECRET


@pytest.fixture
async def client(wechat_api):
    now = [1000.0]
    api = WeChatApi(APP_ID, SECRET, wechat_api.url, refresh_margin=300, clock=lambda: now[0])
    api.now = now
    yield api
    await api.close()


async def test_token_is_fetched_once_and_cached(client, wechat_api):
    assert await client.access_token() == "token-1"
    assert await client.access_token() == "token-1"
    assert wechat_api.token_calls == 1


async def test_token_is_refreshed_shortly_before_it_expires(client, wechat_api):
    await client.access_token()
    client.now[0] += 7200 - 300 - 1
    assert await client.access_token() == "token-1"
    client.now[0] += 2
    assert await client.access_token() == "token-2"


async def test_concurrent_requests_share_one_fetch(client, wechat_api):
    wechat_api.token_delay = 0.2
    tokens = await asyncio.gather(*(client.access_token() for _ in range(5)))
    assert set(tokens) == {"token-1"}
    assert wechat_api.token_calls == 1


@pytest.mark.parametrize("errcode", [40001, 42001])
async def test_expired_token_is_refreshed_once_and_the_call_retried(client, wechat_api, errcode):
    await client.access_token()
    wechat_api.fail_sends = [errcode]
    await client.send_text("o-user", "你好")
    assert wechat_api.token_calls == 2
    assert wechat_api.sent == [{"touser": "o-user", "msgtype": "text", "text": {"content": "你好"}}]


async def test_token_revoked_on_the_platform_is_replaced(client, wechat_api):
    await client.access_token()
    wechat_api.expire_tokens()  # e.g. another server fetched a new one
    await client.send_text("o-user", "hi")
    assert wechat_api.token_calls == 2 and len(wechat_api.sent) == 1


async def test_second_expiry_in_a_row_is_an_error_not_a_loop(client, wechat_api):
    wechat_api.fail_sends = [40001, 40001, 40001]
    with pytest.raises(WeChatApiError) as raised:
        await client.send_text("o-user", "hi")
    assert raised.value.errcode == 40001
    assert wechat_api.token_calls == 2 and wechat_api.sent == []


async def test_other_errors_are_raised_and_logged_masked(client, wechat_api, caplog):
    wechat_api.fail_sends = [45015]  # reply time limit exceeded
    with caplog.at_level(logging.WARNING, logger="bot.wechat.api"):
        with pytest.raises(WeChatApiError) as raised:
            await client.send_text("o-user", "hi")
    assert raised.value.errcode == 45015
    assert "45015" in caplog.text
    assert "13812345678" not in caplog.text and "138****5678" in caplog.text


async def test_wrong_secret_is_an_error(wechat_api):
    api = WeChatApi(APP_ID, "wrong", wechat_api.url)
    try:
        with pytest.raises(WeChatApiError) as raised:
            await api.access_token()
        assert raised.value.errcode == 40013
    finally:
        await api.close()


async def test_unreachable_platform_is_an_error_not_a_crash():
    from tests.support.processes import free_port

    api = WeChatApi(APP_ID, SECRET, f"http://127.0.0.1:{free_port()}", timeout=2)
    try:
        with pytest.raises(WeChatApiError):
            await api.send_text("o-user", "hi")
    finally:
        await api.close()


async def test_menu_message_body(client, wechat_api):
    await client.send_menu("o-user", {"head_content": "请选择", "list": [{"id": "1", "content": "是"}],
                                      "tail_content": ""})
    assert wechat_api.sent[0]["msgtype"] == "msgmenu"
    assert wechat_api.sent[0]["msgmenu"]["list"] == [{"id": "1", "content": "是"}]
