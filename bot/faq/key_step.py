"""The one step of an answer a customer who did not follow it is told again."""
from __future__ import annotations

import re

_NUMBERED = re.compile(r"^\s*\d+[.、．]\s*")
_PATH_MARK = "「"


def key_step(answer: str) -> str:
    """The answer's first line that names a place in the app (「我的 > 账单」), without
    its number; else its first line. "1. 星花：进入「我的 > 星花」点「立即开通」…"
    gives "星花：进入「我的 > 星花」点「立即开通」…"."""
    lines = [line.strip() for line in answer.splitlines() if line.strip()]
    if not lines:
        return ""
    chosen = next((line for line in lines if _PATH_MARK in line), lines[0])
    return _NUMBERED.sub("", chosen)
