"""Hand-written edge cases for dijkstra; `candidate` is the sandboxed function."""


def test_single_node(candidate):
    assert candidate(1, [], 0) == [0]


def test_unreachable(candidate):
    assert candidate(3, [(0, 1, 5)], 0) == [0, 5, -1]


def test_edges_are_directed(candidate):
    assert candidate(2, [(1, 0, 3)], 0) == [0, -1]
    assert candidate(2, [(1, 0, 3)], 1) == [3, 0]


def test_cheaper_path_with_more_edges(candidate):
    edges = [(0, 1, 10), (0, 2, 1), (2, 3, 1), (3, 1, 1)]
    assert candidate(4, edges, 0) == [0, 3, 1, 2]


def test_zero_weights_and_self_loops(candidate):
    edges = [(0, 0, 4), (0, 1, 0), (1, 2, 0), (2, 0, 7)]
    assert candidate(3, edges, 0) == [0, 0, 0]


def test_parallel_edges(candidate):
    assert candidate(2, [(0, 1, 9), (0, 1, 2), (0, 1, 5)], 0) == [0, 2]


def test_classic(candidate):
    edges = [
        (0, 1, 4),
        (0, 2, 1),
        (2, 1, 2),
        (1, 3, 1),
        (2, 3, 5),
        (3, 4, 3),
    ]
    assert candidate(6, edges, 0) == [0, 3, 1, 4, 7, -1]


def test_long_chain(candidate):
    n = 100_000
    edges = [(i, i + 1, 2) for i in range(n - 1)] + [(0, n - 1, 10**6)]
    result = candidate(n, edges, 0)
    assert result[:3] == [0, 2, 4]
    assert result[-1] == 2 * (n - 1)
