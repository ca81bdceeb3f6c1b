"""Hand-written edge cases for merge_sort; `candidate` is the sandboxed function."""

import random


def test_empty(candidate):
    assert candidate([]) == []


def test_one_element(candidate):
    assert candidate([-4]) == [-4]


def test_two_elements(candidate):
    assert candidate([9, 3]) == [3, 9]
    assert candidate([3, 9]) == [3, 9]


def test_odd_length(candidate):
    assert candidate([5, 2, 8, 1, 9]) == [1, 2, 5, 8, 9]


def test_duplicates_and_negatives(candidate):
    assert candidate([4, -2, 4, 0, -2, 7, 4]) == [-2, -2, 0, 4, 4, 4, 7]


def test_all_equal(candidate):
    assert candidate([1] * 300) == [1] * 300


def test_reversed(candidate):
    assert candidate(list(range(100, 0, -1))) == list(range(1, 101))


def test_large_random(candidate):
    rng = random.Random(77)
    data = [rng.randint(-(10**6), 10**6) for _ in range(100_000)]
    assert candidate(data) == sorted(data)
