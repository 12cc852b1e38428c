"""bot/wechat/service.py + inbound.py: what each message does, duplicates, late answers."""
import asyncio
import uuid

import pytest

from bot.security.ratelimit import Limit, MemoryRateLimiter
from tests.support.wechat_platform import Platform, event_xml, message_xml, reply_content, text_xml

platform = Platform()

GREETING = [{"text": "您好，请问遇到什么问题了？", "buttons": [
    {"title": "账户被锁/冻结", "payload": "/account_locked"},
    {"title": "转账失败", "payload": "/transfer_failed"},
    {"title": "收不到验证码", "payload": "/sms_code_delay"},
    {"title": "账单/扣费", "payload": "/billing_issue"}]}]


def openid() -> str:
    return f"o-{uuid.uuid4().hex[:10]}"


async def post(service, rasa, xml):
    reply = await service.receive(platform.query(), xml.encode("utf-8"), rasa)
    assert reply.status == 200, reply
    return reply_content(reply.body) if reply.body != "success" else "success"


async def test_text_reaches_rasa_with_openid_and_channel_metadata(make_service, rasa):
    user = openid()
    assert await post(make_service(), rasa, text_xml(user, "转账失败了")) == "答：转账失败了"
    [message] = rasa.messages
    assert message.sender_id == user
    assert message.input_channel == "wechat"
    assert message.metadata["channel"] == "wechat"


async def test_a_follower_sending_too_fast_is_told_and_not_passed_on(make_service, rasa):
    service = make_service(per_follower=MemoryRateLimiter(Limit(per_minute=6, burst=2)))
    user = openid()
    replies = [await post(service, rasa, text_xml(user, f"第{i}条", msg_id=str(9000 + i))) for i in range(3)]
    assert replies[:2] == ["答：第0条", "答：第1条"] and "太快" in replies[2]
    assert [m.text for m in rasa.messages] == ["第0条", "第1条"]
    # the platform's retry of an answered message is a duplicate, not counted again
    assert await post(service, rasa, text_xml(user, "第0条", msg_id="9000")) == "success"


@pytest.mark.parametrize(
    "xml_of, sent, reply_has",
    [
        pytest.param(lambda u: message_xml(u, "voice", MediaId="m", Format="amr", Recognition="收不到验证码"),
                     ["收不到验证码"], "答：收不到验证码", id="voice-recognised"),
        pytest.param(lambda u: message_xml(u, "voice", MediaId="m", Format="amr"),
                     [], "文字", id="voice-unrecognised"),
        pytest.param(lambda u: message_xml(u, "image", PicUrl="http://x/y.jpg", MediaId="m"),
                     [], "图片", id="image"),
        pytest.param(lambda u: message_xml(u, "location", Location_X="23.1", Location_Y="113.3",
                                           Scale="20", Label="广州"), [], "位置", id="location"),
        pytest.param(lambda u: message_xml(u, "link", Title="t", Description="d", Url="http://x"),
                     [], "链接", id="link"),
        pytest.param(lambda u: message_xml(u, "video", MediaId="m", ThumbMediaId="t"), [], "视频", id="video"),
        pytest.param(lambda u: message_xml(u, "shortvideo", MediaId="m", ThumbMediaId="t"), [], "视频",
                     id="shortvideo"),
        pytest.param(lambda u: message_xml(u, "hologram"), [], "文字消息", id="unknown-type"),
        pytest.param(lambda u: text_xml(u, "   "), [], "请直接输入", id="empty-text"),
        pytest.param(lambda u: event_xml(u, "CLICK", key="HUMAN"), ["/request_human"], "答：/request_human",
                     id="menu-human"),
        pytest.param(lambda u: event_xml(u, "CLICK", key="NO_SUCH_KEY"), [], "菜单", id="menu-unknown"),
    ],
)
async def test_each_message_type(make_service, rasa, xml_of, sent, reply_has):
    reply = await post(make_service(), rasa, xml_of(openid()))
    assert rasa.texts == sent
    assert reply_has in reply


async def test_media_replies_say_what_the_assistant_can_handle(make_service, rasa):
    reply = await post(make_service(), rasa, message_xml(openid(), "image", PicUrl="u", MediaId="m"))
    assert all(area in reply for area in ("账户", "转账", "验证码", "账单"))


async def test_subscribe_gets_the_welcome_with_the_four_areas(make_service):
    from tests.unit.wechat.conftest import FakeRasa

    rasa = FakeRasa(lambda text: GREETING if text == "/greet" else [])
    reply = await post(make_service(), rasa, event_xml(openid(), "subscribe"))
    assert rasa.texts == ["/greet"]
    assert "1. 账户被锁/冻结" in reply and "4. 账单/扣费" in reply


async def test_unsubscribe_is_logged_without_reply(make_service, rasa, caplog):
    caplog.set_level("INFO", logger="bot.rasa_ext.channels.wechat.service")
    assert await post(make_service(), rasa, event_xml(openid(), "unsubscribe")) == "success"
    assert rasa.texts == []
    assert "unsubscribe" in caplog.text


async def test_other_events_are_silent(make_service, rasa):
    assert await post(make_service(), rasa, event_xml(openid(), "VIEW", key="http://x")) == "success"
    assert await post(make_service(), rasa, event_xml(openid(), "TEMPLATESENDJOBFINISH")) == "success"
    assert rasa.texts == []


async def test_number_picks_the_button_last_shown(make_service):
    from tests.unit.wechat.conftest import FakeRasa

    rasa = FakeRasa(lambda text: GREETING if text == "/greet" else [{"text": f"答：{text}"}])
    service, user = make_service(), openid()
    await post(service, rasa, event_xml(user, "subscribe"))
    assert await post(service, rasa, text_xml(user, "2")) == "答：/transfer_failed"
    assert await post(service, rasa, text_xml(openid(), "2")) == "答：2"  # someone else: no buttons
    assert await post(service, rasa, text_xml(user, "2")) == "答：2"  # the last answer had no buttons


async def test_buttons_of_a_late_answer_work_after_continue(make_service):
    from tests.unit.wechat.conftest import FakeRasa

    rasa = FakeRasa(lambda text: GREETING if text == "/greet" else [{"text": f"答：{text}"}])
    rasa.gate = asyncio.Event()
    service, user = make_service(reply_timeout=0.05, customer_service_api=False), openid()
    await post(service, rasa, event_xml(user, "subscribe"))
    rasa.gate.set()
    await service.inflight.drain()
    assert "4. 账单/扣费" in await post(service, rasa, text_xml(user, "继续"))
    assert await post(service, rasa, text_xml(user, "4")) == "答：/billing_issue"


async def test_huge_text_is_cut_before_rasa_the_follower_is_told_and_the_reply_fits(make_service):
    from tests.unit.wechat.conftest import FakeRasa

    rasa = FakeRasa(lambda text: [{"text": text}])
    reply = await post(make_service(), rasa, text_xml(openid(), "我的转账失败了" * 3000))
    assert len(rasa.texts[0]) == 2000
    assert reply.startswith("（您的消息太长了，我只看了前 2000 字")
    assert len(reply.encode("utf-8")) <= 2048


async def test_a_text_at_the_limit_gets_no_notice(make_service):
    from tests.unit.wechat.conftest import FakeRasa

    rasa = FakeRasa(lambda text: [{"text": "答"}])
    assert await post(make_service(), rasa, text_xml(openid(), "长" * 2000)) == "答"


async def test_rasa_failure_gets_a_busy_reply(make_service, rasa):
    rasa.fail = True
    assert "稍后再试" in await post(make_service(), rasa, text_xml(openid(), "你好"))


async def test_duplicate_msgid_reaches_rasa_once(make_service, rasa):
    service, user = make_service(), openid()
    xml = text_xml(user, "你好", msg_id="1234567890123", create_time=1700000000)
    assert await post(service, rasa, xml) == "答：你好"
    assert await post(service, rasa, xml) == "success"
    assert rasa.texts == ["你好"]
    # the same MsgId from another follower, or at another time, is another message
    assert await post(service, rasa, text_xml(openid(), "你好", msg_id="1234567890123",
                                              create_time=1700000000)) == "答：你好"
    assert len(rasa.texts) == 2


async def test_duplicate_event_reaches_rasa_once(make_service, rasa):
    service, user = make_service(), openid()
    xml = event_xml(user, "CLICK", key="HUMAN", create_time=1700000001)
    await post(service, rasa, xml)
    assert await post(service, rasa, xml) == "success"
    await post(service, rasa, event_xml(user, "CLICK", key="HUMAN", create_time=1700000002))
    assert rasa.texts == ["/request_human", "/request_human"]


async def test_retry_during_processing_waits_and_gets_the_reply(make_service, rasa):
    service, user = make_service(reply_timeout=5), openid()
    rasa.gate = asyncio.Event()
    xml = text_xml(user, "慢问题")
    first = asyncio.ensure_future(service.receive(platform.query(), xml.encode(), rasa))
    await asyncio.sleep(0.05)
    first.cancel()  # the platform gave up on the first connection
    retry = asyncio.ensure_future(post(service, rasa, xml))
    await asyncio.sleep(0.05)
    rasa.gate.set()
    assert await retry == "答：慢问题"
    assert rasa.texts == ["慢问题"]


async def test_slow_answer_is_success_then_customer_service_message(make_service, rasa, wechat_api):
    service, user = make_service(reply_timeout=0.05), openid()
    rasa.gate = asyncio.Event()
    xml = text_xml(user, "慢问题")
    assert await post(service, rasa, xml) == "success"
    assert await post(service, rasa, xml) == "success"  # the platform's retry starts nothing new
    rasa.gate.set()
    await service.inflight.drain()
    assert wechat_api.sent_to(user) == [{"touser": user, "msgtype": "text", "text": {"content": "答：慢问题"}}]
    assert rasa.texts == ["慢问题"]


async def test_late_answer_that_cannot_be_sent_waits_for_the_next_message(make_service, rasa, wechat_api):
    service, user = make_service(reply_timeout=0.05), openid()
    rasa.gate = asyncio.Event()
    wechat_api.fail_sends = [45015]  # e.g. the follower has not written for 48 h
    assert await post(service, rasa, text_xml(user, "慢问题")) == "success"
    rasa.gate.set()
    await service.inflight.drain()
    assert await post(service, rasa, text_xml(user, "继续")) == "答：慢问题"


async def test_unverified_account_keeps_the_late_answer_for_continue(make_service, rasa, wechat_api):
    service, user = make_service(reply_timeout=0.05, customer_service_api=False), openid()
    rasa.gate = asyncio.Event()
    assert "继续" in await post(service, rasa, text_xml(user, "慢问题"))
    rasa.gate.set()
    await service.inflight.drain()
    assert await post(service, rasa, text_xml(user, "继续")) == "答：慢问题"
    assert rasa.texts == ["慢问题"]  # 继续 itself is not sent to Rasa
    assert wechat_api.sent == []


async def test_unverified_late_answer_comes_before_the_next_answer(make_service, rasa):
    service, user = make_service(reply_timeout=0.05, customer_service_api=False), openid()
    rasa.gate = asyncio.Event()
    await post(service, rasa, text_xml(user, "慢问题"))
    rasa.gate.set()
    await service.inflight.drain()
    assert await post(service, rasa, text_xml(user, "新问题")) == "答：慢问题\n\n答：新问题"


async def test_continue_while_still_working_waits_for_the_answer(make_service, rasa):
    service, user = make_service(reply_timeout=0.2, customer_service_api=False), openid()
    rasa.gate = asyncio.Event()
    await post(service, rasa, text_xml(user, "慢问题"))
    continued = asyncio.ensure_future(post(service, rasa, text_xml(user, "继续")))
    await asyncio.sleep(0.05)
    rasa.gate.set()
    assert await continued == "答：慢问题"


async def test_long_answer_on_unverified_account_is_paged_with_continue(make_service):
    from tests.unit.wechat.conftest import FakeRasa

    long_answer = "\n".join(f"第{i}步：" + "请检查手机信号和短信拦截设置。" * 5 for i in range(40))
    rasa = FakeRasa(lambda text: [{"text": long_answer}])
    service, user = make_service(customer_service_api=False), openid()
    pages = [await post(service, rasa, text_xml(user, "收不到验证码"))]
    while "继续" in pages[-1]:
        pages.append(await post(service, rasa, text_xml(user, "继续")))
        assert len(pages) < 20
    assert len(pages) > 1
    assert all(len(p.encode("utf-8")) <= 2048 for p in pages)
    joined = "\n".join(p.replace("（回复「继续」查看后续内容）", "").strip() for p in pages)
    assert joined.replace("\n", "") == long_answer.replace("\n", "")


async def test_long_answer_on_verified_account_continues_via_the_api(make_service, wechat_api):
    from tests.unit.wechat.conftest import FakeRasa

    rasa = FakeRasa(lambda text: [{"text": "验证码" * 1500}])
    service, user = make_service(), openid()
    first = await post(service, rasa, text_xml(user, "收不到验证码"))
    await service.inflight.drain()
    rest = [m["text"]["content"] for m in wechat_api.sent_to(user)]
    assert rest and first + "".join(rest) == "验证码" * 1500


async def test_menu_style_sends_text_then_msgmenu(make_service, wechat_api):
    from tests.unit.wechat.conftest import FakeRasa

    rasa = FakeRasa(lambda text: GREETING)
    service, user = make_service(button_style="menu"), openid()
    assert await post(service, rasa, event_xml(user, "subscribe")) == "success"
    await service.inflight.drain()
    sent = wechat_api.sent_to(user)
    assert [m["msgtype"] for m in sent] == ["text", "msgmenu"]
    assert [i["content"] for i in sent[1]["msgmenu"]["list"]][:2] == ["账户被锁/冻结", "转账失败"]
    # tapping a menu item sends its title back as text
    rasa.reply = lambda text: [{"text": f"答：{text}"}]
    assert await post(service, rasa, text_xml(user, "转账失败")) == "答：/transfer_failed"


async def test_menu_that_cannot_be_sent_is_kept_as_a_numbered_list(make_service, wechat_api):
    from tests.unit.wechat.conftest import FakeRasa

    rasa = FakeRasa(lambda text: GREETING if text == "/greet" else [{"text": f"答：{text}"}])
    service, user = make_service(button_style="menu"), openid()
    wechat_api.fail_sends = [0, 45047]  # the text goes out, the menu is refused
    assert await post(service, rasa, event_xml(user, "subscribe")) == "success"
    await service.inflight.drain()
    assert [m["msgtype"] for m in wechat_api.sent_to(user)] == ["text"]
    reply = await post(service, rasa, text_xml(user, "2"))
    assert reply.startswith("回复数字选择：\n1. 账户被锁/冻结")
    assert reply.endswith("答：/transfer_failed")
