"""Hand-written edge cases for coin_change; `candidate` is the sandboxed function."""


def test_zero_amount(candidate):
    assert candidate([1, 2], 0) == 0
    assert candidate([7], 0) == 0


def test_impossible(candidate):
    assert candidate([2], 3) == -1
    assert candidate([5, 10], 3) == -1


def test_single_coin_exact(candidate):
    assert candidate([7], 7) == 1
    assert candidate([7], 21) == 3


def test_classic(candidate):
    assert candidate([1, 2, 5], 11) == 3


def test_greedy_is_wrong(candidate):
    assert candidate([1, 3, 4], 6) == 2
    assert candidate([1, 5, 6, 9], 11) == 2


def test_unsorted_coins(candidate):
    assert candidate([5, 1, 2], 7) == 2


def test_combination_needed(candidate):
    assert candidate([3, 7], 23) == 5
    assert candidate([4, 6], 14) == 3


def test_large_amount(candidate):
    assert candidate([1, 7, 10], 100_000) == 10_000
    assert candidate([99, 100], 100_000) == 1_000
    assert candidate([4, 6], 99_999) == -1
