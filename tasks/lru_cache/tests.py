"""Hand-written edge cases for lru_cache_ops; `candidate` is the sandboxed function."""


def test_no_operations(candidate):
    assert candidate(3, []) == []


def test_get_missing(candidate):
    assert candidate(2, [("get", 1)]) == [-1]


def test_classic_sequence(candidate):
    ops = [
        ("put", 1, 1),
        ("put", 2, 2),
        ("get", 1),
        ("put", 3, 3),
        ("get", 2),
        ("put", 4, 4),
        ("get", 1),
        ("get", 3),
        ("get", 4),
    ]
    assert candidate(2, ops) == [1, -1, -1, 3, 4]


def test_capacity_one(candidate):
    ops = [("put", 1, 10), ("put", 2, 20), ("get", 1), ("get", 2)]
    assert candidate(1, ops) == [-1, 20]


def test_update_refreshes_and_does_not_evict(candidate):
    ops = [
        ("put", 1, 1),
        ("put", 2, 2),
        ("put", 1, 100),
        ("put", 3, 3),
        ("get", 1),
        ("get", 2),
        ("get", 3),
    ]
    assert candidate(2, ops) == [100, -1, 3]


def test_update_of_full_cache_keeps_every_key(candidate):
    ops = [("put", 1, 1), ("put", 2, 2), ("put", 2, 5), ("get", 1), ("get", 2)]
    assert candidate(2, ops) == [1, 5]


def test_get_refreshes(candidate):
    ops = [
        ("put", 1, 1),
        ("put", 2, 2),
        ("put", 3, 3),
        ("get", 1),
        ("put", 4, 4),
        ("get", 2),
        ("get", 1),
        ("get", 3),
    ]
    assert candidate(3, ops) == [1, -1, 1, 3]


def test_value_zero_is_a_hit(candidate):
    assert candidate(1, [("put", 7, 0), ("get", 7)]) == [0]


def test_many_operations(candidate):
    ops = [("put", i, i * 2) for i in range(100_000)]
    ops += [("get", i) for i in range(99_990, 100_000)]
    ops += [("get", 0), ("get", 99_989)]
    assert candidate(10, ops) == [i * 2 for i in range(99_990, 100_000)] + [-1, -1]
