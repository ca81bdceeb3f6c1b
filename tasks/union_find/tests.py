"""Hand-written edge cases for union_find_ops; `candidate` is the sandboxed function."""


def test_no_operations(candidate):
    assert candidate(5, []) == []


def test_initially_separate(candidate):
    ops = [("connected", 0, 1), ("connected", 2, 2), ("size", 3), ("count",)]
    assert candidate(4, ops) == [False, True, 1, 4]


def test_single_element(candidate):
    assert candidate(1, [("union", 0, 0), ("size", 0), ("count",)]) == [1, 1]


def test_chain_of_unions(candidate):
    ops = [
        ("union", 0, 1),
        ("union", 2, 3),
        ("connected", 0, 3),
        ("count",),
        ("union", 1, 3),
        ("connected", 0, 3),
        ("size", 2),
        ("count",),
    ]
    assert candidate(5, ops) == [False, 3, True, 4, 2]


def test_repeated_union_changes_nothing(candidate):
    ops = [("union", 0, 1), ("union", 1, 0), ("union", 0, 1), ("size", 0), ("count",)]
    assert candidate(3, ops) == [2, 2]


def test_union_of_non_roots(candidate):
    ops = [
        ("union", 0, 1),
        ("union", 1, 2),
        ("union", 3, 4),
        ("union", 4, 5),
        ("union", 2, 5),
        ("connected", 0, 3),
        ("size", 4),
        ("count",),
    ]
    assert candidate(7, ops) == [True, 6, 2]


def test_long_chain(candidate):
    n = 100_000
    ops = [("union", i, i + 1) for i in range(n - 1)]
    ops += [("connected", 0, n - 1), ("size", n // 2), ("count",)]
    assert candidate(n, ops) == [True, n, 1]
