"""Character n-grams of the whole message, across word boundaries.

Rasa's CountVectorsFeaturizer counts character n-grams inside each token; in
Chinese the tokens are jieba's words, so a typo or an unusual word splits the
message into other tokens and the n-grams that cross them are lost. Real
customers' messages are full of both. Here the n-grams run over the message as
the encoder reads it (bot.semantics.plain: products as plain words, simplified
characters, lower case, blanks squeezed), so "借款没到账" and "借款 还没 到账"
share most of their features whatever jieba makes of them.

One sentence feature per message: counts of the n-grams seen in at least
``min_df`` training messages (vocabulary stored in the model as JSON).
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Text, Type

import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext.nlu.sentence_featurizer import encoder_text

VOCABULARY_FILE = "char_ngrams.json"
_BLANKS = re.compile(r"\s+")


def ngrams(text: str, low: int, high: int) -> List[str]:
    squeezed = _BLANKS.sub(" ", text.lower()).strip()
    return [squeezed[i:i + n] for n in range(low, high + 1) for i in range(len(squeezed) - n + 1)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class CharNgramFeaturizer(SparseFeaturizer, GraphComponent):
    """Counts of character 1- to 3-grams over the whole (plain) message."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SparseFeaturizer.get_default_config(), "min_ngram": 1, "max_ngram": 3, "min_df": 2}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource,
                 vocabulary: Optional[Dict[str, int]] = None) -> None:
        super().__init__(name, {**self.get_default_config(), **config})
        self._storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary or {}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "CharNgramFeaturizer":
        return cls(config, execution_context.node_name, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "CharNgramFeaturizer":
        with model_storage.read_from(resource) as directory:
            vocabulary = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        return cls(config, execution_context.node_name, model_storage, resource, vocabulary)

    def _grams(self, message: Message) -> List[str]:
        return ngrams(encoder_text(message), self._config["min_ngram"], self._config["max_ngram"])

    def train(self, training_data: TrainingData) -> Resource:
        frequency: Dict[str, int] = {}
        for message in training_data.training_examples:
            if message.get(TEXT):
                for gram in set(self._grams(message)):
                    frequency[gram] = frequency.get(gram, 0) + 1
        kept = sorted(g for g, n in frequency.items() if n >= self._config["min_df"])
        self._vocabulary = {gram: i for i, gram in enumerate(kept)}
        with self._storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(self._vocabulary, ensure_ascii=False),
                                                     encoding="utf-8")
        return self._resource

    def _add(self, messages: List[Message]) -> None:
        width = len(self._vocabulary)
        for message in messages:
            if not message.get(TEXT):
                continue
            counts: Dict[int, int] = {}
            for gram in self._grams(message):
                index = self._vocabulary.get(gram)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            columns = sorted(counts)
            row = sp.coo_matrix(([float(counts[c]) for c in columns], ([0] * len(columns), columns)),
                                shape=(1, width))
            self.add_features_to_message(None, row, TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._add(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._add(messages)
        return messages
