"""Hand-written edge cases for knapsack; `candidate` is the sandboxed function."""


def test_no_items(candidate):
    assert candidate([], [], 10) == 0


def test_zero_capacity(candidate):
    assert candidate([1, 2], [5, 6], 0) == 0


def test_nothing_fits(candidate):
    assert candidate([5, 6], [10, 20], 4) == 0


def test_exact_fit(candidate):
    assert candidate([4], [9], 4) == 9
    assert candidate([2, 3], [3, 4], 5) == 7


def test_classic(candidate):
    assert candidate([1, 3, 4, 5], [1, 4, 5, 7], 7) == 9
    assert candidate([10, 20, 30], [60, 100, 120], 50) == 220


def test_each_item_once(candidate):
    assert candidate([1], [10], 5) == 10
    assert candidate([2, 2], [3, 3], 10) == 6


def test_greedy_by_ratio_fails(candidate):
    assert candidate([6, 5, 5], [30, 24, 24], 10) == 48


def test_zero_values(candidate):
    assert candidate([1, 1, 1], [0, 0, 0], 3) == 0


def test_large(candidate):
    weights = [i % 97 + 1 for i in range(500)]
    values = [1] * 500
    # Taking the lightest items first is optimal when all values are equal.
    lightest = sorted(weights)
    total = count = 0
    for weight in lightest:
        if total + weight > 10_000:
            break
        total += weight
        count += 1
    assert candidate(weights, values, 10_000) == count
