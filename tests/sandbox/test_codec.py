from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from codeeval.sandbox._codec import (
    CodecError,
    Opaque,
    dumps,
    frame,
    load_request,
    loads,
    request,
    request_seq,
)

ROUND_TRIPS: list[Any] = [
    None,
    True,
    0,
    -7,
    10**5000,
    -(10**5000),
    1.5,
    -0.0,
    "héllo\n\x00",
    "",
    [],
    [1, [2, [3, "x"]]],
    (),
    (1, (2, 3)),
    {"a": 1},
    {(1, 2): "tuple key", 3: [4], None: None, "": {"nested": (5,)}},
    {1, 2, 3},
    frozenset({(1, 2), "x"}),
    set(),
    b"\x00\xffbytes",
    bytearray(b"ba"),
    2 + 3j,
    range(1, 10, 3),
    Fraction(3, 7),
    Decimal("1.10"),
    [True, 1, 1.0, "1", None],
]


@pytest.mark.parametrize("value", ROUND_TRIPS, ids=lambda v: type(v).__name__)
def test_plain_values_round_trip_with_their_types(value: Any) -> None:
    decoded = loads(dumps(value))
    assert decoded == value
    assert type(decoded) is type(value)
    # repr pins nested types (1 vs 1.0 vs True); a set's repr order depends on hashing.
    if isinstance(value, set | frozenset):
        assert sorted(map(repr, decoded)) == sorted(map(repr, value))
    elif not isinstance(value, int) or abs(value) < 10**100:
        assert repr(decoded) == repr(value)


def test_special_floats_round_trip() -> None:
    inf, minus_inf, nan = loads(dumps([math.inf, -math.inf, math.nan]))
    assert inf == math.inf and minus_inf == -math.inf and math.isnan(nan)
    assert math.copysign(1.0, loads(dumps(-0.0))) == -1.0
    real, imag = (lambda c: (c.real, c.imag))(loads(dumps(complex(math.inf, math.nan))))
    assert real == math.inf and math.isnan(imag)


def test_tuples_lists_and_bools_stay_distinct() -> None:
    assert loads(dumps([(1, 2), [1, 2]])) == [(1, 2), [1, 2]]
    assert loads(dumps([True, 1]))[0] is True
    assert loads(dumps((1,))) != [1]


def test_subclasses_and_numeric_duck_types_become_plain_values() -> None:
    class Sneaky(list):  # type: ignore[type-arg]
        def __eq__(self, other: object) -> bool:
            return True

    class Number(int):
        pass

    decoded = loads(dumps([Sneaky([1]), Number(5), "s"]))
    assert decoded == [[1], 5, "s"]
    assert type(decoded[0]) is list and type(decoded[1]) is int
    assert decoded[0] != [2]


def test_unknown_objects_become_opaque_and_equal_nothing() -> None:
    class AlwaysEqual:
        def __eq__(self, other: object) -> bool:
            return True

        def __repr__(self) -> str:
            return "<always>"

    (decoded,) = loads(dumps([AlwaysEqual()]))
    assert isinstance(decoded, Opaque)
    assert decoded != 4 and decoded != decoded.__class__("x", "y")
    assert decoded.type_name.endswith("AlwaysEqual") and decoded.text == "<always>"
    with pytest.raises(CodecError, match="not plain data"):
        dumps([AlwaysEqual()], strict=True)


def test_recursive_and_too_deep_values_are_refused() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(CodecError):
        dumps(loop)
    deep: list[Any] = []
    for _ in range(1000):
        deep = [deep]
    with pytest.raises(CodecError):
        dumps(deep)


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b'{"a": 1}', "not a tagged value"),
        (b'{"#": "pickle", "v": "gASV"}', "unknown tag 'pickle'"),
        (b'{"#": 7, "v": 1}', "unknown tag '7'"),
        (b'{"#": "t", "v": 1}', "needs a list"),
        (b'{"#": "s", "v": [[1]]}', "unhashable list"),
        (b'{"#": "d", "v": [[[1], 2]]}', "unhashable list"),
        (b'{"#": "d", "v": [[1]]}', "not a list of pairs"),
        (b'{"#": "i", "v": "0xfg"}', "malformed integer"),
        (b'{"#": "b", "v": "***"}', "not base64"),
        (b'{"#": "r", "v": [1, 2, 0]}', "step is zero"),
        (b"[1] [2]", "trailing data"),
        (b"[" * 100_000 + b"]" * 100_000, "RecursionError"),
        (b"\xff\xfe", "not valid tagged JSON"),
        (b"1" * 5000, "not valid tagged JSON"),
    ],
)
def test_the_decoder_refuses_anything_but_tagged_plain_data(payload: bytes, problem: str) -> None:
    with pytest.raises(CodecError, match=problem):
        loads(payload)


def test_a_big_integer_goes_through_whatever_its_size() -> None:
    # Bounded by the frame's size only (max_reply_mb); hex decodes in linear time.
    big = 10**1_000_000
    assert loads(dumps([big, -big])) == [big, -big]


def test_frames_carry_their_length() -> None:
    assert frame(b"abc") == b"\x00\x00\x00\x03abc"


@pytest.mark.parametrize("value", ROUND_TRIPS, ids=lambda v: type(v).__name__)
def test_requests_carry_plain_values_with_their_types(value: Any) -> None:
    encoded = request("call", 12, (value,), {"key": value})
    op, seq, (decoded,), kwargs = load_request(encoded)
    assert (op, seq, request_seq(encoded)) == ("call", 12, 12)
    assert decoded == value == kwargs["key"] and type(decoded) is type(value)


def test_requests_that_marshal_cannot_write_exactly_go_as_strict_tagged_json() -> None:
    class Number(int):
        pass

    encoded = request("call", 3, ([Number(5)], bytearray(b"x"), Fraction(1, 3)), None)
    assert encoded.startswith(b'["call",3,')
    assert request_seq(encoded) == 3
    assert load_request(encoded) == ["call", 3, ([5], bytearray(b"x"), Fraction(1, 3)), None]
    assert type(load_request(encoded)[2][1]) is bytearray
    with pytest.raises(CodecError, match="not plain data"):
        request("call", 5, (object(),), None)


def test_a_request_gives_the_program_copies_of_shared_values() -> None:
    shared = [1]
    first, second = load_request(request("call", 4, ([shared, shared],), None))[2][0]
    assert first == second == [1] and first is not second
