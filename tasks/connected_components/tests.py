"""Hand-written edge cases for connected_components; `candidate` is the sandboxed function."""


def test_single_node(candidate):
    assert candidate(1, []) == [[0]]


def test_no_edges(candidate):
    assert candidate(3, []) == [[0], [1], [2]]


def test_example(candidate):
    assert candidate(5, [(3, 1), (2, 0)]) == [[0, 2], [1, 3], [4]]


def test_isolated_last_node(candidate):
    assert candidate(4, [(0, 1), (1, 2)]) == [[0, 1, 2], [3]]


def test_edge_direction_does_not_matter(candidate):
    assert candidate(4, [(3, 0), (2, 3), (1, 2)]) == [[0, 1, 2, 3]]


def test_components_sorted_inside(candidate):
    assert candidate(6, [(5, 1), (1, 4), (0, 3)]) == [[0, 3], [1, 4, 5], [2]]


def test_self_loops_and_repeats(candidate):
    assert candidate(3, [(1, 1), (0, 2), (2, 0)]) == [[0, 2], [1]]


def test_long_path_of_even_nodes(candidate):
    n = 100_000
    edges = [(i, i + 2) for i in range(0, n - 2, 2)]
    result = candidate(n, edges)
    assert result[0] == list(range(0, n, 2))
    assert result[1:] == [[x] for x in range(1, n, 2)]
