"""How the grader compares a differential case's output with the reference's: `same()`."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from codeeval.sandbox._codec import Opaque
from codeeval.sandbox._compare import same

BIG = 2**61 + 12345


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (float(BIG + 1000), BIG),  # within 1e-9 of a large int: still a different answer
        (float(BIG), BIG),  # even when the float is the int's nearest neighbour
        (5.0, 5),
        (True, 1),  # bool and int are different answers
        (1, True),
        (False, 0.0),
        ([1.0, 2.0], [1, 2]),
        ((1, 2.0), (1, 2)),
        ({"a": 1.0}, {"a": 1}),
        ({1.0: "a"}, {1: "a"}),  # dict keys keep their types
        ({1.0, 2.0}, {1, 2}),  # so do set elements
        (frozenset({(1, 2.0)}), frozenset({(1, 2)})),
        ({(1, True)}, {(1, 1)}),
        ([[[3.0]]], [[[3]]]),
        (complex(1, 0), 1),
        (1.0 + 0j, 1.0),
        (Fraction(1, 2), 0.5),
        (Decimal("0.5"), 0.5),
        (Fraction(2), 2),
        (b"x", bytearray(b"x")),
        ([1, 2], (1, 2)),
        (math.nan, 1.0),
        (1.0, math.nan),
        (math.inf, -math.inf),
        (10**400, 1e300),  # an int too large for a float: not close, and no crash
        (-(10**400), -math.inf),
        (Opaque("Anything", "x"), 1),
    ],
    ids=lambda value: type(value).__name__,
)
def test_different_answers_are_different(actual: Any, expected: Any) -> None:
    assert not same(actual, expected)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (0.1 + 0.2, 0.3),  # floats are compared within 1e-9 (relative)
        (1e-13, 0.0),  # and 1e-12 (absolute)
        (5, 5.0),  # an int where a float is expected is compared as a number
        (BIG, float(BIG)),
        (math.nan, math.nan),
        (math.inf, math.inf),
        (-math.inf, -math.inf),
        (complex(0.1 + 0.2, 1), complex(0.3, 1)),
        (complex(math.nan, 1), complex(math.nan, 1)),
        ([0.1 + 0.2, [1, (2, 0.3)]], [0.3, [1, (2, 0.30000000000000004)]]),
        ({"a": 0.1 + 0.2, 1: [True]}, {"a": 0.3, 1: [True]}),
        ({1, 2, (3, "x")}, {(3, "x"), 2, 1}),
        (frozenset({1.5, 2.5}), frozenset({2.5, 1.5})),
        (BIG, BIG),
        (True, True),
        (Fraction(1, 3), Fraction(1, 3)),
        (Decimal("1.10"), Decimal("1.1")),
        ("x", "x"),
        (None, None),
        (range(3), range(0, 3)),
    ],
    ids=lambda value: type(value).__name__,
)
def test_equal_answers_are_the_same(actual: Any, expected: Any) -> None:
    assert same(actual, expected)


def test_a_task_may_accept_floats_where_its_reference_returns_ints() -> None:
    assert same(5.0, 5, float_for_int=True)
    assert same([1.0, {"k": 2.0}], [1, {"k": 2}], float_for_int=True)
    assert same(float(BIG + 1000), BIG, float_for_int=True)  # then within the float tolerance
    assert not same(5.5, 5, float_for_int=True)
    assert not same(True, 1, float_for_int=True)  # a bool is still not a number
    assert not same(1.0, True, float_for_int=True)
    assert not same(float(10**20), 10**400, float_for_int=True)
