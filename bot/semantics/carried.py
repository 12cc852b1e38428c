"""A message's sentence embedding, carried from the NLU to the action server.

The NLU embeds every message (bot.rasa_ext.nlu.sentence_featurizer); the
action server needs the same vector for the FAQ search and the urgency model.
Embedding it twice cost a quarter of a turn, so the featurizer adds the vector
to the parse data (float16, base64: 1 KB) and the actions read it from the
tracker's latest message. The tracker store drops it before anything is
written (bot.security.stored_events): a vector says something of the text
and is not needed once the turn is over.
"""
from __future__ import annotations

import base64
import binascii
from typing import Any, Mapping, Optional

import numpy as np

# The parse data's key (Rasa keeps a component's output properties in it).
EMBEDDING_KEY = "text_embedding"


def pack(vector: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f2").tobytes()).decode("ascii")


def unpack(value: Any, dimension: Optional[int] = None) -> Optional[np.ndarray]:
    """The vector ``pack`` wrote, as float32; None for anything else (an old tracker,
    a forged payload, another dimension)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    if len(raw) % 2 or (dimension is not None and len(raw) != 2 * dimension):
        return None
    vector = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    return vector if vector.size and np.isfinite(vector).all() else None


def carried_vector(parse_data: Optional[Mapping[str, Any]], dimension: Optional[int] = None) -> Optional[np.ndarray]:
    """The vector the NLU carried in a message's parse data, if it carried one."""
    return unpack((parse_data or {}).get(EMBEDDING_KEY), dimension)


__all__ = ["EMBEDDING_KEY", "carried_vector", "pack", "unpack"]
