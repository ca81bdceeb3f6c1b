"""Hand-written edge cases for binary_search; `candidate` is the sandboxed function."""


def test_empty(candidate):
    assert candidate([], 3) == -1


def test_single_element(candidate):
    assert candidate([4], 4) == 0
    assert candidate([4], 3) == -1
    assert candidate([4], 5) == -1


def test_first_and_last(candidate):
    data = [1, 3, 5, 7, 9, 11]
    assert candidate(data, 1) == 0
    assert candidate(data, 11) == 5
    assert candidate(data, 7) == 3


def test_missing_between_and_outside(candidate):
    data = [1, 3, 5, 7, 9, 11]
    assert candidate(data, 4) == -1
    assert candidate(data, 0) == -1
    assert candidate(data, 12) == -1


def test_first_of_duplicates(candidate):
    assert candidate([2, 2, 2, 2, 2], 2) == 0
    assert candidate([1, 2, 2, 2, 3], 2) == 1
    assert candidate([0, 0, 1, 1, 1, 1, 1, 1, 1, 1], 1) == 2


def test_negative_and_huge_values(candidate):
    data = [-(10**30), -5, 0, 10**30]
    assert candidate(data, -(10**30)) == 0
    assert candidate(data, 10**30) == 3
    assert candidate(data, 10**29) == -1


def test_large(candidate):
    data = list(range(0, 2_000_000, 2))
    assert candidate(data, 1_234_566) == 617_283
    assert candidate(data, 1_234_567) == -1
    assert candidate(data, 1_999_998) == 999_999
