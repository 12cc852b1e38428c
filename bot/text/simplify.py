"""Traditional to simplified Chinese (OpenCC), keeping every character's position.

Customers type 帳號被鎖了 as well as 账号被锁了. Mapping both to one form lets
a single training example cover both. Offsets must not move (entity spans and
token positions refer to the original text), so a conversion that changes the
length falls back to converting character by character.
"""
from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, with exactly the same length."""
    if not text or text.isascii():
        return text
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(
        c if len(c) == 1 else ch
        for ch, c in ((ch, _converter().convert(ch)) for ch in text)
    )
