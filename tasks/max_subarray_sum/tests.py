"""Hand-written edge cases for max_subarray_sum; `candidate` is the sandboxed function."""


def test_single(candidate):
    assert candidate([5]) == 5
    assert candidate([-5]) == -5


def test_example(candidate):
    assert candidate([-2, 1, -3, 4, -1, 2, 1, -5, 4]) == 6


def test_all_negative(candidate):
    assert candidate([-8, -3, -6, -2, -5, -4]) == -2


def test_all_positive(candidate):
    assert candidate([1, 2, 3, 4]) == 10


def test_best_run_at_the_start(candidate):
    assert candidate([5, 4, -100, 1, 2]) == 9


def test_best_run_at_the_end(candidate):
    assert candidate([1, -100, 3, 4]) == 7


def test_restart_after_negative_prefix(candidate):
    assert candidate([2, -3, 2, 2]) == 4


def test_zeros(candidate):
    assert candidate([0, -1, 0]) == 0


def test_large(candidate):
    values = [-1] * 500_000 + [10**9] + [-1] * 499_999
    assert candidate(values) == 10**9
    assert candidate([10**9] * 1_000_000) == 10**15
