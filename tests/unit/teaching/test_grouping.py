"""Grouping by meaning (pure): alike messages around the densest one, never a chain."""
import time

import numpy as np
import pytest

from bot.teaching.grouping import alike_counts, group_by_meaning


def unit(*rows):
    vectors = np.asarray(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_alike_messages_form_one_group_and_the_others_their_own():
    vectors = unit([1, 0, 0], [0.98, 0.2, 0], [0, 1, 0], [0.97, 0, 0.24], [0, 0, 1])
    assert sorted(sorted(g) for g in group_by_meaning(vectors, 0.9)) == [[0, 1, 3], [2], [4]]


def test_the_leader_is_the_message_most_alike_to_others_and_every_member_is_alike_to_it():
    # 1 sits between 0 and 2; 0 and 2 are not alike: single linkage would chain all three
    angles = np.radians([0, 20, 40, 90])
    vectors = unit(*[[np.cos(a), np.sin(a)] for a in angles])
    groups = group_by_meaning(vectors, float(np.cos(np.radians(25))))
    assert groups == [[1, 0, 2], [3]]  # led by the middle one: both ends are within 25° of it
    assert group_by_meaning(vectors[[0, 2, 3]], float(np.cos(np.radians(25)))) == [[0], [1], [2]]


def test_weights_count_identical_messages_folded_into_one_row():
    vectors = unit(*[[np.cos(a), np.sin(a)] for a in np.radians([0, 25, 50, 75])])
    alike = float(np.cos(np.radians(30)))
    # 1 and 2 are each alike to three rows: the earlier leads; row 3 standing for ten messages makes 2 lead
    assert group_by_meaning(vectors, alike)[0] == [1, 0, 2]
    assert group_by_meaning(vectors, alike, weights=[1, 1, 1, 10])[0] == [2, 1, 3]


def test_ties_go_to_the_earlier_row():
    vectors = unit([1, 0], [1, 0.01], [0, 1])
    assert group_by_meaning(vectors, 0.9) == [[0, 1], [2]]


def test_counts_are_blocked_products():
    vectors = unit(*np.random.default_rng(1).normal(size=(50, 8)))
    whole = (vectors @ vectors.T >= 0.2) @ np.ones(50)
    assert np.allclose(alike_counts(vectors, np.ones(50), 0.2, block=7), whole)


def test_nothing_to_group():
    assert group_by_meaning(np.zeros((0, 4), dtype=np.float32), 0.5) == []


@pytest.mark.parametrize("count", [2000])
def test_two_thousand_messages_group_in_well_under_the_page_s_patience(count):
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(200, 384))
    vectors = centres[rng.integers(0, 200, count)] + rng.normal(0, 0.3, (count, 384))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    started = time.perf_counter()
    groups = group_by_meaning(vectors, 0.43)
    elapsed = time.perf_counter() - started
    assert sorted(i for g in groups for i in g) == list(range(count))
    assert elapsed < 5, elapsed  # about 0.4 s on the 2-core machine
