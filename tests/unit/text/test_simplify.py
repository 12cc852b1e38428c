import pytest

from bot.text.simplify import blank_stickers, to_simplified


@pytest.mark.parametrize("text, read", [
    pytest.param("帳戶被鎖了", "帐户被锁了", id="traditional"),
    pytest.param("[捂脸]转多了一个0", "    转多了一个0", id="sticker-first"),
    pytest.param("钱没到[流泪][流泪]", "钱没到        ", id="stickers-last"),
    pytest.param("好的[OK]", "好的    ", id="latin-sticker"),
    pytest.param("[捂脸]", "[捂脸]", id="only-a-sticker-stays"),
    pytest.param("卡号[重要的东西不说]", "卡号[重要的东西不说]", id="long-bracket-is-no-sticker"),
])
def test_text_is_read_simplified_without_stickers_at_the_same_length(text, read):
    assert to_simplified(text) == read
    assert len(to_simplified(text)) == len(text)


def test_text_without_brackets_is_returned_as_it_is():
    text = "转账失败"
    assert blank_stickers(text) is text
