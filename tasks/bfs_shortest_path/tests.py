"""Hand-written edge cases for bfs_shortest_path; `candidate` is the sandboxed function."""


def test_source_is_target(candidate):
    assert candidate(1, [], 0, 0) == [0]
    assert candidate(3, [(0, 1), (1, 2)], 2, 2) == [2]


def test_unreachable(candidate):
    assert candidate(2, [], 0, 1) == []
    assert candidate(4, [(0, 1), (2, 3)], 0, 3) == []


def test_direct_edge(candidate):
    assert candidate(2, [(0, 1)], 0, 1) == [0, 1]
    assert candidate(2, [(0, 1)], 1, 0) == [1, 0]


def test_edges_are_undirected(candidate):
    assert candidate(3, [(1, 0), (2, 1)], 0, 2) == [0, 1, 2]


def test_shortest_not_first_found(candidate):
    edges = [(0, 1), (1, 2), (2, 3), (3, 4), (0, 4)]
    assert candidate(5, edges, 0, 3) == [0, 4, 3]


def test_lexicographically_smallest(candidate):
    edges = [(0, 3), (0, 1), (3, 4), (1, 4), (0, 2), (2, 4)]
    assert candidate(5, edges, 0, 4) == [0, 1, 4]
    assert candidate(5, edges, 4, 0) == [4, 1, 0]


def test_self_loops_and_repeats(candidate):
    edges = [(0, 0), (0, 1), (0, 1), (1, 1), (1, 2)]
    assert candidate(3, edges, 0, 2) == [0, 1, 2]


def test_long_chain(candidate):
    n = 100_000
    edges = [(i, i + 1) for i in range(n - 1)]
    assert candidate(n, edges, 0, n - 1) == list(range(n))
