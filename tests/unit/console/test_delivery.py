import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from bot.console.delivery import Delivery
from bot.console.wording import ConsoleTexts
from bot.storage.engine import make_engine
from bot.storage.outbox import Outbox
from bot.texts import Texts
from bot.wechat.api import WeChatApiError
from tests.support.servers import ROOT

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)
NOTES = ConsoleTexts.of(Texts.load(ROOT / "data" / "support")).delivery


class FakeWeChat:
    def __init__(self, fail: int = 0) -> None:
        self.sent = []
        self.fail = fail

    async def send_text(self, openid, content):
        if self.fail:
            raise WeChatApiError(self.fail, "refused")
        self.sent.append((openid, content))


@pytest.fixture
def outbox(migrated_db_url):
    return Outbox(make_engine(migrated_db_url))


def deliver(delivery, channel, last=None, messages=({"text": "您好"},)):
    return asyncio.run(delivery.send(channel, "u1", list(messages), last_customer_message=last))


def test_web_chat_messages_go_to_the_window_with_their_buttons(outbox):
    result = deliver(Delivery(outbox, None, NOTES), "webchat",
                     messages=[{"text": "打个分", "buttons": [{"title": "5", "payload": "/rate"}]}])
    assert result.delivered
    [row] = outbox.after("u1")
    assert (row["role"], row["text"], row["buttons"][0]["title"]) == ("staff", "打个分", "5")


def test_wechat_within_48_hours_is_sent_with_numbered_choices(outbox):
    wechat = FakeWeChat()
    delivery = Delivery(outbox, wechat, NOTES, "回复数字选择：", clock=lambda: NOW)
    result = deliver(delivery, "wechat", last=NOW - timedelta(hours=47),
                     messages=[{"text": "打个分", "buttons": [{"title": "1", "payload": "/r"},
                                                            {"title": "5", "payload": "/r"}]}])
    assert result.delivered
    assert wechat.sent == [("u1", "打个分\n\n回复数字选择：\n1. 1\n2. 5")]


@pytest.mark.parametrize("wechat, last, status", [
    pytest.param(FakeWeChat(), NOW - timedelta(hours=49), "kept", id="silent-49h"),
    pytest.param(FakeWeChat(fail=45015), NOW, "kept", id="platform-says-out-of-window"),
    pytest.param(FakeWeChat(fail=40003), NOW, "failed", id="other-error"),
    pytest.param(None, NOW, "kept", id="no-customer-service-api"),
])
def test_wechat_messages_that_cannot_go_out_are_kept(outbox, wechat, last, status):
    result = deliver(Delivery(outbox, wechat, NOTES, clock=lambda: NOW), "wechat", last=last)
    assert result.status == status and result.note
    if wechat is not None and status == "kept" and not wechat.fail:
        assert wechat.sent == []


def test_rest_cannot_receive_pushes(outbox):
    assert deliver(Delivery(outbox, None, NOTES), "rest").status == "kept"
