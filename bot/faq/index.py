"""Rank FAQ entries for a question with a TF-IDF + logistic-regression classifier.

Each entry is a class whose training examples are its question paraphrases
(and, with less weight, its answer). Compared with nearest-neighbour cosine
similarity this generalises better to wordings no paraphrase has, and its
probabilities make a usable "is anything relevant?" threshold.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.faq.analyzer import Analyzer
from bot.faq.knowledge_base import FaqEntry, KnowledgeBase

# The answer's wording helps, but less than the questions customers ask.
ANSWER_WEIGHT = 0.5
# Weak regularisation: few examples per class, and we want sharp rankings.
REGULARISATION_C = 100.0


@dataclass(frozen=True)
class Match:
    entry: FaqEntry
    score: float


class FaqIndex:
    """Built once per knowledge base; ``search`` is read-only and thread-safe."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        texts: List[str] = []
        labels: List[int] = []
        weights: List[float] = []
        for position, entry in enumerate(kb.entries):
            for question in entry.questions:
                texts.append(question)
                labels.append(position)
                weights.append(1.0)
            texts.append(entry.answer)
            labels.append(position)
            weights.append(ANSWER_WEIGHT)
        analyzer = Analyzer(kb.synonyms, kb.settings.stopwords)
        self._vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
        features = self._vectorizer.fit_transform(texts)
        self._model = LogisticRegression(C=REGULARISATION_C, max_iter=3000)
        self._model.fit(features, labels, sample_weight=weights)

    def search(self, query: str, boost_area: Optional[str] = None, boost: float = 0.0) -> List[Match]:
        """All entries ranked by probability (boosted for ``boost_area``), best first."""
        vector = self._vectorizer.transform([query])
        if vector.nnz == 0:
            return []
        probabilities = self._model.predict_proba(vector)[0]
        matches = []
        for position, probability in zip(self._model.classes_, probabilities):
            entry = self.kb.entries[position]
            score = float(probability)
            if boost_area is not None and entry.area == boost_area:
                score *= 1.0 + boost
            matches.append(Match(entry, score))
        return sorted(matches, key=lambda m: m.score, reverse=True)
