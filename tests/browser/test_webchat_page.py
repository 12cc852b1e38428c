"""The chat page in real Chromium at phone size, against the real Rasa and action servers."""
import base64
import json
import os
import re
import shutil
import time
import urllib.request

import pytest
import yaml
from playwright.sync_api import expect

from bot.push import push_to_customer
from bot.webchat.tokens import TokenSigner
from tests.conftest import ROOT, WEBCHAT_SECRET
from tests.support.browser_steps import say, wait_until
from tests.support.servers import api

pytestmark = pytest.mark.model

SIGNER = TokenSigner(WEBCHAT_SECRET.encode())


def open_chat(page, base_url, query="", greeted=True):
    """A window opened; a new one (``greeted``) shows the bot's greeting before anything else."""
    page.goto(f"{base_url}/chat{query}")
    expect(page.locator("#banner")).to_be_hidden()
    wait_until(page, "localStorage.getItem('webchat.token') !== null")
    if greeted:
        expect(page.locator("#log .msg.bot").first).to_contain_text("您好", timeout=30_000)


def sender_of(page) -> str:
    return SIGNER.verify(page.evaluate("localStorage.getItem('webchat.token')"))


def messages(page, role):
    return page.locator(f"#log .msg.{role} .body")


def answers(page):
    """The bot's messages after the customer's first one (the greeting comes before it)."""
    return page.locator("#log .msg.user ~ .msg.bot")


GREETINGS = [r["text"] for r in yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
             ["responses"]["utter_greet"]]


def test_a_new_window_opens_with_the_greeting_and_the_problem_areas_once(page, rasa_server):
    open_chat(page, rasa_server)
    log = page.get_by_role("log", name="对话记录")
    greeting = log.locator(".msg.bot")
    expect(greeting).to_have_count(1)
    assert greeting.locator(".body").inner_text() in GREETINGS  # domain.yml's utter_greet
    expect(greeting.locator(".who")).to_have_text("智能客服")
    topics = greeting.get_by_role("group", name="快捷回复").get_by_role("button")
    expect(topics).to_have_text(["账户被锁/冻结", "转账失败", "收不到验证码", "账单/扣费问题"])
    expect(topics.first).to_be_enabled()
    events = tracker_events(rasa_server, sender_of(page))
    assert [e["metadata"].get("utter_action") for e in events if e["event"] == "bot"] == ["utter_greet"]
    assert not [e for e in events if e["event"] == "user"]  # the customer said nothing yet
    assert events[-1]["event"] == "action" and events[-1]["name"] == "action_listen"

    page.reload()  # history: the greeting again, not a second one
    expect(page.locator("#log .msg.bot")).to_have_count(1)
    page.wait_for_timeout(1000)
    expect(page.locator("#log .msg.bot")).to_have_count(1)

    page.locator("#log .msg.bot").get_by_role("button", name="收不到验证码").click()
    expect(messages(page, "user")).to_have_text(["收不到验证码"])
    expect(page.locator("#log")).to_contain_text("问题解决了吗", timeout=30_000)
    expect(page.locator("#log .msg.bot").first.get_by_role("button").first).to_be_disabled()
    page.reload()
    expect(messages(page, "user")).to_have_text(["收不到验证码"])
    assert page.locator("#log .msg.bot").first.locator(".body").inner_text() in GREETINGS
    expect(page.locator("#log .msg.bot").filter(has_text="您好")).to_have_count(1)


def test_conversation_with_buttons_rating_and_history_after_reload(page, rasa_server, tmp_path,
                                                                  dialogs):
    open_chat(page, rasa_server)
    held = []

    def hold(route):  # the answer waits until the test releases it
        held.append(route)

    page.route("**/webhooks/webchat/message", hold)
    say(page, "收不到验证码")
    expect(messages(page, "user").last).to_have_text("收不到验证码")
    expect(page.locator("#typing")).to_be_visible()
    expect(page.locator("#typing")).to_contain_text("正在输入")
    assert len(held) == 1
    held[0].continue_()
    page.unroute("**/webhooks/webchat/message", hold)
    expect(page.locator("#log")).to_contain_text("问题解决了吗", timeout=30_000)
    expect(page.locator("#typing")).to_be_hidden()
    expect(page.get_by_label("输入您的问题")).to_be_in_viewport()
    expect(page.locator("#log .msg.bot").last).to_be_in_viewport()

    page.get_by_role("button", name="解决了").click()
    expect(messages(page, "user").last).to_have_text("解决了")
    stars = page.get_by_role("group", name="为本次服务打分，1 到 5 星").last
    expect(stars.get_by_role("button")).to_have_count(5)
    page.mouse.move(0, 0)  # no star under the pointer (hovering lights stars)
    page.screenshot(path=str(tmp_path / "webchat.png"))
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copy(tmp_path / "webchat.png", ROOT / "docs" / "webchat.png")

    expect(stars.get_by_role("button", name="4 星")).to_have_attribute("aria-pressed", "false")
    stars.get_by_role("button", name="4 星").click()
    expect(messages(page, "user").last).to_contain_text("4 星")
    # utter_thank_rating (either variant), then utter_goodbye.
    thanks = page.locator("#log .msg.bot").filter(has_text=re.compile("评价，谢谢|谢谢您的评分"))
    expect(thanks).to_have_count(1, timeout=30_000)
    page.mouse.move(0, 0)  # pointer and focus gone: the choice stays lit
    expect_rated(stars, 4)

    bot_count = page.locator("#log .msg.bot").count()
    page.reload()
    expect(messages(page, "user")).to_have_text(["收不到验证码", "解决了", "4 星 ★★★★"])
    expect(page.locator("#log .msg.bot")).to_have_count(bot_count)
    expect_rated(page.get_by_role("group", name="为本次服务打分，1 到 5 星").last, 4)
    assert dialogs == []


def expect_rated(stars, rating):
    """The chosen stars are lit (in the star colour), the chosen one pressed, none clickable."""
    for n in range(1, 6):
        star = stars.get_by_role("button", name=f"{n} 星")
        expect(star).to_be_disabled()
        expect(star).to_have_attribute("aria-pressed", "true" if n == rating else "false")
        if n <= rating:
            expect(star).to_have_class(re.compile(r"\blit\b"))
            expect(star).to_have_css("color", "rgb(176, 96, 0)")  # --star
        else:
            expect(star).not_to_have_class(re.compile(r"\blit\b"))
    expect(stars).to_contain_text(f"已评 {rating} 星")


def test_markup_is_shown_as_text_and_runs_nothing(page, rasa_server, dialogs):
    open_chat(page, rasa_server)
    attack = '<img src=x onerror=alert(1)>'
    say(page, attack)
    expect(messages(page, "user").last).to_have_text(attack)
    expect(answers(page).last).to_be_visible(timeout=30_000)
    assert page.locator("#log img").count() == 0
    page.reload()
    expect(messages(page, "user").last).to_have_text(attack)
    assert page.locator("#log img").count() == 0
    assert dialogs == []


def test_an_emoji_alone_is_sent_and_invisible_characters_are_not(page, rasa_server):
    open_chat(page, rasa_server)
    box = page.get_by_label("输入您的问题")
    box.fill("\u200b\u200d")  # zero-width characters only: nothing to send
    box.press("Enter")
    page.get_by_role("button", name="发送").click()
    page.wait_for_timeout(500)
    expect(messages(page, "user")).to_have_count(0)

    box.fill("")
    box.type("👍")
    box.press("Enter")
    expect(messages(page, "user")).to_have_text(["👍"])
    expect(answers(page).last).to_be_visible(timeout=30_000)
    users = [e for e in tracker_events(rasa_server, sender_of(page)) if e["event"] == "user"]
    assert [e["text"] for e in users] == ["👍"]
    page.reload()
    expect(messages(page, "user")).to_have_text(["👍"])


def test_a_long_paste_is_kept_whole_and_the_customer_is_told_before_sending(page, rasa_server):
    open_chat(page, rasa_server)
    box = page.get_by_label("输入您的问题")
    expect(box).to_have_attribute("maxlength", "2000")  # the server's limit
    limit = page.locator("#limit")
    box.fill("长" * 1850)
    expect(limit).to_have_text("还可输入 150 字（每条最多 2000 字）")

    long_text = "我的转账失败了，" * 625  # 5000 characters
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("text => navigator.clipboard.writeText(text)", long_text)
    box.fill("")
    box.focus()
    page.keyboard.press("Control+V")
    expect(box).to_have_value(long_text)  # nothing cut
    expect(limit).to_be_visible()
    expect(limit).to_have_text("共 5000 字，超出 3000 字（每条最多 2000 字），请删减或分几条发送。")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#limit-sr")).to_contain_text("超出 3000 字")  # what a screen reader hears
    assert limit.bounding_box()["y"] < box.bounding_box()["y"]  # right above the input
    expect(limit).to_be_in_viewport()
    page.get_by_role("button", name="发送").click()
    box.press("Enter")
    page.wait_for_timeout(500)
    expect(messages(page, "user")).to_have_count(0)  # nothing was sent
    expect(box).to_have_value(long_text)

    box.fill("我的转账失败了")
    expect(limit).to_be_hidden()
    expect(box).not_to_have_attribute("aria-invalid", "true")
    box.press("Enter")
    expect(messages(page, "user")).to_have_text(["我的转账失败了"])


def test_pushed_staff_message_appears_with_links_and_line_breaks(page, rasa_server, tickets_db,
                                                               dialogs):
    open_chat(page, rasa_server)
    push_to_customer(f"sqlite:///{tickets_db}", sender_of(page),
                     "您好，我是客服小王。\n请看 https://help.example.com/sms?x=1。\n<b>不是粗体</b>")
    staff = page.locator("#log .msg.staff")
    expect(staff).to_have_count(1, timeout=10_000)
    expect(staff.locator(".who")).to_have_text("人工客服")
    link = staff.get_by_role("link")
    expect(link).to_have_attribute("href", "https://help.example.com/sms?x=1")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    assert staff.locator("b").count() == 0
    assert staff.locator(".body").inner_text().splitlines() == [
        "您好，我是客服小王。", "请看 https://help.example.com/sms?x=1。", "<b>不是粗体</b>"]
    page.reload()
    expect(page.locator("#log .msg.staff")).to_have_count(1)
    assert dialogs == []


def test_page_is_labelled_for_screen_readers(page, rasa_server):
    open_chat(page, rasa_server)
    assert page.get_attribute("html", "lang") == "zh-CN"
    log = page.get_by_role("log", name="对话记录")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_label("输入您的问题")).to_be_editable()
    expect(page.get_by_role("button", name="转人工")).to_be_visible()
    page.keyboard.press("Tab")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused == "solid"


def test_input_stays_above_the_phone_keyboard(page, rasa_server):
    open_chat(page, rasa_server)
    say(page, "你好")
    expect(answers(page).last).to_be_visible(timeout=30_000)
    page.get_by_label("输入您的问题").focus()
    page.set_viewport_size({"width": 390, "height": 420})  # what an open keyboard leaves
    expect(page.get_by_label("输入您的问题")).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("button", name="发送")).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("button", name="转人工")).to_be_in_viewport()


def tracker_events(rasa_server, sender_id):
    with urllib.request.urlopen(
            f"{rasa_server}" + api(f"/conversations/{sender_id}/tracker"), timeout=10) as resp:
        return json.loads(resp.read())["events"]


def test_app_context_by_post_message_travels_as_metadata(page, rasa_server):
    open_chat(page, rasa_server, "?app_version=5.2.0&os=iOS%2017&device=iPhone%2015")
    page.evaluate("window.postMessage({type: 'webchat:context', app_version: '5.3.0'}, '*')")
    say(page, "你好")
    expect(answers(page).last).to_be_visible(timeout=30_000)
    user = [e for e in tracker_events(rasa_server, sender_of(page)) if e["event"] == "user"][-1]
    assert user["metadata"]["app_version"] == "5.3.0"
    assert user["metadata"]["device"] == "iPhone 15"


def test_late_bot_message_reaches_the_open_window(page, rasa_server):
    """Rasa's trigger_intent with output_channel=latest answers through the outbox."""
    open_chat(page, rasa_server)
    say(page, "你好")
    expect(answers(page).last).to_be_visible(timeout=30_000)
    count = page.locator("#log .msg.bot").count()
    request = urllib.request.Request(
        rasa_server + api(f"/conversations/{sender_of(page)}/trigger_intent?output_channel=latest"),
        data=json.dumps({"name": "greet"}).encode(), method="POST",
        headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=30).close()
    expect(page.locator("#log .msg.bot")).to_have_count(count + 1, timeout=10_000)
    expect(page.locator("#log .msg.bot").last).to_contain_text("您好")


def test_human_button_and_app_metadata(page, rasa_server):
    open_chat(page, rasa_server, "?app_version=5.2.0&os=Android%2014&device=Pixel%208")
    page.get_by_role("button", name="转人工").click()
    expect(messages(page, "user").last).to_have_text("转人工")
    expect(page.locator("#log .msg.bot").last).to_contain_text("一句话", timeout=30_000)
    say(page, "跳过")
    expect(page.locator("#log .msg.bot").last).to_contain_text("工单", timeout=30_000)
    user = [e for e in tracker_events(rasa_server, sender_of(page)) if e["event"] == "user"][-2]
    assert user["parse_data"]["intent"]["name"] == "request_human"
    expected = {"channel": "webchat", "user_id": None, "app_version": "5.2.0",
                "os": "Android 14", "device": "Pixel 8"}
    assert {key: user["metadata"].get(key) for key in expected} == expected  # Rasa adds model_id
    assert user["input_channel"] == "webchat"


def test_signed_uid_is_the_sender_and_a_forged_one_is_not(page, rasa_server):
    exp = int(time.time()) + 600
    sig = SIGNER.sign_user("u-1001", exp)
    open_chat(page, rasa_server, f"?uid=u-1001&exp={exp}&sig={sig}")
    assert sender_of(page) == "wc-user-u-1001"
    page.evaluate("localStorage.clear()")
    open_chat(page, rasa_server, f"?uid=u-1002&exp={exp}&sig={sig}")
    assert sender_of(page).startswith("wc-anon-")


def test_forged_token_is_refused_and_the_page_recovers(page, rasa_server):
    open_chat(page, rasa_server)
    victim = base64.urlsafe_b64encode(b"wc-user-u-1001").rstrip(b"=").decode()
    page.evaluate(f"localStorage.setItem('webchat.token', '{victim}.AAAA')")
    open_chat(page, rasa_server)
    assert sender_of(page).startswith("wc-anon-")


def test_server_down_shows_an_error_keeps_the_message_and_retry_sends_it(page, rasa_server,
                                                                        rasa_process):
    """Runs last in this file: it stops the session's Rasa server and starts it again."""
    open_chat(page, rasa_server)
    rasa_process.stop()
    try:
        say(page, "我的转账失败了")
        failed = page.locator("#log .msg.user.failed")
        expect(failed).to_have_count(1)
        expect(failed.locator(".body")).to_have_text("我的转账失败了")
        expect(page.get_by_role("alert")).to_contain_text("无法连接到客服服务器")
        page.get_by_label("输入您的问题").fill("还没发的草稿")
    finally:
        rasa_process.start()
    page.locator("#banner").get_by_role("button", name="重试").click()
    expect(page.locator("#log .msg.user.failed")).to_have_count(0, timeout=30_000)
    expect(messages(page, "user").last).to_have_text("我的转账失败了")
    expect(answers(page).last).to_be_visible(timeout=30_000)
    expect(page.get_by_role("alert")).to_be_hidden()
    expect(page.get_by_label("输入您的问题")).to_have_value("还没发的草稿")
