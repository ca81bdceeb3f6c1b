"""Hand-written edge cases for search_rotated_array; `candidate` is the sandboxed function."""


def test_empty(candidate):
    assert candidate([], 1) == -1


def test_single(candidate):
    assert candidate([5], 5) == 0
    assert candidate([5], 4) == -1


def test_two_elements(candidate):
    assert candidate([3, 1], 1) == 1
    assert candidate([3, 1], 3) == 0
    assert candidate([1, 3], 3) == 1
    assert candidate([3, 1], 2) == -1


def test_example(candidate):
    data = [4, 5, 6, 7, 0, 1, 2]
    assert [candidate(data, t) for t in (4, 5, 6, 7, 0, 1, 2)] == [0, 1, 2, 3, 4, 5, 6]
    assert candidate(data, 3) == -1
    assert candidate(data, 8) == -1
    assert candidate(data, -1) == -1


def test_not_rotated(candidate):
    data = [-5, -2, 0, 3, 9, 12]
    assert candidate(data, -5) == 0
    assert candidate(data, 12) == 5
    assert candidate(data, 1) == -1


def test_rotated_by_one(candidate):
    data = [20, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert candidate(data, 20) == 0
    assert candidate(data, 9) == 9
    assert candidate(data, 1) == 1


def test_rotated_near_the_end(candidate):
    data = [2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
    assert candidate(data, 1) == 9
    assert candidate(data, 0) == 8
    assert candidate(data, 5) == 3


def test_large(candidate):
    data = list(range(600_000, 1_000_000)) + list(range(600_000))
    assert candidate(data, 0) == 400_000
    assert candidate(data, 599_999) == 999_999
    assert candidate(data, 999_999) == 399_999
    assert candidate(data, 1_000_000) == -1
