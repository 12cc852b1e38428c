"""Similar messages form one group, by the cosine similarity of their sentence embeddings (pure).

Greedy, around the densest messages: each message counts the messages alike to it
(similarity ≥ ``threshold``, weighted: one row may stand for several identical
messages); in that order (most alike first, then input order) a message not yet in a
group leads a new one and takes every free message alike to it. Every member is
within the threshold of its leader, so a group never drifts along a chain of
neighbours (single linkage would), and the leaders are the typical messages.
Cost: one pass of blocked matrix products for the counts, then one product per
leader over the free messages; no n×n matrix is kept (2000 messages: see bench/inbox_grouping.py).
"""
from __future__ import annotations

from typing import List, Optional, Sequence

import numpy as np

BLOCK = 512  # rows per product when counting: 512 × n floats at a time


def alike_counts(vectors: np.ndarray, weights: np.ndarray, threshold: float, block: int = BLOCK) -> np.ndarray:
    """For each row, the weight of the rows alike to it (itself included)."""
    counts = np.zeros(len(vectors), dtype=np.float64)
    for start in range(0, len(vectors), block):
        similar = vectors[start:start + block] @ vectors.T >= threshold
        counts[start:start + block] = similar @ weights
    return counts


def group_by_meaning(vectors: np.ndarray, threshold: float, weights: Optional[Sequence[float]] = None
                     ) -> List[List[int]]:
    """Groups of row indexes of ``vectors`` (L2-normalised rows); each group starts with its
    leader, then its members in input order; groups in the order their leaders were taken."""
    count = len(vectors)
    if count == 0:
        return []
    vectors = np.asarray(vectors, dtype=np.float32)
    weight = np.ones(count) if weights is None else np.asarray(weights, dtype=np.float64)
    counts = alike_counts(vectors, weight, threshold)
    order = sorted(range(count), key=lambda i: (-counts[i], i))
    free = np.ones(count, dtype=bool)
    groups: List[List[int]] = []
    for leader in order:
        if not free[leader]:
            continue
        candidates = np.flatnonzero(free)
        alike = candidates[vectors[candidates] @ vectors[leader] >= threshold]
        members = [leader] + [int(i) for i in alike if i != leader]
        free[members] = False
        groups.append(members)
    return groups
