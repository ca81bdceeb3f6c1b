"""Hand-written edge cases for matrix_multiply; `candidate` is the sandboxed function."""


def test_one_by_one(candidate):
    assert candidate([[3]], [[-4]]) == [[-12]]


def test_two_by_two(candidate):
    assert candidate([[1, 2], [3, 4]], [[5, 6], [7, 8]]) == [[19, 22], [43, 50]]


def test_not_commutative(candidate):
    assert candidate([[5, 6], [7, 8]], [[1, 2], [3, 4]]) == [[23, 34], [31, 46]]


def test_identity(candidate):
    m = [[2, -1, 0], [4, 5, 6], [0, 0, 7]]
    identity = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert candidate(m, identity) == m
    assert candidate(identity, m) == m


def test_row_times_column(candidate):
    assert candidate([[1, 2, 3]], [[4], [5], [6]]) == [[32]]


def test_column_times_row(candidate):
    assert candidate([[1], [2]], [[3, 4, 5]]) == [[3, 4, 5], [6, 8, 10]]


def test_rectangular(candidate):
    a = [[1, 0, 2], [-1, 3, 1]]
    b = [[3, 1], [2, 1], [1, 0]]
    assert candidate(a, b) == [[5, 1], [4, 2]]


def test_negatives_and_zeros(candidate):
    assert candidate([[-1, 0], [0, -2]], [[-3, 4], [5, -6]]) == [[3, -4], [-10, 12]]
    assert candidate([[0, 0]], [[1, 2], [3, 4]]) == [[0, 0]]


def test_large_entries(candidate):
    big = 10**6
    assert candidate([[big, big]], [[big], [-big]]) == [[0]]
    assert candidate([[big, big]], [[big], [big]]) == [[2 * 10**12]]


def test_large(candidate):
    n = 200
    ones = [[1] * n for _ in range(n)]
    assert candidate(ones, ones) == [[n] * n for _ in range(n)]
