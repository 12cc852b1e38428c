"""Staff replies to a WeChat follower go out through the customer-service message
API (the platform faked locally); outside the 48-hour window they are kept."""
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from bot.storage.engine import make_engine
from bot.storage.models import Ticket, TranscriptMessage
from tests.support.wechat_platform import post_safe, reply_content, text_xml

pytestmark = pytest.mark.model

NUMBER = re.compile(r"T\d{8}-\d{4}")


def taken_ticket(wechat_rasa, wechat_console):
    """A follower's complaint, taken by a signed-in agent: (openid, number, agent)."""
    openid = f"o-console-{uuid.uuid4().hex[:8]}"
    status, reply = post_safe(wechat_rasa, text_xml(openid, "你们什么垃圾服务 我要投诉 转账一直失败"))
    assert status == 200
    number = NUMBER.search(reply_content(reply)).group(0)
    agent, _ = wechat_console.signed_in()
    agent.get(f"/tickets/{number}")
    assert "notice=taken" in agent.post_form(f"/tickets/{number}/assign", {"assignee": "me"}).headers["Location"]
    agent.get(f"/tickets/{number}")
    return openid, number, agent


def test_a_reply_goes_out_as_a_customer_service_message(wechat_rasa, wechat_console, fake_api):
    openid, number, agent = taken_ticket(wechat_rasa, wechat_console)
    answer = agent.post_form(f"/tickets/{number}/reply", {"text": "您好，我是客服小李，马上帮您查"})
    assert "notice=replied" in answer.headers["Location"]
    assert fake_api.sent_to(openid)[-1]["text"]["content"] == "您好，我是客服小李，马上帮您查"


def test_the_platform_refusing_the_window_keeps_the_reply(wechat_rasa, wechat_console, fake_api):
    openid, number, agent = taken_ticket(wechat_rasa, wechat_console)
    fake_api.fail_sends = [45015]
    answer = agent.post_form(f"/tickets/{number}/reply", {"text": "请问还在吗"})
    assert "notice=reply_kept" in answer.headers["Location"]
    page = agent.get(f"/tickets/{number}")
    assert "未送达" in page.body and "48 小时" in page.body and "请问还在吗" in page.body


def test_after_48_hours_of_silence_nothing_is_sent(wechat_rasa, wechat_console, fake_api, tickets_db):
    openid, number, agent = taken_ticket(wechat_rasa, wechat_console)
    engine = make_engine(f"sqlite:///{tickets_db}")
    long_ago = datetime.now(timezone.utc) - timedelta(hours=49)
    with engine.begin() as connection:
        ticket_id = connection.execute(Ticket.__table__.select().where(Ticket.number == number)).first().id
        connection.execute(update(TranscriptMessage).where(TranscriptMessage.ticket_id == ticket_id,
                                                           TranscriptMessage.role == "user")
                           .values(sent_at=long_ago))
    sent_before = len(fake_api.sent_to(openid))
    answer = agent.post_form(f"/tickets/{number}/reply", {"text": "您好，问题已经查到了"})
    assert "notice=reply_kept" in answer.headers["Location"]
    assert len(fake_api.sent_to(openid)) == sent_before
    assert "超过 48 小时" in agent.get(f"/tickets/{number}").body


def test_a_follower_rates_a_resolved_ticket_by_typing_the_number(wechat_rasa, wechat_console, fake_api):
    openid, number, agent = taken_ticket(wechat_rasa, wechat_console)
    resolved = agent.post_form(f"/tickets/{number}/resolve", {"note": "银行退票，已原路退回"})
    assert "notice=resolved" in resolved.headers["Location"]
    question = fake_api.sent_to(openid)[-1]["text"]["content"]
    assert "1. 1" in question and "5. 5" in question  # the rating buttons as numbered choices
    status, reply = post_safe(wechat_rasa, text_xml(openid, "4"))
    assert status == 200
    assert any(thanks in reply_content(reply) for thanks in ("收到您的评价", "谢谢您的评分"))
