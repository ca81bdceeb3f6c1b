"""Hand-written edge cases for running_median; `candidate` is the sandboxed function."""


def test_empty(candidate):
    assert candidate([]) == []


def test_single(candidate):
    assert candidate([-7]) == [-7.0]


def test_example(candidate):
    assert candidate([5, 15, 1]) == [5.0, 10.0, 5.0]


def test_increasing(candidate):
    assert candidate([1, 2, 3, 4, 5]) == [1.0, 1.5, 2.0, 2.5, 3.0]


def test_decreasing(candidate):
    assert candidate([5, 4, 3, 2, 1]) == [5.0, 4.5, 4.0, 3.5, 3.0]


def test_half_values(candidate):
    assert candidate([2, 3, -1, 0]) == [2.0, 2.5, 2.0, 1.0]


def test_duplicates(candidate):
    assert candidate([4, 4, 1, 4, 9, 9]) == [4.0, 4.0, 4.0, 4.0, 4.0, 4.0]


def test_returns_floats(candidate):
    result = candidate([2, 4])
    assert result == [2.0, 3.0]
    assert all(type(x) is float for x in result)


def test_large_alternating(candidate):
    values = [(-1) ** i * i for i in range(100_000)]
    result = candidate(values)
    assert len(result) == 100_000
    assert result[:6] == [0.0, -0.5, 0.0, -0.5, 0.0, -0.5]
    assert result[-1] == -0.5
