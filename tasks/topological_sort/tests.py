"""Hand-written edge cases for topological_sort; `candidate` is the sandboxed function."""


def test_single_node(candidate):
    assert candidate(1, []) == [0]


def test_no_edges_gives_ascending_order(candidate):
    assert candidate(4, []) == [0, 1, 2, 3]


def test_chain(candidate):
    assert candidate(4, [(3, 2), (2, 1), (1, 0)]) == [3, 2, 1, 0]


def test_smallest_ready_node_first(candidate):
    assert candidate(4, [(2, 0), (3, 1)]) == [2, 0, 3, 1]


def test_smallest_order_is_not_breadth_first(candidate):
    edges = [(0, 3), (1, 2), (2, 4), (4, 3)]
    assert candidate(5, edges) == [0, 1, 2, 4, 3]
    assert candidate(4, [(1, 0), (2, 0), (1, 3)]) == [1, 2, 0, 3]


def test_repeated_edges(candidate):
    assert candidate(3, [(1, 0), (1, 0), (2, 1)]) == [2, 1, 0]


def test_cycle(candidate):
    assert candidate(3, [(0, 1), (1, 2), (2, 0)]) == []
    assert candidate(4, [(0, 1), (2, 3), (3, 2)]) == []


def test_self_loop(candidate):
    assert candidate(2, [(1, 1)]) == []


def test_long_reversed_chain(candidate):
    n = 100_000
    edges = [(i + 1, i) for i in range(n - 1)]
    assert candidate(n, edges) == list(range(n - 1, -1, -1))
