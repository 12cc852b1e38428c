"""Normalise the values customers type: phone numbers and money amounts.

Pure functions, shared by the NLU entity reconciler and the form validators.
"""
from __future__ import annotations

import re
from typing import List, Optional

import cn2an
import phonenumbers

_AMOUNT_UNITS = re.compile(r"(块钱|块|塊錢|塊|元整|元|圆|人民币|rmb|RMB|CNY)$")
_CURRENCY_SIGNS = re.compile(r"^[¥￥]\s*")
_THOUSANDS_SEPARATOR = re.compile(r"(?<=\d),(?=\d{3})")
# "大概三千", "两百多", "3000左右": customers rarely know the exact amount; the
# round figure they give is what a ticket needs.
_APPROXIMATELY_BEFORE = re.compile(r"^(?:大概|大约|差不多|约莫|约|将近|快|估计|应该是|好像是|可能是|有)+")
_APPROXIMATELY_AFTER = re.compile(r"(?:左右|上下|的样子|来|多)+$")


def normalize_phone(text: str) -> Optional[str]:
    """Return the 11-digit mainland mobile number in ``text``, or None.

    Accepts spaces, dashes and a +86 / 0086 prefix. Landlines and numbers that
    are not valid mobile numbers are rejected.
    """
    candidate = re.sub(r"[\s\-()（）]", "", text)
    try:
        parsed = phonenumbers.parse(candidate, "CN")
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        return None
    if phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE:
        return None
    return str(parsed.national_number)


def parse_amount(text: str) -> Optional[float]:
    """Return the amount of money in ``text`` as a number of yuan, or None.

    Handles ``5000块``, ``¥200``, ``两千元``, ``1.5万``, ``3,000元``, and round
    figures (``大概三千``, ``两百多块``, ``3000左右``: the figure given). Chinese
    numerals go through cn2an rather than hand-written parsing.
    """
    cleaned = _THOUSANDS_SEPARATOR.sub("", text.strip())
    cleaned = _APPROXIMATELY_BEFORE.sub("", _CURRENCY_SIGNS.sub("", cleaned))
    cleaned = _APPROXIMATELY_AFTER.sub("", cleaned)
    cleaned = _AMOUNT_UNITS.sub("", cleaned).strip()
    cleaned = _APPROXIMATELY_AFTER.sub("", cleaned).strip()
    if not cleaned:
        return None
    try:
        value = float(cn2an.cn2an(cleaned, "smart"))
    except (ValueError, KeyError, TypeError):
        return None
    return value if value > 0 else None


# Within a longer answer ("每个月15块 从一月开始扣的"): a figure with its unit ...
_AMOUNT_WITH_UNIT = re.compile(
    r"[0-9][0-9,]*(?:\.[0-9]+)?\s*(?:多|来)?\s*(?:块钱|块|元|rmb|RMB)"
    r"|[零一二两三四五六七八九十百千万]+(?:多|来)?(?:块钱|块|元)")
# ... or one bare number that is not a time, a date, a count, part of a code or the
# end of a card or phone number (尾号1234).
_BARE_NUMBER = re.compile(
    r"(?<![0-9.A-Za-z号码])[0-9]{1,7}(?:\.[0-9]+)?(?![0-9.A-Za-z])(?!\s*(?:点|号|日|月|年|分|次|天|小时|秒|个|遍|:|：|%|/|-))")
_PARTS = re.compile(r"[\s,，。、;；!！?？]+")


def amount_within(text: str) -> Optional[float]:
    """The one amount of money in an answer that says more ("两百多 上个月",
    "amount是1500 yesterday晚上转的"); None when there is none or more than one."""
    whole = parse_amount(text)
    if whole:
        return whole
    for candidates in (
        [parse_amount(part) for part in _PARTS.split(text) if part],
        [parse_amount(match.group(0)) for match in _AMOUNT_WITH_UNIT.finditer(text)],
        [float(match.group(0)) for match in _BARE_NUMBER.finditer(text)],
    ):
        found = {value for value in candidates if value}
        if len(found) == 1:
            return found.pop()
        if found:
            return None  # two different figures: which one is meant is for the customer to say
    return None


def parse_rating(text: str) -> Optional[int]:
    """Return a 1-5 satisfaction score from ``5``, ``五``, ``5分``, ``五星``."""
    cleaned = re.sub(r"(分|星|颗星|顆星)$", "", text.strip())
    try:
        value = int(cn2an.cn2an(cleaned, "smart"))
    except (ValueError, KeyError, TypeError):
        return None
    return value if 1 <= value <= 5 else None
_ROUND_SUM = re.compile(r"[0-9零一二两三四五六七八九十百千.]+\s*多?\s*[万千]|[一二两三四五六七八九十]+百")


def sums_in(text: str) -> List[float]:
    """Every sum of money ``text`` names: with its unit ("25块钱"), in thousands or ten
    thousands ("两万", "3千多", "五百") or as a bare figure ("扣20"), in yuan."""
    found = [parse_amount(match.group(0)) for match in _AMOUNT_WITH_UNIT.finditer(text)]
    rest = _AMOUNT_WITH_UNIT.sub(" ", text)
    found += [parse_amount(match.group(0)) for match in _ROUND_SUM.finditer(rest)]
    rest = _ROUND_SUM.sub(" ", rest)
    found += [float(match.group(0)) for match in _BARE_NUMBER.finditer(rest)]
    return [value for value in found if value]
