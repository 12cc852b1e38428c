"""Recognizers: each finds one kind of secret and validates what it finds.

Digit-shaped secrets (phones, ID cards, bank cards) are found by their shape on
the raw text and always masked: customers mistype, and a card number with one
wrong digit is still someone's card. A checksum (python-stdnum's ID-card check
digit, Luhn) only decides which of two shapes an 18-digit number is labelled. Secrets recognised by the words
around them (SMS codes, passwords) use spaCy Matcher patterns over the jieba
tokens of a blank Chinese pipeline.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, List, Pattern

from stdnum import luhn
from stdnum.cn import ric

if TYPE_CHECKING:  # spaCy is imported by the redactor, through bot.pii.spacy_loader
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

PHONE = "phone_number"
ID_CARD = "id_card"
BANK_CARD = "bank_card"
SMS_CODE = "sms_code"
PASSWORD = "password"

CODE_WORDS = ["验证码", "驗證碼", "动态码", "動態碼", "校验码", "短信码", "验证号", "code", "otp", "驗證", "验证"]
# A token ending in one of these: 密码, 登录密码, 支付密码, password ...
PASSWORD_WORD_ENDINGS = r"(密码|密碼|口令|password|passwd|pwd)$"
FILLERS = ["是", "为", "為", ":", "：", "=", "就是", "号", "號", "码", "碼", "了"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


class PatternRecognizer:
    """A regex on the raw text plus a ``validate`` step on each match."""

    kind: str
    pattern: Pattern[str]

    def validate(self, digits: str) -> bool:
        return True

    def find(self, text: str, doc: "Doc") -> List[Span]:
        spans = []
        for match in self.pattern.finditer(text):
            digits = re.sub(r"[\s\-]", "", match.group(0))
            if self.validate(digits):
                spans.append(Span(match.start(), match.end(), self.kind))
        return spans


class PhoneRecognizer(PatternRecognizer):
    """A mainland mobile number's shape (1[3-9] and nine digits), assigned prefix or not."""

    kind = PHONE
    pattern = re.compile(r"(?<![\d])(?:(?:\+|00)?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?![\d])")


_BIRTH_DATE = re.compile(r"^\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")


class IdCardRecognizer(PatternRecognizer):
    """18 characters read as an ID number: a valid one, one ending in X, or one with a
    birth date where an ID has it and no valid card checksum (else it is a card's)."""

    kind = ID_CARD
    pattern = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")

    def validate(self, digits: str) -> bool:
        digits = digits.upper()
        return (ric.is_valid(digits) or digits.endswith("X")
                or (bool(_BIRTH_DATE.match(digits)) and not luhn.is_valid(digits)))


class BankCardRecognizer(PatternRecognizer):
    """16 to 19 digits, grouped or not, whatever their Luhn checksum."""

    kind = BANK_CARD
    pattern = re.compile(r"(?<![\d])\d{4}(?:[\s-]?\d{3,4}){3,4}(?![\d])")

    def validate(self, digits: str) -> bool:
        return 16 <= len(digits) <= 19


class PasswordShapeRecognizer(PatternRecognizer):
    """A password typed with no password word beside it ("登录的 我记得就是 Lzy19780315"):
    8 to 20 letters and digits (symbols allowed) with a small letter, two letters and four
    digits. Device models (mate40, iPhone15) have fewer digits; order, ticket and
    transaction numbers have no small letter."""

    kind = PASSWORD
    pattern = re.compile(r"(?<![!-~])(?=[!-~]*[a-z])(?=(?:[!-~]*[A-Za-z]){2})(?=(?:[!-~]*\d){4})"
                         r"[A-Za-z0-9!#$%^&*_.?]{8,20}(?![!-~])")


class ContextRecognizer:
    """A token-pattern match whose secret is the matched token labelled ``secret``."""

    kind: str

    def __init__(self, matcher: "Matcher", label: str) -> None:
        self._matcher = matcher
        self._label = label

    def find(self, text: str, doc: "Doc") -> List[Span]:
        spans = []
        for match_id, start, end in self._matcher(doc):
            if doc.vocab.strings[match_id] != self._label:
                continue
            secret = self.secret_token(doc[start:end])
            spans.append(Span(secret.idx, secret.idx + len(secret.text), self.kind))
        return spans

    def secret_token(self, matched):  # pragma: no cover - overridden
        raise NotImplementedError


def _lower_in(words: Iterable[str]) -> dict:
    return {"LOWER": {"IN": [w.lower() for w in words]}}


_OPTIONAL_FILLER = {"TEXT": {"IN": FILLERS}, "OP": "?"}
_OPTIONAL_SPACE = {"IS_SPACE": True, "OP": "?"}


class SmsCodeRecognizer(ContextRecognizer):
    """4-8 digits right after (or just before) a code word: 验证码是 123456."""

    kind = SMS_CODE
    _CODE = {"TEXT": {"REGEX": r"^\d{4,8}$"}}

    def __init__(self, vocab: Any) -> None:
        from spacy.matcher import Matcher

        matcher = Matcher(vocab)
        anchor = _lower_in(CODE_WORDS)
        matcher.add("SMS_CODE", [
            [anchor, _OPTIONAL_SPACE, _OPTIONAL_FILLER, _OPTIONAL_SPACE, self._CODE],
            [anchor, _OPTIONAL_FILLER, _OPTIONAL_FILLER, _OPTIONAL_SPACE, self._CODE],
            [self._CODE, _OPTIONAL_SPACE, _OPTIONAL_FILLER, anchor],
        ])
        super().__init__(matcher, "SMS_CODE")

    # "我把码发给你你看看对不对 385621": 码 (验证码, 短信码…) or code, words that hand it
    # over, then the code.
    _HANDED_OVER = re.compile(r"(?:码|碼|code|otp)[^\d]{0,12}?"
                              r"(?:发给你|發給你|发你|(?<!转)给你|(?<!轉)給你|告诉你|念给你|你看看|对不对|對不對)"
                              r"[^\d]{0,10}?(?<!\d)(\d{4,8})(?!\d)(?!\s*(?:元|块|塊|万|千|百|rmb|¥))",
                              re.IGNORECASE)

    def find(self, text: str, doc: "Doc") -> List[Span]:
        spans = super().find(text, doc)
        seen = {(s.start, s.end) for s in spans}
        for match in self._HANDED_OVER.finditer(text):
            if (match.start(1), match.end(1)) not in seen:
                spans.append(Span(match.start(1), match.end(1), self.kind))
        return spans

    def secret_token(self, matched):
        return next(t for t in matched if re.fullmatch(r"\d{4,8}", t.text))


# A code sent back with no 码 beside it ("收到了 是这个吗 482913"):
# 4-8 digits standing alone. Not a service number (10086, 95588, 96110, 400…), nor an
# amount, a date, a count, nor a number the words before name (尾号8888, 单号).
_BARE_CODE = re.compile(r"(?<![0-9A-Za-z*.])(?!10|95|96|400)\d{4,8}(?![0-9A-Za-z*.])"
                        r"(?!\s*(?:元|块|塊|万|萬|千|百|rmb|年|月|日|号|號|点|點|分|秒|次|个|個|条|條|笔|筆|天|小时|多))",
                        re.IGNORECASE)
_NAMED_OTHERWISE = re.compile(r"(?:尾号|尾號|手机|手機|电话|電話|号码|號碼|卡号|卡號|单号|單號|订单|訂單|金额|金額|"
                              r"交易号|工单|工單|¥|￥|\$|转了|轉了|付了|扣了|充了|提现|提現)\s*[是为為:：]?\s*$")
def bare_codes(text: str) -> List[Span]:
    """Every number in ``text`` that reads as a code sent back alone (see _BARE_CODE)."""
    return [Span(m.start(), m.end(), SMS_CODE) for m in _BARE_CODE.finditer(text)
            if not _NAMED_OTHERWISE.search(text[max(0, m.start() - 6):m.start()])]


class PasswordRecognizer(ContextRecognizer):
    """What follows 密码/password, up to the next blank or CJK character; or, a few
    Chinese characters further on ("密码也给你 abc12345", "密码改成了Qw3rty99", "密码是
    奶奶生日 19520318"), a run of six or more printable ASCII characters with a digit in it."""

    kind = PASSWORD
    _SECRET_AFTER = re.compile(r"\s*(?:是|为|為|:|：|=)?\s*([!-~]{3,40})")
    _SECRET_A_FEW_WORDS_ON = re.compile(r"\s*(?:是|为|為|:|：|=)?\s*[^\x00-\x7f\s]{1,8}\s*(?:是|为|為|:|：|=)?\s*"
                                        r"((?=[!-~]*\d)[!-~]{6,40})")

    def __init__(self, vocab: Any) -> None:
        from spacy.matcher import Matcher

        matcher = Matcher(vocab)
        matcher.add("PASSWORD_ANCHOR", [[{"LOWER": {"REGEX": PASSWORD_WORD_ENDINGS}}]])
        super().__init__(matcher, "PASSWORD_ANCHOR")

    def find(self, text: str, doc: "Doc") -> List[Span]:
        spans = []
        for _match_id, start, end in self._matcher(doc):
            anchor_end = doc[start:end].end_char
            secret = self._SECRET_AFTER.match(text, anchor_end) or self._SECRET_A_FEW_WORDS_ON.match(text, anchor_end)
            if secret:
                spans.append(Span(secret.start(1), secret.end(1), self.kind))
        return spans
