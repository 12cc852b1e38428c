"""Which answers the ticket page offers an agent for the customer's latest message (pure).

Two lists come in, each scored as the probability that a candidate is the one
meant, among its own kind: FAQ entries by the bot's own search (the fused
words-and-meaning classifier of `bot.faq.index`), canned replies by meaning
(the sentence encoder's cosine similarities, made probabilities by
`meaning_probabilities`). One list goes out: the most probable of both, best
first, at most ``LIMIT``, none below ``MIN_SCORE``, the same text never twice.
On a tie the FAQ's answer comes first: it is what the bot itself would say.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, List, Sequence

FAQ, CANNED = "faq", "canned"
LIMIT = 3
# Below this a candidate is a guess (13 canned replies scored alike give 1/13 each).
MIN_SCORE = 0.1
# e5 was trained with this temperature: cosine similarities divided by it and
# passed through a softmax give the probability that a candidate is the one meant.
TEMPERATURE = 0.01


@dataclass(frozen=True)
class Suggestion:
    kind: str    # FAQ or CANNED
    key: str     # the entry's id, or the canned reply's code (/退款)
    title: str   # the entry's first question, or the canned reply's title
    text: str    # what the customer would get, placeholders filled
    score: float


def meaning_probabilities(similarities: Sequence[float], temperature: float = TEMPERATURE) -> List[float]:
    """Cosine similarities of one message to each candidate, as probabilities that sum to 1."""
    if not similarities:
        return []
    scaled = [value / temperature for value in similarities]
    top = max(scaled)
    weights = [math.exp(value - top) for value in scaled]
    total = sum(weights)
    return [weight / total for weight in weights]


def rank_suggestions(faq: Iterable[Suggestion], canned: Iterable[Suggestion], limit: int = LIMIT,
                     min_score: float = MIN_SCORE) -> List[Suggestion]:
    """The ``limit`` most probable of both lists, best first (FAQ first on a tie)."""
    pool = [s for s in (*faq, *canned) if s.score >= min_score and s.text.strip()]
    pool.sort(key=lambda s: (-s.score, s.kind != FAQ))
    chosen: List[Suggestion] = []
    seen = set()
    for suggestion in pool:
        said = " ".join(suggestion.text.split())
        if said in seen:
            continue
        seen.add(said)
        chosen.append(suggestion)
        if len(chosen) == limit:
            break
    return chosen
