"""Comparing a program's answers with the expected ones, and showing values in messages.

Both run in the grader, on decoded plain data that the program chose.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any

# Scalars compared by `==` once their types match exactly: a list of only these is compared
# in one step (`==`, then the item types).
_EXACT_SCALARS = frozenset({int, str, bool, type(None), bytes})


def same(actual: Any, expected: Any, float_for_int: bool = False) -> bool:
    """Plain-data equality that keeps the types of the answer, floats within a tolerance.

    Where the expected value is a float, an int or float is equal within 1e-9 (relative) or
    1e-12 (absolute), and nan equals nan; a complex is compared part by part the same way.
    Everywhere else the types must match, at every depth: an int expected and a float
    returned differ (however close), as do bool and int, list and tuple, bytes and
    bytearray, a set's or dict key's 1 and 1.0. With `float_for_int` (a task's
    `[differential] float_for_int`), a float where an int is expected is compared as a float.
    """
    kind = type(expected)
    if kind is float:
        return _close(actual, expected)
    if kind is int and float_for_int and type(actual) is float:
        return _close(actual, expected)
    if type(actual) is not kind:
        return False
    if kind is list or kind is tuple:
        if len(actual) != len(expected):
            return False
        if set(map(type, expected)) <= _EXACT_SCALARS:
            return bool(actual == expected) and list(map(type, actual)) == list(map(type, expected))
        return all(same(a, e, float_for_int) for a, e in zip(actual, expected, strict=True))
    if kind is dict:
        if len(actual) != len(expected):
            return False
        keys = {key: key for key in actual}  # actual's own key, found by an equal one
        return all(
            key in keys
            and same(keys[key], key, float_for_int)
            and same(actual[key], value, float_for_int)
            for key, value in expected.items()
        )
    if kind is set or kind is frozenset:
        if len(actual) != len(expected):
            return False
        members = {member: member for member in actual}
        return all(
            member in members and same(members[member], member, float_for_int)
            for member in expected
        )
    if kind is complex:
        return _close(actual.real, expected.real) and _close(actual.imag, expected.imag)
    return bool(actual == expected)


def _close(actual: Any, expected: float | int) -> bool:
    """Whether `actual`, an int or float, is within the float tolerance of `expected`."""
    try:
        if type(actual) is int:
            actual = float(actual)
        expected = float(expected)
    except OverflowError:  # an int beyond any float: equal to none
        return False
    if type(actual) is not float:
        return False
    if math.isnan(expected) or math.isnan(actual):
        return math.isnan(expected) and math.isnan(actual)
    return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12)


def short_repr(value: Any, limit: int = 200) -> str:
    """`repr(value)`, cut to `limit` characters, at a cost bounded by `limit`.

    Only the first items of a container are looked at, an int of more than 4,000 bits shows
    its size instead (its decimal digits take quadratic time, and more than 4,300 of them
    raise), and a nesting too deep ends in "...".
    """
    parts: list[str] = []
    try:
        _render(value, parts, limit, 0)
    except Exception:  # nothing the program sent may stop a failure message
        parts = [f"<{type(value).__name__} object>"]
    text = "".join(parts)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _render(value: Any, parts: list[str], budget: int, depth: int) -> int:
    """Append `value`'s repr to `parts`, stopping after `budget` characters; what is left."""
    if budget <= 0:
        return budget
    kind = type(value)
    brackets = _BRACKETS.get(kind)
    if brackets is None or ((kind is set or kind is frozenset) and not value):
        text = _scalar_repr(value, budget)
        parts.append(text)
        return budget - len(text)
    opening, closing = brackets
    if depth >= 20:
        parts.append(opening + "...")
        return 0
    parts.append(opening)
    budget -= len(opening)
    items: Any = value.items() if kind is dict else value
    for index, item in enumerate(itertools.islice(items, budget // 3 + 1)):
        if budget <= 0:
            break
        if index:
            parts.append(", ")
            budget -= 2
        if kind is dict:
            budget = _render(item[0], parts, budget, depth + 1)
            parts.append(": ")
            budget = _render(item[1], parts, budget - 2, depth + 1)
        else:
            budget = _render(item, parts, budget, depth + 1)
    if kind is tuple and len(value) == 1:
        parts.append(",")
    parts.append(closing)
    return budget - len(closing)


_BRACKETS: dict[type, tuple[str, str]] = {
    list: ("[", "]"),
    tuple: ("(", ")"),
    dict: ("{", "}"),
    set: ("{", "}"),
    frozenset: ("frozenset({", "})"),
}


def _scalar_repr(value: Any, budget: int) -> str:
    kind = type(value)
    if (kind is set or kind is frozenset) and not value:
        return f"{kind.__name__}()"
    if kind is int and value.bit_length() > 4000:
        return f"<int of {value.bit_length()} bits>"
    if kind is str or kind is bytes or kind is bytearray:
        return repr(value[: budget + 1])
    if kind is Fraction:
        bits = max(value.numerator.bit_length(), value.denominator.bit_length())
        if bits > 4000:
            return f"<Fraction with parts of up to {bits} bits>"
    return repr(value)
