"""The sentence encoder and its embedding cache (multilingual-e5-small, offline).

One encoder per process, shared by the NLU featurizer, the FAQ search and the
urgency detector. Never imports rasa.
"""
from bot.semantics.cache import EmbeddingCache
from bot.semantics.encoder import SentenceEncoder, shared_encoder
from bot.semantics.plain import KIND_WORDS, plain_text

__all__ = ["EmbeddingCache", "KIND_WORDS", "SentenceEncoder", "plain_text", "shared_encoder"]
