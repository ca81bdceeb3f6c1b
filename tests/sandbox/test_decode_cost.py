"""The trusted side's work on a reply is bounded by the reply's size, whatever the program sends.

A set whose members share one hash value costs quadratic time to build, as does the gcd of a
Fraction of two huge integers: the decoder hands such values over as opaque (equal to nothing)
instead. The property test checks the bound itself: no decoded container holds more than
`MAX_SAME_HASH` members with one hash, so building it costs at most that many comparisons per
member. `benchmarks/decode.py` prints the time per MB against plain lists.
"""

from __future__ import annotations

import sys
from collections import Counter
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeeval.sandbox._codec import MAX_FRACTION_BITS, MAX_SAME_HASH, CodecError, Opaque, loads
from codeeval.sandbox._compare import short_repr

P = 2**61 - 1  # hash(k * P) == 0 for every int k


def _ints(values: list[int]) -> bytes:
    return b",".join(str(v).encode() for v in values)


def _tag(tag: str, body: bytes) -> bytes:
    return b'{"#":"%s","v":[%s]}' % (tag.encode(), body)


def _colliding(count: int) -> list[int]:
    return [k * P for k in range(1, count + 1)]


@pytest.mark.parametrize("tag", ["s", "S"])
def test_a_set_whose_members_share_a_hash_is_opaque(tag: str) -> None:
    decoded = loads(_tag(tag, _ints(_colliding(20_000))))
    assert isinstance(decoded, Opaque)
    assert decoded.type_name == ("set" if tag == "s" else "frozenset")
    assert "20000 members, 20000 with one hash" in decoded.text
    assert decoded != decoded.__class__(decoded.type_name, decoded.text)


def test_dict_keys_tuples_and_floats_that_share_a_hash_are_opaque() -> None:
    pairs = b",".join(b"[%d,0]" % v for v in _colliding(5000))
    assert isinstance(loads(_tag("d", pairs)), Opaque)
    tuples = b",".join(_tag("t", str(v).encode()) for v in _colliding(5000))
    assert isinstance(loads(_tag("s", tuples)), Opaque)
    # ints and floats with hash 1 (2**61 is 1 modulo P): distinct values, one hash.
    mixed = [str(1 + k * P).encode() for k in range(1, 2000)]
    mixed += [repr(2.0 ** (61 * k)).encode() for k in range(1, 16)]
    assert isinstance(loads(_tag("S", b",".join(mixed))), Opaque)


def test_sets_with_a_few_shared_hashes_decode_as_sets() -> None:
    few = _colliding(MAX_SAME_HASH) + [-1, -2]
    assert loads(_tag("s", _ints(few))) == set(few)
    pairs = b",".join(b"[%d,%d]" % (v, i) for i, v in enumerate(few))
    assert loads(_tag("d", pairs)) == {v: i for i, v in enumerate(few)}


def test_a_fraction_too_large_to_reduce_is_opaque() -> None:
    large = (1 << MAX_FRACTION_BITS) + 1
    body = b'{"#":"i","v":"%s"},{"#":"i","v":"%s"}' % (
        hex(3 * large).encode(),
        hex(7 * large).encode(),
    )
    decoded = loads(_tag("q", body))
    assert isinstance(decoded, Opaque) and decoded.type_name == "Fraction"
    fits = (1 << (MAX_FRACTION_BITS - 8)) + 1
    body = b'{"#":"i","v":"%s"},{"#":"i","v":"%s"}' % (hex(3 * fits).encode(), hex(7).encode())
    assert loads(_tag("q", body)) == Fraction(3 * fits, 7)


def test_a_range_of_huge_integers_is_opaque() -> None:
    huge = hex(1 << 100_000).encode()
    body = b'0,{"#":"i","v":"%s"},{"#":"i","v":"%s"}' % (huge, hex((1 << 60_000) + 1).encode())
    assert isinstance(loads(_tag("r", body)), Opaque)
    assert loads(_tag("r", b"0,%d,3" % 10**30)) == range(0, 10**30, 3)


def test_decimal_integers_stay_bounded_when_the_interpreter_limit_is_off() -> None:
    digits = b"7" * 100_000  # quadratic to convert; the encoder writes such ints as hex
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        with pytest.raises(CodecError, match="integer of more than"):
            loads(b"[" + digits + b"]")
        assert loads(b"[" + b"7" * 4000 + b"]") == [int("7" * 4000)]
    finally:
        sys.set_int_max_str_digits(previous)


# Replies of any shape, with members chosen to share hashes.
_SCALARS = st.one_of(
    st.sampled_from(_colliding(40)),
    st.integers(),
    st.floats(allow_nan=False),
    st.sampled_from([2.0 ** (61 * k) for k in range(16)]),
    st.text(max_size=3),
    st.none(),
    st.booleans(),
)


def _encode(value: Any) -> bytes:
    if isinstance(value, tuple) and value and value[0] in ("s", "S", "t", "d", "q"):
        tag, items = value
        if tag == "d":
            return _tag("d", b",".join(b"[%s,0]" % _encode(item) for item in items))
        if tag == "q":
            return _tag("q", b"%s,%s" % (_encode(items[0]), _encode(items[1])))
        return _tag(tag, b",".join(_encode(item) for item in items))
    if isinstance(value, list):
        return b"[" + b",".join(_encode(item) for item in value) + b"]"
    if isinstance(value, int) and not isinstance(value, bool):
        return b'{"#":"i","v":"%s"}' % hex(value).encode()
    import json

    return json.dumps(value).encode()


_HASHABLE = st.recursive(
    _SCALARS,
    lambda inner: st.tuples(st.just("t"), st.lists(inner, max_size=30)).map(tuple),
    max_leaves=60,
)
_REPLIES = st.recursive(
    _HASHABLE,
    lambda inner: st.one_of(
        st.lists(inner, max_size=30),
        st.tuples(st.sampled_from(["s", "S", "d"]), st.lists(_HASHABLE, max_size=60)),
        st.tuples(
            st.just("q"),
            st.tuples(
                st.integers(min_value=-(1 << 20_000), max_value=1 << 20_000),
                st.integers(min_value=1, max_value=1 << 20_000),
            ),
        ),
    ),
    max_leaves=120,
)


def _containers(value: Any) -> list[Any]:
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, set | frozenset | dict | Fraction):
            found.append(item)
        if isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
    return found


@settings(max_examples=300, deadline=None)
@given(_REPLIES)
def test_no_decoded_container_costs_more_than_its_size_to_build(reply: Any) -> None:
    try:
        decoded = loads(_encode(reply))
    except CodecError:
        return
    for container in _containers(decoded):
        if isinstance(container, Fraction):
            assert container.numerator.bit_length() <= MAX_FRACTION_BITS
            assert container.denominator.bit_length() <= MAX_FRACTION_BITS
        else:
            shared = Counter(map(hash, container)).most_common(1)
            assert not shared or shared[0][1] <= MAX_SAME_HASH


def test_failure_messages_show_any_value_in_bounded_text() -> None:
    assert short_repr(10**100_000) == "<int of 332193 bits>"
    assert short_repr(-(10**20)) == "-100000000000000000000"
    text = short_repr(list(range(10**6)))
    assert text.startswith("[0, 1, 2, ") and text.endswith("...") and len(text) <= 200
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    assert short_repr(deep).startswith("[[[[")
    assert short_repr({1: "a", (2, 3.5): {4}}) == "{1: 'a', (2, 3.5): {4}}"
    assert short_repr(Opaque("Thing", "x")) == "<Thing object: x>"
