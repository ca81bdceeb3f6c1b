"""Hand-written edge cases for merge_intervals; `candidate` is the sandboxed function."""


def test_empty(candidate):
    assert candidate([]) == []


def test_single(candidate):
    assert candidate([[4, 9]]) == [[4, 9]]


def test_classic(candidate):
    assert candidate([[1, 3], [2, 6], [8, 10], [15, 18]]) == [[1, 6], [8, 10], [15, 18]]


def test_touching_merge(candidate):
    assert candidate([[1, 3], [3, 5]]) == [[1, 5]]


def test_adjacent_integers_stay_apart(candidate):
    assert candidate([[1, 2], [3, 4]]) == [[1, 2], [3, 4]]


def test_unsorted_input(candidate):
    assert candidate([[8, 10], [1, 4], [0, 0], [4, 5]]) == [[0, 0], [1, 5], [8, 10]]


def test_contained_interval(candidate):
    assert candidate([[1, 10], [2, 3], [4, 5]]) == [[1, 10]]
    assert candidate([[2, 3], [1, 10]]) == [[1, 10]]


def test_points_and_duplicates(candidate):
    assert candidate([[5, 5], [5, 5], [6, 6], [5, 6]]) == [[5, 6]]


def test_negatives(candidate):
    assert candidate([[-5, -1], [-2, 0], [2, 3]]) == [[-5, 0], [2, 3]]


def test_many_disjoint(candidate):
    data = [[i * 3, i * 3 + 1] for i in range(50_000, 0, -1)]
    assert candidate(data) == [[i * 3, i * 3 + 1] for i in range(1, 50_001)]
