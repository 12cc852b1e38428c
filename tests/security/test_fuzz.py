"""Hostile input never gets a 500: random and malicious bodies against the web chat API
and the WeChat parser (seeded, bounded; every answer a 4xx and nothing stored lost)."""
from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from bot.wechat.parse import MalformedMessage, parse
from tests.support.http import request
from tests.support.webchat import webchat_app

API = "/webhooks/webchat"
FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)
bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["text", "title", "client_id", "metadata", "token", "uid", "exp", "sig"]),
                    json_values, max_size=6).map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=300),                                     # invalid UTF-8, garbage
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=100).map(str.encode),  # control characters
    st.just(b'{"text": "' + b"\xe6\x88" * 40_000 + b'"}'),        # huge and broken UTF-8
)


@pytest.fixture
async def app_url(migrated_db_url):
    async with webchat_app(migrated_db_url) as base:
        yield base


async def test_random_bodies_get_a_4xx_and_nothing_stored_is_lost(app_url):
    status, raw = await asyncio.to_thread(request, f"{app_url}{API}/session", "POST", b"{}")
    token = json.loads(raw)["token"]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    sent = await asyncio.to_thread(request, f"{app_url}{API}/message", "POST",
                                   json.dumps({"text": "第一条消息"}).encode(), auth)
    assert sent[0] == 200

    @seed(20261202)
    @FUZZ
    @given(body=bodies, path=st.sampled_from(["/message", "/session", "/greeting"]),
           with_token=st.booleans())
    def one(body, path, with_token):
        headers = auth if with_token else {"Content-Type": "application/json"}
        status, _ = request(f"{app_url}{API}{path}", "POST", body, headers)
        assert status < 500, (path, body[:80])

    await asyncio.to_thread(one)
    status, raw = await asyncio.to_thread(request, f"{app_url}{API}/history", headers=auth)
    assert status == 200 and "第一条消息" in raw.decode("utf-8")


async def test_duplicated_and_odd_query_parameters_are_refused_cleanly(app_url):
    for query in ("token=a&token=b", "token=%ff%fe", "after=-1&token=x", "token=" + "a" * 5000):
        status, _ = await asyncio.to_thread(request, f"{app_url}{API}/events?{query}")
        assert status in (400, 403, 414), query


@seed(20261202)
@FUZZ
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
def test_the_wechat_parser_accepts_or_refuses_never_crashes(body):
    try:
        parse(body)
    except MalformedMessage:
        pass


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol4;</Content><MsgId>1</MsgId></xml>"""
XXE = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>"""


@pytest.mark.parametrize("body", [pytest.param(BILLION_LAUGHS, id="billion-laughs"),
                                  pytest.param(XXE, id="external-entity")])
def test_entity_declarations_are_refused_not_expanded(body):
    with pytest.raises(MalformedMessage):
        parse(body)
