"""What the help window takes as a message: an emoji is one, invisible characters are not."""
import pytest

from bot.webchat.message_text import is_blank


@pytest.mark.parametrize("text", [
    pytest.param("👍", id="thumbs-up"),
    pytest.param("👍🏻", id="skin-tone"),
    pytest.param("❤️", id="heart-with-variation-selector"),
    pytest.param("👨‍👩‍👧", id="zwj-family"),
    pytest.param("🇨🇳", id="flag"),
    pytest.param("[强]", id="wechat-sticker-code"),
    pytest.param("？", id="full-width-question-mark"),
    pytest.param("\u200b好\u200b", id="word-between-zero-width-spaces"),
])
def test_visible_text_is_a_message(text):
    assert not is_blank(text)


@pytest.mark.parametrize("text", [
    pytest.param("", id="empty"),
    pytest.param(" \n\t", id="spaces"),
    pytest.param("\u3000", id="ideographic-space"),
    pytest.param("\u200b", id="zero-width-space"),
    pytest.param("\u200d\ufe0f", id="joiner-and-variation-selector"),
    pytest.param("\ufeff", id="byte-order-mark"),
    pytest.param("\u2060\u00ad", id="word-joiner-soft-hyphen"),
    pytest.param("\u3164", id="hangul-filler"),
    pytest.param("\u2800", id="blank-braille"),
])
def test_invisible_text_is_blank(text):
    assert is_blank(text)
