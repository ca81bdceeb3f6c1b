"""Hand-written edge cases for sliding_window_max; `candidate` is the sandboxed function."""


def test_single_value(candidate):
    assert candidate([7], 1) == [7]


def test_window_of_one(candidate):
    assert candidate([3, -1, 2], 1) == [3, -1, 2]


def test_window_of_everything(candidate):
    assert candidate([3, 9, -2, 9, 4], 5) == [9]


def test_classic(candidate):
    assert candidate([1, 3, -1, -3, 5, 3, 6, 7], 3) == [3, 3, 5, 5, 6, 7]


def test_decreasing(candidate):
    assert candidate([9, 8, 7, 6, 5, 4], 2) == [9, 8, 7, 6, 5]


def test_increasing(candidate):
    assert candidate([1, 2, 3, 4, 5], 3) == [3, 4, 5]


def test_maximum_leaves_the_window(candidate):
    assert candidate([5, 1, 1, 1, 2], 3) == [5, 1, 2]


def test_duplicates(candidate):
    assert candidate([4, 4, 4, 1, 4], 2) == [4, 4, 4, 4]


def test_large(candidate):
    values = list(range(200_000, 0, -1))
    assert candidate(values, 1000) == list(range(200_000, 999, -1))
