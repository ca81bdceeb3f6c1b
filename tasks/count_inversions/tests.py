"""Hand-written edge cases for count_inversions; `candidate` is the sandboxed function."""


def test_empty_and_single(candidate):
    assert candidate([]) == 0
    assert candidate([8]) == 0


def test_pair(candidate):
    assert candidate([2, 1]) == 1
    assert candidate([1, 2]) == 0


def test_example(candidate):
    # the inverted pairs are (2, 1), (4, 1) and (4, 3)
    assert candidate([2, 4, 1, 3, 5]) == 3


def test_equal_elements_are_not_inversions(candidate):
    assert candidate([3, 3, 3]) == 0
    assert candidate([2, 1, 2, 1]) == 3


def test_reversed(candidate):
    assert candidate([5, 4, 3, 2, 1]) == 10
    assert candidate(list(range(1000, 0, -1))) == 499_500


def test_negatives(candidate):
    assert candidate([0, -1, -2, 5, -3]) == 7


def test_large_reversed(candidate):
    assert candidate(list(range(100_000, 0, -1))) == 4_999_950_000
