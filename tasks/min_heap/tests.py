"""Hand-written edge cases for min_heap_ops; `candidate` is the sandboxed function."""


def test_no_operations(candidate):
    assert candidate([]) == []


def test_empty_heap_reports_none(candidate):
    assert candidate([("pop",), ("peek",)]) == [None, None]


def test_single_element(candidate):
    assert candidate([("push", 5), ("peek",), ("pop",), ("pop",)]) == [5, 5, None]


def test_pops_in_ascending_order(candidate):
    ops = [("push", x) for x in (5, 3, 8, 1, 9, 2)] + [("pop",)] * 6
    assert candidate(ops) == [1, 2, 3, 5, 8, 9]


def test_duplicates_and_negatives(candidate):
    ops = [("push", x) for x in (0, -4, 7, -4, 0)] + [("pop",)] * 5
    assert candidate(ops) == [-4, -4, 0, 0, 7]


def test_interleaved(candidate):
    ops = [
        ("push", 10),
        ("push", 4),
        ("peek",),
        ("push", 6),
        ("pop",),
        ("push", 1),
        ("peek",),
        ("pop",),
        ("pop",),
        ("pop",),
        ("pop",),
    ]
    assert candidate(ops) == [4, 4, 1, 1, 6, 10, None]


def test_right_child_is_smaller(candidate):
    ops = [("push", x) for x in (1, 5, 2, 6, 7, 3, 4)] + [("pop",)] * 7
    assert candidate(ops) == [1, 2, 3, 4, 5, 6, 7]


def test_many_descending_pushes(candidate):
    ops = [("push", x) for x in range(50_000, 0, -1)] + [("pop",)] * 50_001
    assert candidate(ops) == list(range(1, 50_001)) + [None]
