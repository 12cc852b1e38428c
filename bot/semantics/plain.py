"""The text the encoder reads: simplified characters, products as plain words.

The NLU reads the company's product names (and the training data's
placeholders ``{savings}`` ...) as one token per kind (bot.text.catalogue).
The encoder is pretrained on ordinary Chinese and knows neither the company's
names nor ``__savings__``: each mention becomes an ordinary word for its kind,
the same word in training and at run time, so a model trained on placeholders
reads any company's catalogue the same way.
"""
from __future__ import annotations

from typing import Dict, Iterable, Optional, Tuple

from bot.text.catalogue import Catalogue
from bot.text.simplify import to_simplified

# What a customer would call each kind of product without its brand.
KIND_WORDS: Dict[str, str] = {
    "app": "钱包",
    "savings": "余额理财",
    "pay_later": "信用付",
    "loan": "借款",
    "membership": "会员",
}

Span = Tuple[int, int, str]  # start, end, kind


def plain_text(text: str, mentions: Iterable[Span] = ()) -> str:
    """``text`` with each (start, end, kind) span replaced by the kind's plain word.

    Spans must not overlap (Catalogue.mentions and the tokenizer's product tokens
    never do); blanks at both ends are dropped.
    """
    pieces, position = [], 0
    for start, end, kind in sorted(mentions):
        if start < position:
            continue
        pieces += [text[position:start], KIND_WORDS.get(kind, kind)]
        position = end
    return to_simplified("".join(pieces) + text[position:]).strip()


def read_as_nlu(text: str, catalogue: Optional[Catalogue]) -> str:
    """What the encoder reads of ``text``, as the NLU's featurizer gives it: the catalogue's
    product names as plain words. Every vector compared with a message's carried one
    (the FAQ's questions, the urgency examples) must be read this way."""
    mentions = [(m.start, m.end, m.kind) for m in catalogue.mentions(text)] if catalogue is not None else []
    return plain_text(text, mentions)
