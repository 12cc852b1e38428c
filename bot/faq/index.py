"""Rank FAQ entries for a question with a TF-IDF + logistic-regression classifier.

Each entry is a class whose training examples are its question paraphrases
(and, with less weight, its answer). Compared with nearest-neighbour cosine
similarity this generalises better to wordings no paraphrase has, and its
probabilities make a usable "is anything relevant?" threshold.

The topics the knowledge base does not cover (``not_covered.yml``) are classes
too: a question about a credit-line increase then finds its own topic instead of
the transfer-limit entry that shares the word 额度, and the lookup keeps quiet.

With ``embeddings`` (bot.semantics) the classifier reads each text's sentence
embedding beside its words: a story ("给我妈转的钱她说没到") shares few words
with the entry's questions but lands close to them in meaning. One model over
both is the fusion, learned; its probability is the score the thresholds of
search.yml apply to, so the no-answer decision is made on the fused score.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, List, Optional

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.faq.analyzer import Analyzer
from bot.faq.knowledge_base import FaqEntry, KnowledgeBase, NotCoveredTopic
from bot.semantics.embeddings import Embeddings

# The answer's wording helps, but less than the questions customers ask.
ANSWER_WEIGHT = 0.5
# Weak regularisation: few examples per class, and we want sharp rankings.
REGULARISATION_C = 100.0


@dataclass(frozen=True)
class Match:
    entry: FaqEntry
    score: float


@dataclass(frozen=True)
class TopicMatch:
    topic: NotCoveredTopic
    score: float


@dataclass(frozen=True)
class Ranking:
    """Entries best first, and the closest topic the knowledge base does not cover."""

    matches: List[Match]
    not_covered: Optional[TopicMatch] = None

    def without(self, ids: Collection[str]) -> "Ranking":
        """The ranking had the entries ``ids`` not been candidates: the others' scores
        conditioned on it not being one of them (their share of what is left)."""
        removed = sum(m.score for m in self.matches if m.entry.id in ids)
        if not removed:
            return self
        left = max(1.0 - removed, 1e-6)
        topic = self.not_covered
        return Ranking([Match(m.entry, min(m.score / left, 1.0)) for m in self.matches if m.entry.id not in ids],
                       None if topic is None else TopicMatch(topic.topic, min(topic.score / left, 1.0)))


class FaqIndex:
    """Built once per knowledge base; ``search`` is read-only and thread-safe."""

    def __init__(self, kb: KnowledgeBase, embeddings: Optional[Embeddings] = None) -> None:
        self.kb = kb
        self._embeddings = embeddings
        self._meaning_weight = kb.settings.meaning_weight
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
        for offset, topic in enumerate(kb.not_covered):
            texts.extend(topic.questions)
            labels.extend([len(kb.entries) + offset] * len(topic.questions))
            weights.extend([1.0] * len(topic.questions))
        analyzer = Analyzer(kb.synonyms, kb.settings.stopwords)
        self._vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
        features = self._vectorizer.fit_transform(texts)
        if embeddings is not None:
            features = self._with_meaning(features, embeddings.ours(texts))
        self._model = LogisticRegression(C=REGULARISATION_C, max_iter=3000)
        self._model.fit(features, labels, sample_weight=weights)

    @property
    def reads_meaning(self) -> bool:
        return self._embeddings is not None

    def _with_meaning(self, words: Any, vectors: np.ndarray) -> Any:
        return hstack([words, csr_matrix(vectors * self._meaning_weight)]).tocsr()

    def rank(self, query: str, boost_area: Optional[str] = None, boost: float = 0.0,
             vector: Optional[np.ndarray] = None) -> Ranking:
        """All entries by probability (boosted for ``boost_area``), best first, and the
        most probable not-covered topic (never boosted). ``vector``: the query's sentence
        embedding when the NLU carried it; embedded here otherwise."""
        words = self._vectorizer.transform([query])
        if words.nnz == 0:
            return Ranking([])
        if self._embeddings is not None:
            meaning = vector if vector is not None else self._embeddings.message(query)
            words = self._with_meaning(words, meaning[None, :])
        probabilities = self._model.predict_proba(words)[0]
        matches = []
        topic: Optional[TopicMatch] = None
        for position, probability in zip(self._model.classes_, probabilities):
            score = float(probability)
            if position >= len(self.kb.entries):
                if topic is None or score > topic.score:
                    topic = TopicMatch(self.kb.not_covered[position - len(self.kb.entries)], score)
                continue
            entry = self.kb.entries[position]
            if boost_area is not None and entry.area == boost_area:
                score *= 1.0 + boost
            matches.append(Match(entry, score))
        return Ranking(sorted(matches, key=lambda m: m.score, reverse=True), topic)

    def search(self, query: str, boost_area: Optional[str] = None, boost: float = 0.0,
               vector: Optional[np.ndarray] = None) -> List[Match]:
        """All entries ranked by probability (boosted for ``boost_area``), best first."""
        return self.rank(query, boost_area, boost, vector).matches
