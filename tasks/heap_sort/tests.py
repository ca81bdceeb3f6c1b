"""Hand-written edge cases for heap_sort; `candidate` is the sandboxed function."""

import random


def test_empty(candidate):
    assert candidate([]) == []


def test_one_element(candidate):
    assert candidate([0]) == [0]


def test_three_elements_every_order(candidate):
    for data in ([1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]):
        assert candidate(data) == [1, 2, 3]


def test_duplicates(candidate):
    assert candidate([2, 2, 1, 1, 3, 3, 2]) == [1, 1, 2, 2, 2, 3, 3]


def test_negatives(candidate):
    assert candidate([-1, -10, 5, 0, -3]) == [-10, -3, -1, 0, 5]


def test_sorted_and_reversed(candidate):
    assert candidate(list(range(64))) == list(range(64))
    assert candidate(list(range(63, -1, -1))) == list(range(64))


def test_large_random(candidate):
    rng = random.Random(2024)
    data = [rng.randint(-1000, 1000) for _ in range(50_000)]
    assert candidate(data) == sorted(data)
