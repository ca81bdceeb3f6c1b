"""Hand-written edge cases for quicksort; `candidate` is the sandboxed function."""

import random


def test_empty(candidate):
    assert candidate([]) == []


def test_one_element(candidate):
    assert candidate([7]) == [7]


def test_two_elements(candidate):
    assert candidate([2, 1]) == [1, 2]
    assert candidate([1, 2]) == [1, 2]


def test_duplicates(candidate):
    assert candidate([3, 1, 3, 2, 1, 3]) == [1, 1, 2, 3, 3, 3]


def test_all_equal(candidate):
    assert candidate([5] * 500) == [5] * 500


def test_negatives(candidate):
    assert candidate([0, -3, 5, -1, -3, 2, -100]) == [-100, -3, -3, -1, 0, 2, 5]


def test_already_sorted(candidate):
    data = list(range(-50, 150))
    assert candidate(data) == data


def test_reversed(candidate):
    assert candidate(list(range(200, 0, -1))) == list(range(1, 201))


def test_large_sorted(candidate):
    data = list(range(5000))
    assert candidate(data) == data


def test_large_random(candidate):
    rng = random.Random(1234)
    data = [rng.randint(-(10**9), 10**9) for _ in range(50_000)]
    assert candidate(data) == sorted(data)
