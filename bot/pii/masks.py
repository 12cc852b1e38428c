"""How each kind of secret is shown after masking."""
from __future__ import annotations

import re
from typing import Callable, Dict, Optional

from bot.pii.recognizers import BANK_CARD, ID_CARD, PASSWORD, PHONE, SMS_CODE


def _keep_ends(text: str, head: int, tail: int) -> str:
    digits = re.sub(r"[\s\-]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits[:head] + "*" * (len(digits) - head - tail) + digits[-tail:]


MASKS: Dict[str, Callable[[str], str]] = {
    PHONE: lambda text: _keep_ends(text, 3, 4),  # 138****5678
    ID_CARD: lambda text: _keep_ends(text, 4, 4),  # 1101**********002X
    BANK_CARD: lambda text: _keep_ends(text, 4, 4),  # 6222***********0128
    SMS_CODE: lambda text: "******",
    PASSWORD: lambda text: "******",
}


_PHONE_MASKED_OR_NOT = re.compile(r"^(?:\+?86)?1\d{2}(?:\d{4}|\*{4})(\d{4})$")


def phone_last4(value: str) -> Optional[str]:
    """A phone's last four digits, from the number or its mask (138****5678)."""
    found = _PHONE_MASKED_OR_NOT.match(re.sub(r"[\s\-]", "", value))
    return found.group(1) if found else None


def short_id(sender_id: str, keep: int = 6) -> str:
    """A sender id (WeChat OpenID, web chat user id) shortened for logs: enough to
    tell conversations apart, not enough to find the person."""
    return f"{sender_id[:keep]}…" if sender_id else "?"
