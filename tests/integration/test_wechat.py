"""The WeChat channel through a real `rasa run` (trained model, real action server),
with the platform API faked locally (tests/support/fake_wechat.py)."""
import json
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.faq.knowledge_base import load_knowledge_base
from tests.conftest import ROOT
from tests.support.rest import reply_text, send
from tests.support.servers import api
from tests.support.wechat_platform import Platform, http, reply_content, text_xml
from tests.support.wechat_platform import post_safe as post_wechat

pytestmark = pytest.mark.model

platform = Platform()


def openid() -> str:
    return f"o-e2e-{uuid.uuid4().hex[:8]}"


def webhook(base: str) -> str:
    return f"{base}/webhooks/wechat/webhook"


def post_safe(base: str, xml: str):
    return post_wechat(base, xml, platform)


def user_texts(base: str, sender: str):
    with urllib.request.urlopen(base + api(f"/conversations/{sender}/tracker"), timeout=30) as response:
        tracker = json.loads(response.read().decode("utf-8"))
    return [e.get("text") for e in tracker["events"] if e.get("event") == "user"], tracker


def test_verification_echoes_only_for_a_valid_signature(wechat_rasa):
    good = {**platform.query(), "echostr": "4567"}
    assert http("GET", webhook(wechat_rasa), good) == (200, "4567")
    forged = {**good, "signature": "0" * 40}
    status, body = http("GET", webhook(wechat_rasa), forged)
    assert status == 403 and "4567" not in body


def test_sms_question_gets_a_passive_faq_answer(wechat_rasa):
    kb = load_knowledge_base(ROOT / "data" / "faq")
    expected = kb.by_id["sms_code_not_received"].answer.strip().splitlines()[0]
    sender = openid()
    status, reply = post_safe(wechat_rasa, text_xml(sender, "收不到验证码"))
    assert status == 200
    assert "<MsgType><![CDATA[text]]></MsgType>" in reply
    assert f"<ToUserName><![CDATA[{sender}]]></ToUserName>" in reply
    assert expected in reply_content(reply)
    texts, tracker = user_texts(wechat_rasa, sender)
    assert texts == ["收不到验证码"]
    user_event = next(e for e in tracker["events"] if e.get("event") == "user")
    assert user_event["input_channel"] == "wechat"
    assert user_event["metadata"]["channel"] == "wechat"


def test_duplicate_msgid_reaches_rasa_once(wechat_rasa):
    sender = openid()
    xml = text_xml(sender, "转账失败了怎么办")
    with ThreadPoolExecutor(3) as pool:  # the platform's retries, arriving together
        results = list(pool.map(lambda _: post_safe(wechat_rasa, xml), range(3)))
    assert [status for status, _ in results] == [200, 200, 200]
    replies = [body for _, body in results if body != "success"]
    assert len(replies) == 1 and "转账" in reply_content(replies[0])
    assert post_safe(wechat_rasa, xml) == (200, "success")  # a late retry
    assert user_texts(wechat_rasa, sender)[0] == ["转账失败了怎么办"]


def test_forged_signature_is_403_and_reaches_nobody(wechat_rasa):
    sender = openid()
    query, body = platform.encrypt(text_xml(sender, "你好"), platform.query())
    assert http("POST", webhook(wechat_rasa), {**query, "signature": "f" * 40}, body)[0] == 403
    assert http("POST", webhook(wechat_rasa), {**query, "msg_signature": "f" * 40}, body)[0] == 403
    assert user_texts(wechat_rasa, sender)[0] == []


def test_malformed_xml_is_400(wechat_rasa):
    query = platform.query()
    assert http("POST", webhook(wechat_rasa), {**query, "encrypt_type": "aes", "msg_signature": "x"},
                "<xml><Encrypt>")[0] == 400


def test_rest_channel_still_works_next_to_wechat(wechat_rasa):
    assert "验证码" in reply_text(send(wechat_rasa, f"rest-{uuid.uuid4().hex[:8]}", "收不到验证码怎么办"))


def test_slow_answer_is_success_then_a_customer_service_message(wechat_rasa_slow, fake_api):
    sender = openid()
    status, body = http("POST", webhook(wechat_rasa_slow), platform.query(), text_xml(sender, "收不到验证码"))
    assert (status, body) == (200, "success")
    deadline_sent = _wait_for_sender(fake_api, sender)
    assert deadline_sent[0]["msgtype"] == "text"
    assert "验证码" in "".join(m["text"]["content"] for m in deadline_sent)
    assert user_texts(wechat_rasa_slow, sender)[0] == ["收不到验证码"]


def test_default_credentials_keep_wechat_off_without_env(rasa_server):
    """The committed credentials.yml: no WECHAT_* set, the channel refuses with 503."""
    import os

    if any(name.startswith("WECHAT_") for name in os.environ):
        pytest.skip("WECHAT_* set in this environment: the default server has the channel on")
    status, _ = http("GET", f"{rasa_server}/webhooks/wechat/webhook", {**platform.query(), "echostr": "1"})
    assert status == 503


def _wait_for_sender(fake_api, sender, timeout=60.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = fake_api.sent_to(sender)
        if sent:
            return sent
        time.sleep(0.1)
    raise AssertionError(f"nothing sent to {sender}: {fake_api.sent}")
