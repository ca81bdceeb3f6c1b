"""Hand-written edge cases for minimum_spanning_tree; `candidate` is the sandboxed function."""


def test_no_edges(candidate):
    assert candidate(1, []) == 0
    assert candidate(4, []) == 0


def test_single_edge(candidate):
    assert candidate(2, [(0, 1, 7)]) == 7


def test_triangle(candidate):
    assert candidate(3, [(0, 1, 1), (1, 2, 2), (0, 2, 3)]) == 3


def test_classic(candidate):
    edges = [
        (0, 1, 4),
        (0, 2, 3),
        (1, 2, 1),
        (1, 3, 2),
        (2, 3, 4),
        (3, 4, 2),
        (4, 5, 6),
        (3, 5, 7),
    ]
    assert candidate(6, edges) == 14


def test_forest(candidate):
    assert candidate(5, [(0, 1, 5), (1, 0, 2), (3, 4, 9)]) == 11


def test_self_loops_and_parallel_edges(candidate):
    assert candidate(2, [(0, 0, -50), (1, 1, -3), (0, 1, 10), (1, 0, 4)]) == 4


def test_negative_weights(candidate):
    assert candidate(3, [(0, 1, -5), (1, 2, -2), (0, 2, -1)]) == -7


def test_large_path(candidate):
    n = 100_000
    edges = [(i, i + 1, 1) for i in range(n - 1)] + [(0, n - 1, 1000), (5, 500, 1000)]
    assert candidate(n, edges) == n - 1
