"""What the help window accepts as a customer's message: the server's rules, which
chat.js repeats for the page (``isBlank``, ``charCount``, the limit from the session).

- A message is **blank** when nothing in it can be seen: white space (the ideographic
  space too), control and format characters (zero-width space and joiner, the
  byte-order mark, soft hyphens), variation selectors, and the fillers people use
  as invisible text (Hangul fillers, the blank Braille pattern). An emoji is not
  blank: "👍", "❤️" (heart + variation selector) and "👍🏻" are sent as typed.
- Its **length** is counted in characters (code points) after the white space at
  both ends is removed, as the page's counter counts it; an emoji is one, or a
  few when it is a sequence ("👍🏻" is two).
"""
from __future__ import annotations

import unicodedata

MAX_MESSAGE_CHARS = 2000

_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(char: str) -> bool:
    code = ord(char)
    return (char.isspace() or unicodedata.category(char) in _INVISIBLE_CATEGORIES or char in _FILLERS
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)


def is_blank(text: str) -> bool:
    """Nothing a person could see: empty, spaces, or only invisible characters."""
    return all(_invisible(char) for char in text)
