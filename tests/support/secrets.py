"""Secrets the privacy tests send through the real servers, and the scan for them."""
from __future__ import annotations

from typing import List

PASSWORD = "Xy7pQ2rk9"
CODE = "583920"
PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
CARD = "6222021234567890128"
CARD_MISTYPED = "6222021234567890127"  # one digit wrong: fails the Luhn check, still someone's card
SECRETS = [PASSWORD, CODE, PHONE, ID_NUMBER, CARD, CARD_MISTYPED]
MESSAGES = [f"我的登录密码是{PASSWORD} 还是登不上", f"验证码是 {CODE} 你帮我登一下",
            f"身份证{ID_NUMBER} 卡号{CARD} 转账失败了", f"不对 卡号是{CARD_MISTYPED}", f"转人工 我的手机{PHONE}"]


def found_in(data: bytes) -> List[str]:
    """The secrets whose digits (or characters) appear in ``data``, as text or UTF-16."""
    return [secret for secret in SECRETS
            if secret.encode() in data or secret.encode("utf-16-le") in data]
