"""Hand-written edge cases for longest_increasing_subsequence; `candidate` is the sandboxed
function."""


def test_empty(candidate):
    assert candidate([]) == 0


def test_single(candidate):
    assert candidate([5]) == 1


def test_example(candidate):
    assert candidate([10, 9, 2, 5, 3, 7, 101, 18]) == 4


def test_equal_values_do_not_extend(candidate):
    assert candidate([7, 7, 7, 7]) == 1
    assert candidate([1, 2, 2, 3]) == 3


def test_decreasing(candidate):
    assert candidate([5, 4, 3, 2, 1]) == 1


def test_increasing(candidate):
    assert candidate(list(range(-3, 7))) == 10


def test_later_smaller_start_wins(candidate):
    assert candidate([3, 4, 5, 1, 2, 3, 4]) == 4
    assert candidate([0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15]) == 6


def test_large(candidate):
    values = [i // 2 for i in range(200_000)]
    assert candidate(values) == 100_000
    assert candidate(list(range(200_000, 0, -1))) == 1
