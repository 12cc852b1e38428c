"""The misunderstood inbox's grouping: which similarity threshold, and how long it takes.

    .venv/bin/python bench/inbox_grouping.py [--sample bench/inbox_sample.yml] [--messages 2000]

1. Threshold: the hand-written sample (one meaning per group) is embedded with the
   project's sentence encoder as the console does (bot.teaching.inbox_vectors: centred
   on the training examples' mean; ``--raw`` without) and grouped at each threshold;
   printed: pair precision
   (two messages put together really mean the same), pair recall, F0.5 (precision
   counts double: approving a mixed group teaches the bot a wrong intent, a split
   group only costs the lead one more click) and the number of groups (the sample has
   as many meanings as it has groups).
2. Time: grouping ``--messages`` messages (the sample's vectors with noise, so that
   there are groups, and as many unrelated ones) and embedding them on one thread.
"""
from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import yaml

from bot.semantics import shared_encoder
from bot.settings import Settings
from bot.teaching.grouping import group_by_meaning
from bot.teaching.inbox_vectors import centred, encoder_text, training_centre
from bot.text.catalogue import Catalogue

SAMPLE = Path(__file__).with_name("inbox_sample.yml")


def pairs_scores(labels: List[str], groups: List[List[int]]) -> Tuple[float, float]:
    predicted = {frozenset(p) for g in groups for p in itertools.combinations(g, 2)}
    wanted = {frozenset((i, j)) for i, j in itertools.combinations(range(len(labels)), 2) if labels[i] == labels[j]}
    right = len(predicted & wanted)
    return (right / len(predicted) if predicted else 1.0), (right / len(wanted) if wanted else 1.0)


def f_beta(precision: float, recall: float, beta: float = 0.5) -> float:
    if not precision and not recall:
        return 0.0
    return (1 + beta ** 2) * precision * recall / (beta ** 2 * precision + recall)


def sweep(texts: List[str], labels: List[str], vectors: np.ndarray, steps: range) -> Dict[float, float]:
    print(f"sample: {len(texts)} messages, {len(set(labels))} meanings")
    print("threshold  precision  recall  F0.5   groups")
    found = {}
    for step in steps:
        threshold = step / 100
        groups = group_by_meaning(vectors, threshold)
        precision, recall = pairs_scores(labels, groups)
        found[threshold] = f_beta(precision, recall)
        print(f"{threshold:9.2f}  {precision:9.3f}  {recall:6.3f}  {found[threshold]:.3f}  {len(groups):6d}")
    return found


def timing(vectors: np.ndarray, count: int, threshold: float, texts: List[str]) -> None:
    rng = np.random.default_rng(7)
    near = vectors[rng.integers(0, len(vectors), count // 2)] + rng.normal(0, 0.01, (count // 2, vectors.shape[1]))
    far = rng.normal(0, 1, (count - len(near), vectors.shape[1]))
    many = np.vstack([near, far]).astype(np.float32)
    many /= np.linalg.norm(many, axis=1, keepdims=True)
    started = time.perf_counter()
    groups = group_by_meaning(many, threshold)
    print(f"grouping {count} messages at {threshold}: {time.perf_counter() - started:.2f} s, {len(groups)} groups")
    encoder = shared_encoder(1)
    batch = [texts[i % len(texts)] + str(i) for i in range(200)]  # distinct texts, sample lengths
    started = time.perf_counter()
    encoder.encode(batch)
    each = (time.perf_counter() - started) / len(batch)
    print(f"embedding: {each * 1000:.1f} ms a message on one thread ({each * count:.0f} s for {count}, "
          "once: the console keeps the vectors in memory)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--raw", action="store_true", help="e5's cosine as it is, not centred")
    args = parser.parse_args()
    settings = Settings.from_env()
    catalogue = Catalogue.load(settings.catalogue_file)
    groups = yaml.safe_load(args.sample.read_text(encoding="utf-8"))["groups"]
    texts = [t for members in groups.values() for t in members]
    labels = [name for name, members in groups.items() for _ in members]
    vectors = shared_encoder(1).encode([encoder_text(t, catalogue) for t in texts])
    if not args.raw:
        vectors = centred(vectors, training_centre(settings.project_dir, catalogue, settings.embedding_cache_file))
    scores = sweep(texts, labels, vectors, range(78, 97) if args.raw else range(30, 61))
    best = max(scores, key=lambda t: (round(scores[t], 3), t))
    print(f"best F0.5: {scores[best]:.3f} at {best}")
    timing(vectors, args.messages, best, texts)


if __name__ == "__main__":
    main()
