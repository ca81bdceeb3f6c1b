"""Hand-written edge cases for kth_smallest; `candidate` is the sandboxed function."""

import random


def test_single_element(candidate):
    assert candidate([42], 1) == 42


def test_minimum_and_maximum(candidate):
    data = [7, -3, 12, 0, 5]
    assert candidate(data, 1) == -3
    assert candidate(data, 5) == 12


def test_every_rank(candidate):
    data = [9, 4, 7, 1, 8, 2]
    assert [candidate(data, k) for k in range(1, 7)] == [1, 2, 4, 7, 8, 9]


def test_duplicates_count_separately(candidate):
    assert candidate([5, 1, 5], 3) == 5
    assert candidate([5, 1, 5], 2) == 5
    data = [3, 1, 3, 3, 2, 3]
    assert [candidate(data, k) for k in range(1, 7)] == [1, 2, 3, 3, 3, 3]


def test_all_equal(candidate):
    assert candidate([6] * 1000, 500) == 6


def test_large(candidate):
    rng = random.Random(99)
    data = list(range(200_000))
    rng.shuffle(data)
    assert candidate(data, 1) == 0
    assert candidate(data, 123_457) == 123_456
    assert candidate(data, 200_000) == 199_999
