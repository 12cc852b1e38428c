"""Traditional to simplified Chinese (OpenCC), keeping every character's position;
WeChat's sticker codes blanked.

Customers type 帳號被鎖了 as well as 账号被锁了. Mapping both to one form lets
a single training example cover both. Offsets must not move (entity spans and
token positions refer to the original text), so a conversion that changes the
length falls back to converting character by character.

WeChat sends its stickers as codes in brackets (``[捂脸]``, ``[流泪]``, ``[OK]``), and
customers paste them into the web chat too: they say how the customer feels, not
what happened, and read as words they would pull a message towards an unrelated
meaning. They become blanks of the same length.
"""
from __future__ import annotations

import re
from functools import lru_cache

import opencc

STICKER_CODE = re.compile(r"\[[\u4e00-\u9fffA-Za-z0-9]{1,4}\]")


def blank_stickers(text: str) -> str:
    """``text`` with every sticker code replaced by as many blanks; a message that is
    nothing but stickers stays as it is (it is all the customer said)."""
    if "[" not in text:
        return text
    blanked = STICKER_CODE.sub(lambda found: " " * len(found.group()), text)
    return blanked if blanked.strip() else text


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, sticker codes blanked, with exactly the same length."""
    text = blank_stickers(text)
    if not text or text.isascii():
        return text
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(
        c if len(c) == 1 else ch
        for ch, c in ((ch, _converter().convert(ch)) for ch in text)
    )
