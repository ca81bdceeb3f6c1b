"""Tagged JSON for plain data crossing the sandbox boundary, and the length-prefixed frames.

Used on both sides, so it imports only the standard library. Everything the sandbox sends
back is tagged JSON. Requests, which only the sandbox decodes and only the trusted side
writes, go as `marshal` data where marshal can write them (much faster for both sides),
else as tagged JSON too. JSON arrays are lists; every other non-scalar value is a
one-key-pair object `{"#": tag, "v": payload}`:

    t tuple   d dict (list of [key, value])   s set   S frozenset   b bytes   B bytearray
    f float that JSON cannot write (nan, inf, -inf)   i int too long for JSON (hex)
    c complex   r range   q Fraction   D Decimal   o any other object ([type name, repr])

The decoder is strict: it builds only the plain types above (an `o` becomes an `Opaque`
that equals nothing but itself), so no object of the sandboxed program's making ever
reaches the trusted side. Nothing is ever pickled. Its work is linear in the payload's size:
a value that would cost more to build becomes an `Opaque` too (a set, frozenset or dict
with more than `MAX_SAME_HASH` members sharing one hash value, a Fraction or range with
parts above `MAX_FRACTION_BITS` or `_BIG_INT_BITS`), and decimal integers longer than
`_MAX_DECIMAL_DIGITS` are refused even where the interpreter's own limit is off.
"""

from __future__ import annotations

import base64
import json
import marshal
import math
import os
import sys
from collections import Counter
from json import encoder as _json_encoder
from typing import Any, Literal

FRAME_HEADER_BYTES = 4
_BIG_INT_BITS = 12_000  # ~3,600 decimal digits: below Python's 4,300-digit str() limit
_MAX_DECIMAL_DIGITS = 4_300  # decimal -> int is quadratic: longer ones are written as hex
# Decoding costs at most this many equality tests per member of a set or dict: building one
# whose members share a hash value costs one per member already in it (quadratic).
MAX_SAME_HASH = 16
# Reducing a Fraction takes a gcd, quadratic in the parts' size: beyond this, about as costly
# per byte of the reply as decoding anything else.
MAX_FRACTION_BITS = 8_192
_MAX_TEXT = 200
_SCALARS = frozenset({int, float, str, bool, type(None)})
_TAGS = frozenset("tdsSbBficrqDo")
_SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_MARSHAL = b"M"  # then the request's seq (8 bytes) and marshal data; JSON starts with "["
_MARSHAL_VERSION = 2  # no shared references: the program gets copies, as with JSON
# Types marshal writes back exactly (it would turn a bytearray or any other buffer into
# bytes, and refuses subclasses); containers of them are checked item by item.
_MARSHAL_EXACT = frozenset({int, float, str, bool, type(None), bytes, complex})
_MARSHAL_CONTAINERS = frozenset({list, tuple, set, frozenset})
# json.dumps(value, allow_nan=False, separators=(",", ":")) without building an encoder
# on every call (the C one where there is one; markers=None: _encode bounds the depth).
_C_ENCODER = getattr(_json_encoder, "c_make_encoder", None)
_ENCODE = (
    None
    if _C_ENCODER is None
    else _C_ENCODER(
        None, None, _json_encoder.encode_basestring_ascii, None, ":", ",", False, False, False
    )
)


class CodecError(ValueError):
    """A value cannot be encoded, or a payload is not valid tagged JSON."""


class Opaque:
    """A value the sandbox could not express as plain data; equal only to itself."""

    __slots__ = ("type_name", "text")

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return f"<{self.type_name} object: {self.text}>"


def _tag(tag: str, payload: Any) -> dict[str, Any]:
    return {"#": tag, "v": payload}


def _float(value: float) -> Any:
    if math.isfinite(value):
        return float(value)
    return _tag("f", "nan" if value != value else ("inf" if value > 0 else "-inf"))


def _int(value: int) -> Any:
    value = int(value)
    return value if value.bit_length() <= _BIG_INT_BITS else _tag("i", hex(value))


def _opaque(value: object, strict: bool) -> dict[str, Any]:
    if strict:
        raise CodecError(f"a {type(value).__name__} is not plain data")
    try:
        text = repr(value)[:_MAX_TEXT]
    except Exception:  # a hostile __repr__ must not stop the encoder
        text = "?"
    return _tag("o", [type(value).__qualname__[:_MAX_TEXT], text])


def _encode(value: Any, depth: int, strict: bool = False) -> Any:
    if depth > 400:
        raise CodecError("value nested more than 400 levels deep")
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        return _int(value)
    if kind is float:
        return _float(value)
    if isinstance(value, list):
        return [_encode(item, depth + 1, strict) for item in value]
    if isinstance(value, tuple):
        return _tag("t", [_encode(item, depth + 1, strict) for item in value])
    if isinstance(value, dict):
        pairs = [
            [_encode(k, depth + 1, strict), _encode(v, depth + 1, strict)] for k, v in value.items()
        ]
        return _tag("d", pairs)
    if isinstance(value, frozenset):
        return _tag("S", [_encode(item, depth + 1, strict) for item in value])
    if isinstance(value, set):
        return _tag("s", [_encode(item, depth + 1, strict) for item in value])
    if isinstance(value, int):
        return _int(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bytes):
        return _tag("b", base64.b64encode(value).decode("ascii"))
    if isinstance(value, bytearray):
        return _tag("B", base64.b64encode(value).decode("ascii"))
    if isinstance(value, complex):
        return _tag("c", [_float(value.real), _float(value.imag)])
    if isinstance(value, range):
        return _tag("r", [value.start, value.stop, value.step])
    module = getattr(kind, "__module__", "")
    if kind.__name__ == "Fraction" and module == "fractions":
        return _tag("q", [_int(value.numerator), _int(value.denominator)])
    if kind.__name__ == "Decimal" and module in ("decimal", "_decimal", "_pydecimal"):
        return _tag("D", str(value))
    return _number_or_opaque(value, strict)


def _number_or_opaque(value: Any, strict: bool) -> Any:
    # numpy scalars and the like register with the numbers ABCs: send them as numbers.
    import numbers

    if isinstance(value, numbers.Integral):
        return _int(int(value))
    if isinstance(value, numbers.Real):
        return _float(float(value))
    return _opaque(value, strict)


def dumps(value: Any, strict: bool = False) -> bytes:
    """Encode `value` as tagged JSON (UTF-8 bytes).

    An object of any other type becomes an `o` (opaque) value, or, when `strict`, an error.

    Raises:
        CodecError: the value is nested too deeply, is a recursive structure, or (when
            `strict`) holds an object that is not plain data.
    """
    if type(value) is list and {type(item) for item in value} <= _SCALARS:
        try:  # fast path: a flat list of finite scalars is already plain JSON
            return _json(value)
        except ValueError:
            pass
    try:
        plain = _encode(value, 0, strict)
    except RecursionError:
        raise CodecError("value is recursive or nested too deeply") from None
    return _json(plain)


def _json(plain: Any) -> bytes:
    if _ENCODE is None:  # pragma: no cover - CPython has the C encoder
        return json.dumps(plain, allow_nan=False, separators=(",", ":")).encode()
    return "".join(_ENCODE(plain, 0)).encode()


def request(op: str, seq: int, *fields: Any) -> bytes:
    """A request `[op, seq, *fields]` from the trusted side, for `load_request` in the child.

    Marshal data where marshal can write every field (plain data, exact built-in types),
    else tagged JSON in strict mode.

    Raises:
        CodecError: a field is not plain data.
    """
    if _marshal_exact(fields, 0):
        try:
            data = marshal.dumps((op, seq, *fields), _MARSHAL_VERSION)
            return _MARSHAL + seq.to_bytes(8, "big", signed=True) + data
        except ValueError:  # nested too deeply for marshal
            pass
    return dumps([op, seq, *fields], strict=True)


def encode_arguments(args: tuple[Any, ...]) -> tuple[bytes, Literal["marshal", "json"]]:
    """An argument tuple as a timing `put` carries it: marshal data where exact, else JSON.

    The child decodes a fresh copy from these bytes whenever it needs one (`_child._put`).

    Raises:
        CodecError: an argument is not plain data.
    """
    if _marshal_exact(args, 0):
        try:
            return marshal.dumps(args, _MARSHAL_VERSION), "marshal"
        except ValueError:  # nested too deeply for marshal
            pass
    return dumps(args, strict=True), "json"


def _marshal_exact(value: Any, depth: int) -> bool:
    """Whether marshal writes `value` back exactly: built-in plain types only, not too deep."""
    kind = type(value)
    if kind in _MARSHAL_EXACT:
        return True
    if depth > 400:
        return False
    if kind in _MARSHAL_CONTAINERS:
        return {type(item) for item in value} <= _MARSHAL_EXACT or all(
            _marshal_exact(item, depth + 1) for item in value
        )
    if kind is dict:
        return _marshal_exact(tuple(value), depth + 1) and _marshal_exact(
            tuple(value.values()), depth + 1
        )
    return False


def load_request(data: bytes) -> Any:
    """Decode what `request` wrote: a tuple (marshal) or a list (tagged JSON), `(op, seq, ...)`.

    Only ever run in the sandbox, on the trusted side's data.
    """
    if data[:1] == _MARSHAL:
        return marshal.loads(memoryview(data)[9:])
    return loads(data)


def request_seq(data: bytes) -> int:
    """The `seq` of a request, read without decoding it."""
    if data[:1] == _MARSHAL:
        return int.from_bytes(data[1:9], "big", signed=True)
    start = data.index(b",") + 1  # ["op",seq,...]
    end = start
    while data[end : end + 1].isdigit():
        end += 1
    return int(data[start:end])


def _hashes(items: list[Any], what: str) -> list[int]:
    try:
        return list(map(hash, items))
    except TypeError:
        bad = next(item for item in items if not _is_hashable(item))
        raise CodecError(f"{what} holds an unhashable {type(bad).__name__}") from None


def _is_hashable(item: Any) -> bool:
    try:
        hash(item)
    except TypeError:
        return False
    return True


def _hashed(kind: type, items: list[Any], what: str) -> Any:
    """`kind(items)` (a set, frozenset or dict of pairs) or, if too costly to build, opaque.

    A hash value's own hash is itself (bar -1), so counting them costs linear time.
    """
    keys = [pair[0] for pair in items] if kind is dict else items
    counts = Counter(_hashes(keys, what))
    shared = max(counts.values(), default=0)
    if shared > MAX_SAME_HASH:
        text = f"{len(keys)} members, {shared} with one hash value: too costly to compare"
        return Opaque(kind.__name__, text)
    return kind(items)


def _decode_b64(payload: Any) -> bytes:
    if not isinstance(payload, str):
        raise CodecError("bytes payload is not a string")
    try:
        return base64.b64decode(payload.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise CodecError("bytes payload is not base64") from None


def _decode_float(payload: Any) -> float:
    if type(payload) is float or type(payload) is int:
        return float(payload)
    raise CodecError("complex part is not a number")


def _decode_list(tag: str, payload: Any) -> Any:
    if not isinstance(payload, list):
        raise CodecError(f"tag {tag!r} needs a list")
    if tag == "t":
        return tuple(payload)
    if tag == "s":
        return _hashed(set, payload, "set")
    if tag == "S":
        return _hashed(frozenset, payload, "frozenset")
    if tag == "d":
        if not all(type(pair) is list and len(pair) == 2 for pair in payload):
            raise CodecError("dict payload is not a list of pairs")
        return _hashed(dict, payload, "dict key")
    if tag == "c" and len(payload) == 2:
        return complex(_decode_float(payload[0]), _decode_float(payload[1]))
    if tag == "r" and len(payload) == 3 and all(type(x) is int for x in payload):
        if payload[2] == 0:
            raise CodecError("range step is zero")
        if _bits(payload) > _BIG_INT_BITS:  # its length is a division of the parts
            return Opaque("range", f"parts of up to {_bits(payload)} bits: too large to decode")
        return range(*payload)
    if tag == "q" and len(payload) == 2 and all(type(x) is int for x in payload):
        from fractions import Fraction

        if payload[1] == 0:
            raise CodecError("fraction denominator is zero")
        if _bits(payload) > MAX_FRACTION_BITS:
            return Opaque("Fraction", f"parts of up to {_bits(payload)} bits: too large to reduce")
        return Fraction(payload[0], payload[1])
    if tag == "o" and len(payload) == 2 and all(type(x) is str for x in payload):
        return Opaque(payload[0][:_MAX_TEXT], payload[1][:_MAX_TEXT])
    raise CodecError(f"malformed payload for tag {tag!r}")


def _bits(numbers: list[int]) -> int:
    return max(x.bit_length() for x in numbers)


def _decode_text(tag: str, payload: Any) -> Any:
    if not isinstance(payload, str):
        raise CodecError(f"tag {tag!r} needs a string")
    if tag == "f" and payload in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[payload]
    if tag == "i":  # hex: linear time, and the frame's size bounds it (max_reply_mb)
        try:
            return int(payload, 16)
        except ValueError:
            raise CodecError("malformed integer") from None
    if tag == "D" and len(payload) <= 1000:
        from decimal import Decimal, InvalidOperation

        try:
            return Decimal(payload)
        except InvalidOperation:
            raise CodecError("malformed decimal") from None
    raise CodecError(f"malformed payload for tag {tag!r}")


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) != 2 or "#" not in obj or "v" not in obj:
        raise CodecError("object is not a tagged value")
    tag, payload = obj["#"], obj["v"]
    if tag not in _TAGS:
        raise CodecError(f"unknown tag {str(tag)[:20]!r}")
    if tag == "b":
        return _decode_b64(payload)
    if tag == "B":
        return bytearray(_decode_b64(payload))
    if tag in ("f", "i", "D"):
        return _decode_text(tag, payload)
    return _decode_list(tag, payload)


def _decimal_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_DECIMAL_DIGITS:
        raise CodecError(f"an integer of more than {_MAX_DECIMAL_DIGITS} decimal digits")
    return int(text)


_DECODER = json.JSONDecoder(object_hook=_hook)
# For an interpreter whose int-to-str limit is off (or raised): each int checked first.
_BOUNDED_DECODER = json.JSONDecoder(object_hook=_hook, parse_int=_decimal_int)


def _decoder() -> json.JSONDecoder:
    limit = sys.get_int_max_str_digits()
    return _DECODER if 0 < limit <= _MAX_DECIMAL_DIGITS else _BOUNDED_DECODER


def loads(data: bytes | str) -> Any:
    """Decode tagged JSON into plain Python values.

    Raises:
        CodecError: the payload is not valid tagged JSON (bad syntax, unknown tag, unhashable
            set element or dict key, too deep, trailing data).
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
        value, end = _decoder().raw_decode(text)
        if end != len(text):
            raise ValueError("trailing data")
        return value
    except CodecError:
        raise
    except (ValueError, TypeError, RecursionError, MemoryError, UnicodeDecodeError) as exc:
        raise CodecError(f"not valid tagged JSON: {type(exc).__name__}: {exc}"[:300]) from None


def frame(payload: bytes) -> bytes:
    """`payload` with its 4-byte big-endian length in front."""
    return len(payload).to_bytes(FRAME_HEADER_BYTES, "big") + payload


class FrameReader:
    """Reads frames from a blocking `fd`, a whole small frame in one read(2) where it can."""

    def __init__(self, fd: int) -> None:
        self.fd, self.buffer = fd, bytearray()

    def read(self) -> bytes | None:
        """The next frame's payload, or None at end of file."""
        buffer, wanted = self.buffer, 1 << 12
        while True:
            if len(buffer) >= FRAME_HEADER_BYTES:
                end = FRAME_HEADER_BYTES + int.from_bytes(buffer[:FRAME_HEADER_BYTES], "big")
                if len(buffer) >= end:
                    payload = bytes(buffer[FRAME_HEADER_BYTES:end])
                    del buffer[:end]
                    return payload
                wanted = min(end - len(buffer), 1 << 20)  # read(2) allocates what it asks for
            chunk = os.read(self.fd, wanted)
            if not chunk:
                return None
            buffer += chunk


def read_frame(fd: int) -> bytes | None:
    """One frame's payload from a blocking `fd` (no read-ahead), or None at end of file."""
    header = _read_exact(fd, FRAME_HEADER_BYTES)
    if len(header) < FRAME_HEADER_BYTES:
        return None
    size = int.from_bytes(header, "big")
    payload = _read_exact(fd, size)
    return payload if len(payload) == size else None


def _read_exact(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def write_all(fd: int, data: bytes) -> None:
    """Write all of `data` to a blocking `fd`."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
