"""bot/wechat/render.py and memory.py: joining, buttons, byte splitting, choices."""
import pytest

from bot.wechat.memory import Choices, Pending
from bot.wechat.render import Answer, Button, cdata_safe, collect, msgmenu, numbered, split_bytes

GREET_BUTTONS = [
    {"title": "账户被锁/冻结", "payload": "/account_locked"},
    {"title": "转账失败", "payload": "/transfer_failed"},
    {"title": "收不到验证码", "payload": "/sms_code_delay"},
]


def test_texts_are_joined_and_the_last_buttons_kept():
    answer = collect([{"text": "第一句"}, {"text": "  "}, {"text": "第二句", "buttons": GREET_BUTTONS}])
    assert answer.text == "第一句\n\n第二句"
    assert [b.payload for b in answer.buttons] == ["/account_locked", "/transfer_failed", "/sms_code_delay"]


def test_image_urls_are_kept_as_text():
    assert collect([{"text": "看图", "image": "https://example.invalid/a.png"}]).text == \
        "看图\n\nhttps://example.invalid/a.png"


def test_buttons_become_a_numbered_list():
    answer = collect([{"text": "请选择：", "buttons": GREET_BUTTONS}])
    assert numbered(answer, "回复数字选择：") == \
        "请选择：\n\n回复数字选择：\n1. 账户被锁/冻结\n2. 转账失败\n3. 收不到验证码"


def test_text_without_buttons_is_unchanged():
    assert numbered(Answer("好的"), "回复数字选择：") == "好的"


def test_msgmenu_ids_are_positions():
    menu = msgmenu([Button("满意", "/rate{\"rating\":5}"), Button("不满意", "/deny")], head="请评价")
    assert menu == {"head_content": "请评价", "tail_content": "",
                    "list": [{"id": "1", "content": "满意"}, {"id": "2", "content": "不满意"}]}


@pytest.mark.parametrize(
    "text, limit",
    [
        pytest.param("验证码" * 1000, 2048, id="chinese-3-bytes"),
        pytest.param("a" * 5000, 2048, id="ascii"),
        pytest.param("😀" * 700, 2048, id="emoji-4-bytes"),
        pytest.param("中a😀" * 400, 50, id="mixed-small-limit"),
        pytest.param("第一段。\n" * 600, 2048, id="lines"),
    ],
)
def test_split_by_bytes_keeps_every_character(text, limit):
    pieces = split_bytes(text, limit)
    assert len(pieces) > 1
    assert all(0 < len(p.encode("utf-8")) <= limit for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "").strip()


def test_split_prefers_line_breaks():
    text = ("甲" * 300 + "\n") + ("乙" * 300 + "\n") + "丙" * 300
    assert split_bytes(text, 2048) == ["甲" * 300 + "\n" + "乙" * 300, "丙" * 300]


def test_short_text_is_one_piece_and_empty_text_none():
    assert split_bytes("你好", 2048) == ["你好"]
    assert split_bytes("   ", 2048) == []


def test_cdata_terminator_is_escaped():
    assert "]]>" not in cdata_safe("a]]>b").replace("]]]]><![CDATA[>", "")


@pytest.mark.parametrize(
    "typed, payload",
    [
        pytest.param("2", "/transfer_failed", id="number"),
        pytest.param(" 3。", "/sms_code_delay", id="number-with-punctuation"),
        pytest.param("转账失败", "/transfer_failed", id="title"),
        pytest.param("4", None, id="out-of-range"),
        pytest.param("0", None, id="zero"),
        pytest.param("我的转账失败了", None, id="free-text"),
    ],
)
async def test_choices_map_a_number_or_title_to_the_payload(typed, payload):
    choices = Choices()
    await choices.remember("o-user", collect([{"text": "选", "buttons": GREET_BUTTONS}]).buttons)
    assert await choices.resolve("o-user", typed) == payload
    assert await choices.resolve("o-other", typed) is None


async def test_choices_and_pending_expire():
    now = [0.0]
    choices, pending = Choices(ttl=10, clock=lambda: now[0]), Pending(ttl=10, clock=lambda: now[0])
    await choices.remember("o", [Button("A", "/a")])
    await pending.add("o", ["later"])
    now[0] = 11
    assert await choices.resolve("o", "1") is None
    assert await pending.take_all("o") == []


async def test_pending_pieces_are_taken_once_in_order():
    pending = Pending()
    await pending.add("o", ["one"])
    await pending.add("o", ["two", "three"])
    assert await pending.take_all("o") == ["one", "two", "three"]
    assert await pending.take_all("o") == []
