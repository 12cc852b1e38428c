"""Run every recognizer over a text and replace what they find with masks."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, FrozenSet, List, Optional, Protocol, Sequence, Tuple

from bot.pii.masks import MASKS
from bot.pii.recognizers import (
    BankCardRecognizer,
    IdCardRecognizer,
    PasswordRecognizer,
    PasswordShapeRecognizer,
    PhoneRecognizer,
    SmsCodeRecognizer,
    Span,
    bare_codes,
)
from bot.pii.spacy_loader import import_spacy
from bot.text.segment import load_dictionary


class Recognizer(Protocol):
    def find(self, text: str, doc: Any) -> List[Span]: ...


# Longer, stricter secrets first: an ID card contains no phone, a bank card
# number is not an SMS code.
PRIORITY = {"id_card": 0, "bank_card": 1, "phone_number": 2, "password": 3, "sms_code": 4}


@dataclass(frozen=True)
class Redaction:
    text: str
    spans: Tuple[Span, ...]

    @property
    def kinds(self) -> Tuple[str, ...]:
        return tuple(span.kind for span in self.spans)


def _without_overlaps(spans: Sequence[Span]) -> List[Span]:
    kept: List[Span] = []
    for span in sorted(spans, key=lambda s: (PRIORITY.get(s.kind, 9), s.start - s.end)):
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def _part_of_a_mask(text: str, span: Span) -> bool:
    """Digits beside a ``*`` are what an earlier masking kept (6222****0128): masking
    again must change nothing."""
    return (span.start > 0 and text[span.start - 1] == "*") or (span.end < len(text) and text[span.end] == "*")


class Redactor:
    """Masks secrets in text. Build once and share: the spaCy pipeline is costly."""

    def __init__(self, dictionary_dir: Path) -> None:
        load_dictionary(dictionary_dir)  # code and password words segment as single tokens
        self._nlp = import_spacy().blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        self._recognizers: List[Recognizer] = [
            PhoneRecognizer(),
            IdCardRecognizer(),
            BankCardRecognizer(),
            SmsCodeRecognizer(self._nlp.vocab),
            PasswordRecognizer(self._nlp.vocab),
            PasswordShapeRecognizer(),
        ]
        self._lock = threading.Lock()  # the spaCy tokenizer is not thread-safe

    def find(self, text: str, code_expected: bool = False) -> List[Span]:
        """``code_expected``: the code problem is in hand (bot.pii.code_watch), so a
        number standing alone is a code too."""
        if not text:
            return []
        with self._lock:
            doc = self._nlp(text)
        found = [span for r in self._recognizers for span in r.find(text, doc)]
        if code_expected:
            found += bare_codes(text)
        return _without_overlaps([span for span in found if not _part_of_a_mask(text, span)])

    def redact(self, text: Optional[str], kinds: Optional[FrozenSet[str]] = None,
               code_expected: bool = False) -> Redaction:
        """``text`` with every secret masked, or only those of ``kinds``."""
        if not text:
            return Redaction(text or "", ())
        spans = [s for s in self.find(text, code_expected) if kinds is None or s.kind in kinds]
        pieces, position = [], 0
        for span in spans:
            pieces.append(text[position:span.start])
            pieces.append(MASKS[span.kind](text[span.start:span.end]))
            position = span.end
        pieces.append(text[position:])
        return Redaction("".join(pieces), tuple(spans))


@lru_cache(maxsize=1)
def default_redactor() -> Redactor:
    """The process's redactor, with the NLU's dictionary (`Settings.dictionary_dir`).

    Shared by everything that masks text: actions, log filters, API error logs."""
    from bot.settings import process_settings

    return Redactor(process_settings().dictionary_dir)


def redact(text: Optional[str]) -> str:
    """Masked ``text`` using the shared redactor."""
    return default_redactor().redact(text).text
