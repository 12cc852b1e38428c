"""Turn a question into search terms: synonyms folded, words and character bigrams."""
from __future__ import annotations

import re
import unicodedata
from typing import Dict, Iterable, List, Sequence

from bot.text.segment import words
from bot.text.simplify import to_simplified

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_PUNCTUATION = re.compile(r"^[\W_]+$")


class Analyzer:
    """Callable used as the TF-IDF analyzer.

    Words keep the meaning of product terms; character bigrams make the search
    robust to typos and to words the dictionary does not know.
    """

    def __init__(self, synonyms: Iterable[Sequence[str]], stopwords: Iterable[str] = ()) -> None:
        mapping: Dict[str, str] = {}
        for group in synonyms:
            canonical = self.normalize(group[0])
            for variant in group[1:]:
                mapping[self.normalize(variant)] = canonical
        self._synonyms = mapping
        self._pattern = (
            re.compile("|".join(re.escape(v) for v in sorted(mapping, key=len, reverse=True)))
            if mapping
            else None
        )
        self._stopwords = frozenset(stopwords)

    @staticmethod
    def normalize(text: str) -> str:
        """Simplified characters (as the NLU sees them), full-width to half-width, lower case."""
        return unicodedata.normalize("NFKC", to_simplified(text)).lower()

    def fold_synonyms(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._synonyms[m.group(0)], text)

    def __call__(self, text: str) -> List[str]:
        folded = self.fold_synonyms(self.normalize(text))
        terms = [
            w for w in words(folded) if w not in self._stopwords and not _PUNCTUATION.match(w)
        ]
        for run in _CJK_RUN.findall(folded):
            terms.extend(f"#{run[i:i + 2]}" for i in range(len(run) - 1))
        return terms
