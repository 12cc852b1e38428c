"""The web chat HTTP API in an in-process Sanic app, mounted by Rasa's own `register`."""
import asyncio
import time
import urllib.request

import pytest
from rasa.shared.core.events import ConversationPaused
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from bot.push import push_to_customer
from bot.storage.engine import make_engine
from bot.webchat.message_text import MAX_MESSAGE_CHARS
from bot.webchat.tokens import TokenSigner
from tests.support.webchat import GREETING_TEXT, SECRET, EchoAgent, new_session, request, send, webchat_app

API = "/webhooks/webchat"


@pytest.fixture
def agent():
    return EchoAgent()


@pytest.fixture
async def base_url(migrated_db_url, agent):
    async with webchat_app(migrated_db_url, agent, max_message_chars=50, poll_seconds=0.1,
                           stream_seconds=1.0) as url:
        yield url


async def call(function, *args, **kwargs):
    """Blocking HTTP calls run in a thread: the server shares this event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)


async def test_page_and_assets_are_served_at_chat(base_url):
    def fetch(path):
        with urllib.request.urlopen(base_url + path, timeout=5) as resp:
            return resp.headers, resp.read().decode("utf-8")

    headers, html = await call(fetch, "/chat")
    assert 'lang="zh-CN"' in html
    assert "//" not in html.replace("http://www.w3.org", "")  # no CDN or other host
    assert (await call(fetch, "/chat/?uid=1"))[1] == html
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    headers, js = await call(fetch, "/chat/static/chat.js")
    assert headers["Content-Type"].startswith("text/javascript")
    assert "textContent" in js
    status, _ = await call(request, f"{base_url}/chat/static/nope.js")
    assert status == 404


async def test_message_is_answered_with_bot_messages_and_metadata(base_url, agent):
    token = (await call(new_session, base_url))["token"]
    status, body = await call(send, base_url, token, "  收不到验证码 ",
                              metadata={"app_version": "5.2.0", "os": "iOS 17", "device": "iPhone",
                                        "user_id": "forged", "channel": "forged"})
    assert status == 200, body
    assert body["user"]["text"] == "收不到验证码"
    assert [m["text"] for m in body["messages"]] == ["echo: 收不到验证码"]
    assert body["messages"][0]["buttons"][0]["payload"] == "/affirm"
    message = agent.messages[-1]
    assert message.input_channel == "webchat"
    assert message.metadata == {"channel": "webchat", "user_id": None, "app_version": "5.2.0",
                                "os": "iOS 17", "device": "iPhone"}


async def test_button_title_is_shown_and_payload_sent(base_url, agent):
    token = (await call(new_session, base_url))["token"]
    status, body = await call(send, base_url, token, "/affirm", title="解决了")
    assert status == 200
    assert body["user"]["text"] == "解决了"
    assert agent.messages[-1].text == "/affirm"


async def test_history_belongs_to_the_token(base_url):
    first = (await call(new_session, base_url))["token"]
    second = (await call(new_session, base_url))["token"]
    assert first != second
    await call(send, base_url, first, "我的秘密")
    status, mine = await call(request, f"{base_url}{API}/history", token=first)
    assert status == 200
    assert [m["role"] for m in mine["messages"]] == ["user", "bot"]
    assert mine["last_id"] == mine["messages"][-1]["id"]
    _, theirs = await call(request, f"{base_url}{API}/history", token=second)
    assert theirs["messages"] == []


async def test_the_page_and_the_session_give_the_servers_limit(base_url):
    def page():
        with urllib.request.urlopen(base_url + "/chat", timeout=5) as resp:
            return resp.read().decode("utf-8")

    assert f'maxlength="{MAX_MESSAGE_CHARS}"' in await call(page)
    assert (await call(new_session, base_url))["max_chars"] == 50  # this app's max_message_chars


async def test_a_message_at_the_limit_is_sent_whole_and_one_over_is_refused(base_url, agent):
    token = (await call(new_session, base_url))["token"]
    status, body = await call(send, base_url, token, "\n " + "长" * 50 + " \n")
    assert status == 200, body
    assert agent.messages[-1].text == "长" * 50
    status, body = await call(send, base_url, token, "长" * 50 + "👍")
    assert (status, body["error"]) == (413, "message_too_long")
    assert "50" in body["message"]
    assert len(agent.messages) == 1  # refused, never cut and passed on


async def test_a_kept_token_keeps_its_conversation(base_url):
    token = (await call(new_session, base_url))["token"]
    assert (await call(new_session, base_url, token=token))["token"] == token


@pytest.mark.parametrize("token", [
    pytest.param(None, id="no-token"),
    pytest.param("garbage", id="garbage"),
    pytest.param(TokenSigner(b"some-other-secret-0123456789").issue("wc-anon-x"), id="forged"),
])
@pytest.mark.parametrize("path, method", [("/message", "POST"), ("/history", "GET"),
                                          ("/events", "GET"), ("/greeting", "POST")])
async def test_requests_without_a_valid_token_get_403(base_url, token, path, method):
    status, body = await call(request, f"{base_url}{API}{path}",
                              {"text": "hi"} if method == "POST" else None, token=token,
                              method=method)
    assert status == 403
    assert body["error"] == "forbidden"


async def greet(base_url, token):
    return await call(request, f"{base_url}{API}/greeting", {}, token=token)


async def test_a_new_window_is_greeted_once_by_the_bot(base_url, agent):
    token = (await call(new_session, base_url))["token"]
    sender = TokenSigner(SECRET).verify(token)
    status, body = await greet(base_url, token)
    assert status == 200, body
    [row] = body["messages"]
    assert (row["role"], row["text"]) == ("bot", GREETING_TEXT)
    assert row["buttons"] == [{"title": "转账失败", "payload": "/transfer_failed"}]
    # a bot turn in the conversation, then listening; no customer message
    assert agent.actions == [(sender, "utter_greet"), (sender, "action_listen")]
    assert agent.messages == []
    # a reload (or a second tab) finds the greeting in the history and gets no second one
    assert (await greet(base_url, token)) == (200, {"messages": []})
    _, history = await call(request, f"{base_url}{API}/history", token=token)
    assert [m["text"] for m in history["messages"]] == [GREETING_TEXT]
    assert len(agent.actions) == 2


async def test_a_window_with_messages_is_not_greeted(base_url, agent):
    token = (await call(new_session, base_url))["token"]
    await call(send, base_url, token, "收不到验证码")
    assert (await greet(base_url, token)) == (200, {"messages": []})
    assert agent.actions == []


async def test_two_tabs_opening_at_once_get_one_greeting(base_url, agent):
    token = (await call(new_session, base_url))["token"]
    answers = await asyncio.gather(*(greet(base_url, token) for _ in range(4)))
    assert sorted(len(body["messages"]) for _, body in answers) == [0, 0, 0, 1]
    _, history = await call(request, f"{base_url}{API}/history", token=token)
    assert [m["text"] for m in history["messages"]] == [GREETING_TEXT]


async def test_a_conversation_with_a_person_is_not_greeted(base_url, agent):
    token = (await call(new_session, base_url))["token"]
    sender = TokenSigner(SECRET).verify(token)
    await agent.tracker_store.save(DialogueStateTracker.from_events(sender, [ConversationPaused()]))
    assert (await greet(base_url, token)) == (200, {"messages": []})
    assert agent.actions == []


async def test_the_greeting_can_be_turned_off(migrated_db_url, agent):
    async with webchat_app(migrated_db_url, agent, greeting="") as url:
        token = (await call(new_session, url))["token"]
        assert (await greet(url, token)) == (200, {"messages": []})
    assert agent.actions == []


async def test_signed_uid_gives_the_users_sender_and_metadata(base_url, agent):
    exp = int(time.time()) + 600
    sig = TokenSigner(SECRET).sign_user("u42", exp)
    session = await call(new_session, base_url, uid="u42", exp=exp, sig=sig)
    assert session["user"] is True
    await call(send, base_url, session["token"], "你好")
    assert agent.messages[-1].sender_id == "wc-user-u42"
    assert agent.messages[-1].metadata["user_id"] == "u42"
    # The same signed uid on another device reaches the same conversation.
    again = await call(new_session, base_url, uid="u42", exp=exp, sig=sig)
    _, history = await call(request, f"{base_url}{API}/history", token=again["token"])
    assert history["messages"][0]["text"] == "你好"


async def test_unsigned_uid_gets_an_anonymous_sender(base_url, agent):
    session = await call(new_session, base_url, uid="u42", exp=int(time.time()) + 600,
                         sig="0" * 64)
    assert session["user"] is False and session["uid_refused"] is True
    await call(send, base_url, session["token"], "你好")
    assert agent.messages[-1].sender_id.startswith("wc-anon-")
    assert agent.messages[-1].metadata["user_id"] is None


@pytest.mark.parametrize("raw, status, error", [
    pytest.param(b"{not json", 400, "bad_json", id="malformed-json"),
    pytest.param(b"\xff\xfe", 400, "bad_json", id="not-utf8"),
    pytest.param(b"[1, 2]", 400, "bad_json", id="not-an-object"),
    pytest.param(b"", 400, "bad_json", id="no-body"),
    pytest.param(b'{"text": 5}', 400, "missing_text", id="text-not-a-string"),
    pytest.param(b'{"text": "   "}', 400, "empty_message", id="empty"),
    pytest.param('{"text": "%s"}' % ("长" * 51), 413, "message_too_long", id="too-long"),
    pytest.param(b'{"text": "' + b"x" * 70000 + b'"}', 413, "too_large", id="huge-body"),
])
async def test_bad_input_gets_a_clear_error(base_url, agent, raw, status, error):
    token = (await call(new_session, base_url))["token"]
    raw = raw.encode("utf-8") if isinstance(raw, str) else raw
    got_status, body = await call(request, f"{base_url}{API}/message", raw=raw, token=token,
                                  method="POST")
    assert (got_status, body["error"]) == (status, error)
    assert body["message"]  # a sentence the page can show
    assert agent.messages == []


@pytest.mark.parametrize("text", [
    pytest.param("👍", id="thumbs-up"),
    pytest.param("👍🏻", id="skin-tone"),
    pytest.param("❤️", id="heart-with-variation-selector"),
    pytest.param(" 🙏 ", id="spaces-around"),
])
async def test_an_emoji_alone_reaches_the_bot_as_the_emoji(base_url, agent, text):
    token = (await call(new_session, base_url))["token"]
    status, body = await call(send, base_url, token, text)
    assert status == 200, body
    assert body["user"]["text"] == text.strip()
    assert agent.messages[-1].text == text.strip()


@pytest.mark.parametrize("text", [
    pytest.param("\u200b", id="zero-width-space"),
    pytest.param("\u200d\ufe0f", id="joiner-and-variation-selector"),
    pytest.param("\u3000\ufeff", id="ideographic-space-and-bom"),
])
async def test_invisible_characters_alone_are_an_empty_message(base_url, agent, text):
    token = (await call(new_session, base_url))["token"]
    status, body = await call(send, base_url, token, text)
    assert (status, body["error"]) == (400, "empty_message")
    assert agent.messages == []


async def test_agent_failure_is_a_500_with_a_message_and_the_server_lives_on(base_url):
    token = (await call(new_session, base_url))["token"]
    status, body = await call(send, base_url, token, "/boom")
    assert status == 500 and body["error"] == "bot_failed"
    assert (await call(send, base_url, token, "还在吗"))[0] == 200


def read_events(url, token, last_event_id=None, timeout=5):
    req = urllib.request.Request(f"{url}{API}/events?token={token}")
    if last_event_id is not None:
        req.add_header("Last-Event-ID", str(last_event_id))
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        return resp.read().decode("utf-8")  # the stream ends after stream_seconds


async def test_pushed_message_is_streamed_and_resumes_after_last_event_id(base_url, migrated_db_url):
    token = (await call(new_session, base_url))["token"]
    _, body = await call(send, base_url, token, "在吗")
    sender_id = TokenSigner(SECRET).verify(token)
    last = body["messages"][-1]["id"]
    reader = asyncio.create_task(call(read_events, base_url, token, last))
    await asyncio.sleep(0.3)
    pushed = await call(push_to_customer, migrated_db_url, sender_id, "您好，我是客服小王")
    stream = await reader
    assert f"id: {pushed['id']}\nevent: message\n" in stream
    assert "客服小王" in stream and '"role": "staff"' in stream
    assert "在吗" not in stream  # nothing at or before Last-Event-ID
    # Resuming from an older id replays what came after it.
    replay = await call(read_events, base_url, token, body["user"]["id"])
    assert "echo: 在吗" in replay and "客服小王" in replay


async def test_push_needs_text(migrated_db_url):
    with pytest.raises(ValueError):
        push_to_customer(migrated_db_url, "wc-anon-x", "  ")


async def test_blueprint_routes_sit_outside_the_webhooks_prefix(base_url):
    status, body = await call(request, f"{base_url}{API}/")
    assert (status, body) == (200, {"status": "ok"})
    status, _ = await call(request, f"{base_url}/webhooks/webchat/webhooks/webchat/")
    assert status == 404


async def test_database_failure_is_a_503_with_a_message(base_url, migrated_db_url):
    token = (await call(new_session, base_url))["token"]
    engine = make_engine(migrated_db_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE webchat_outbox"))
    engine.dispose()
    status, body = await call(send, base_url, token, "在吗")
    assert (status, body["error"]) == (503, "unavailable")
    status, body = await call(request, f"{base_url}{API}/history", token=token)
    assert status == 503 and "重试" in body["message"]
