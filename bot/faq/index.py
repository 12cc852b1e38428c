"""TF-IDF index over the FAQ questions; scores entries by cosine similarity."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from bot.faq.analyzer import Analyzer
from bot.faq.knowledge_base import FaqEntry, KnowledgeBase

# An answer's wording helps find it, but less than the questions customers ask.
ANSWER_WEIGHT = 0.5


@dataclass(frozen=True)
class Match:
    entry: FaqEntry
    score: float


class FaqIndex:
    """Built once per knowledge base; ``search`` is read-only and thread-safe."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._analyzer = Analyzer(kb.synonyms, kb.settings.stopwords)
        documents: List[str] = []
        self._owners: List[int] = []
        self._weights: List[float] = []
        for position, entry in enumerate(kb.entries):
            for question in entry.questions:
                documents.append(question)
                self._owners.append(position)
                self._weights.append(1.0)
            documents.append(entry.answer)
            self._owners.append(position)
            self._weights.append(ANSWER_WEIGHT)
        self._vectorizer = TfidfVectorizer(analyzer=self._analyzer, sublinear_tf=True)
        self._matrix = self._vectorizer.fit_transform(documents)

    def search(self, query: str, boost_area: Optional[str] = None, boost: float = 0.0) -> List[Match]:
        """Entries ranked by their best-matching question, best first."""
        vector = self._vectorizer.transform([query])
        if vector.nnz == 0:
            return []
        similarities = linear_kernel(vector, self._matrix)[0]
        best: Dict[int, float] = {}
        for doc, similarity in enumerate(similarities):
            if similarity <= 0:
                continue
            owner = self._owners[doc]
            score = float(similarity) * self._weights[doc]
            if score > best.get(owner, 0.0):
                best[owner] = score
        matches = []
        for position, score in best.items():
            entry = self.kb.entries[position]
            if boost_area is not None and entry.area == boost_area:
                score = min(1.0, score * (1.0 + boost))
            matches.append(Match(entry, score))
        return sorted(matches, key=lambda m: m.score, reverse=True)
