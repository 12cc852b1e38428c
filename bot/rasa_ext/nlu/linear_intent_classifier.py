"""Intent classification by one linear model over sparse n-grams and the sentence embedding.

Chosen on real customers' messages (../shared/nlu/real_dev.tsv, README "NLU"):
DIET trained from scratch on our ~5 000 written examples memorises our
phrasing; a logistic regression over TF-IDF-weighted word and character
n-grams plus the pretrained sentence embedding generalises to wordings we
never wrote. The n-grams carry exact product words and typos' shared
characters; the embedding carries meaning.

- Sparse sentence features of the featurizers named in ``featurizers`` (the
  word and character CountVectorsFeaturizers; all sparse ones when empty) are
  weighted as sublinear TF-IDF and L2-normalised one featurizer at a time, so
  long rambling reports do not outweigh short ones, words in every message
  count little, and words and characters weigh the same.
- Dense sentence features (the e5 embedding, unit length) are scaled by
  ``dense_weight`` (how much meaning counts against surface words).
- Multinomial logistic regression (scikit-learn, ``C``; ``max_iter`` 150:
  full convergence takes about 330 lbfgs steps and scores the same), probabilities as
  confidences for the FallbackClassifier after it.

The model is stored as plain arrays (no pickle): weights, biases, classes, IDFs.
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Text, Tuple, Type

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

WEIGHTS_FILE = "linear_intent_classifier.npz"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(IntentClassifier, GraphComponent):
    """Logistic regression over TF-IDF n-grams and the sentence embedding."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 10.0, "dense_weight": 2.0, "class_weight": None, "max_iter": 150, "ranking_length": 10,
                "featurizers": []}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 weights: Optional[Dict[str, np.ndarray]] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._weights = weights

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if config.get("class_weight") not in (None, "balanced"):
            raise InvalidConfigException(f"{cls.__name__}: class_weight is null or balanced")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as stored:
                    weights = {key: stored[key] for key in stored.files}
        except (ValueError, FileNotFoundError):
            weights = None  # trained without intent examples
        return cls(config, model_storage, resource, weights)

    # --- features -------------------------------------------------------------------

    def _blocks(self, messages: List[Message]) -> Tuple[List[sp.csr_matrix], np.ndarray]:
        """One sparse matrix per named featurizer (or one for all), and the dense matrix."""
        names = list(self._config["featurizers"]) or [None]
        blocks = []
        for name in names:
            rows = [message.get_sparse_features(TEXT, [name] if name else None)[1] for message in messages]
            width = next((r.features.shape[1] for r in rows if r is not None), 0)
            blocks.append(sp.vstack([sp.csr_matrix(r.features) if r is not None else sp.csr_matrix((1, width))
                                     for r in rows]).tocsr())
        dense = [message.get_dense_features(TEXT)[1] for message in messages]
        depth = next((d.features.shape[-1] for d in dense if d is not None), 0)
        matrix = np.stack([np.asarray(d.features).reshape(-1) if d is not None else np.zeros(depth)
                           for d in dense]) if depth else np.zeros((len(messages), 0))
        return blocks, matrix

    @staticmethod
    def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
        weighted = counts.astype(np.float64).tocsr(copy=True)
        weighted.data = 1.0 + np.log(np.maximum(weighted.data, 1e-12))
        weighted = weighted @ sp.diags(idf)
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).reshape(-1)
        return (sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ weighted).tocsr()

    def _design(self, blocks: List[sp.csr_matrix], dense: np.ndarray, idfs: List[np.ndarray]) -> sp.csr_matrix:
        weighted = [self._tfidf(block, idf) for block, idf in zip(blocks, idfs)]
        return sp.hstack([*weighted, sp.csr_matrix(dense * float(self._config["dense_weight"]))]).tocsr()

    # --- training and prediction ----------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            return self._resource
        blocks, dense = self._blocks(examples)
        idfs = [np.log((1.0 + b.shape[0]) / (1.0 + np.bincount(b.indices, minlength=b.shape[1]))) + 1.0
                for b in blocks]
        model = LogisticRegression(C=float(self._config["C"]), max_iter=int(self._config["max_iter"]),
                                   class_weight=self._config["class_weight"], random_state=0)
        with warnings.catch_warnings():
            # max_iter stops lbfgs early on purpose: 150 iterations score as 330 do, in half the time
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(self._design(blocks, dense, idfs), [e.get(INTENT) for e in examples])
        self._weights = {"coef": model.coef_, "intercept": model.intercept_,
                         "classes": np.array(model.classes_, dtype=str),
                         **{f"idf{i}": idf for i, idf in enumerate(idfs)}}
        with self._storage.write_to(self._resource) as directory:
            np.savez(directory / WEIGHTS_FILE, **self._weights)
        return self._resource

    def probabilities(self, messages: List[Message]) -> np.ndarray:
        """Each message's probability of each class (``classes`` order)."""
        assert self._weights is not None
        blocks, dense = self._blocks(messages)
        idfs = [self._weights[f"idf{i}"] for i in range(len(blocks))]
        scores = self._design(blocks, dense, idfs) @ self._weights["coef"].T + self._weights["intercept"]
        scores = np.asarray(scores)
        if scores.shape[1] == 1:  # two classes: scikit-learn keeps one column
            scores = np.hstack([-scores, scores])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        for message in messages:
            if not message.get(TEXT) or self._weights is None:
                # as DIET answers an empty message: no intent, so the fallback takes it
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        if self._weights is None or not with_text:
            return messages
        classes = [str(c) for c in self._weights["classes"]]
        for message, row in zip(with_text, self.probabilities(with_text)):
            order = np.argsort(-row)
            ranking = [{INTENT_NAME_KEY: classes[i], PREDICTED_CONFIDENCE_KEY: float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[: int(self._config["ranking_length"])], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
