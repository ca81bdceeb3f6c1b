"""The sandboxed child's side: load the program, then answer one request per candidate call.

Runs in the forked child after its set-up, so it imports only the standard library. Nothing
here is trusted: the program can patch any of it. It only ever hands back plain data (return
values and exception names, as tagged JSON); the trusted side decides every verdict.

Requests are `[op, seq, ...]` (marshal tuples or tagged-JSON arrays: `_codec.request`, written
only by the trusted side) and every reply (tagged JSON) repeats `seq`, so a frame the program
writes on its own is never taken for the answer to a later request. `["job", 0, code,
entry_point, limits or null]` comes once (limits only when the trusted side could not set them
with prlimit), then `["call", n, args, kwargs]` and `["ping", n]`, and for timing (see
`codeeval.sandbox._timing`): `["put", n, payload, encoding, copies]` (decode the argument
tuple, and `copies` fresh copies of it; drop the previous results; an empty payload keeps
the arguments), `["once", n]` (one call
on it), `["reps", n, count, fresh]` (`count` calls in a row, each on a fresh copy or all on
the same arguments, results kept until the next `put`) and `["check", n]` (the first call's
result fingerprint, and whether that call changed its arguments). Replies: `["ready", 0]`,
`["syntax", 0, message, line, text]`, `["raised", 0, type, message, where]`,
`["missing", 0, message]`, `["ok", n, value]`, `["exc", n, type, message, where]`,
`["put", n]`, `["ran", n]`, `["check", n, "v" or "h", value or sha256 digest, changed]`,
`["pong", n]`.
"""

from __future__ import annotations

import builtins
import gc
import hashlib
import marshal
import os
import resource
import sys
import types
from typing import Any

from codeeval.sandbox import _codec

REQUEST_FD, REPLY_FD = 3, 4
# The exit status of a child whose set-up failed before it could serve (the zygote exits
# the forked child with it; the trusted side reports it as a sandbox failure).
SETUP_FAILED_EXIT = 71
MODULE_NAME = "__candidate__"
_SOURCE: list[str] = []  # the program's lines, for error messages
FILENAME = "<candidate>"
_MEMORY_REPLY = b'["exc",%d,"MemoryError","out of memory",""]'
_UNENCODABLE = b'{"#":"o","v":["unencodable","a recursive or too deeply nested value"]}'


def _send(fd: int, payload: bytes) -> None:
    _codec.write_all(fd, _codec.frame(payload))


def _text(value: object, limit: int = 2000) -> str:
    try:
        return str(value)[:limit]
    except BaseException:  # a hostile __str__ must not take the harness down
        return "?"


def _where(exc: BaseException) -> str:
    try:
        line, tb = 0, exc.__traceback__
        while tb is not None:  # the innermost frame of the program's own code
            if tb.tb_frame.f_code.co_filename == FILENAME:
                line = tb.tb_lineno
            tb = tb.tb_next
        if not line:
            return ""
        text = _SOURCE[line - 1].strip() if line <= len(_SOURCE) else ""
        return f"line {line}: {text}"[:500]
    except BaseException:
        return ""


def _exception_reply(tag: str, seq: int, exc: BaseException) -> bytes:
    try:
        name = _text(type(exc).__name__, 200)
        return _codec.dumps([tag, seq, name, _text(exc), _where(exc)])
    except MemoryError:
        return _MEMORY_REPLY % seq
    except BaseException:
        return b'["exc",%d,"BaseException","unreportable exception",""]' % seq


def _apply_limits(limits: dict[str, int]) -> None:
    memory = limits["memory_mb"] * 1024 * 1024
    for name, value in (
        ("RLIMIT_AS", memory),
        ("RLIMIT_FSIZE", limits["output_bytes"]),
        ("RLIMIT_NPROC", limits["processes"]),
        ("RLIMIT_NOFILE", limits["open_files"]),
        ("RLIMIT_CPU", limits["cpu_s"]),
        ("RLIMIT_CORE", limits["core"]),
        ("RLIMIT_MSGQUEUE", limits["core"]),
    ):
        number = getattr(resource, name)
        _, hard = resource.getrlimit(number)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(number, (value, value))


def _load(code: str, entry_point: str) -> tuple[bytes, Any]:
    try:
        compiled = compile(code, FILENAME, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:  # ValueError: the source holds a NUL byte
        line = getattr(exc, "lineno", None)
        text = _text(getattr(exc, "text", "") or "", 300).strip()
        return _codec.dumps(["syntax", 0, _text(getattr(exc, "msg", exc)), line, text]), None
    except BaseException as exc:  # MemoryError, RecursionError in the compiler
        return _exception_reply("raised", 0, exc), None
    _SOURCE[:] = code.splitlines()
    cache = getattr(sys.modules.get("linecache"), "cache", None)
    if cache is not None:  # so that tracebacks the program prints show its lines
        cache[FILENAME] = (len(code), None, code.splitlines(True), FILENAME)
    module = types.ModuleType(MODULE_NAME)
    module.__dict__["__builtins__"] = builtins
    sys.modules[MODULE_NAME] = module
    try:
        exec(compiled, module.__dict__)
    except BaseException as exc:
        return _exception_reply("raised", 0, exc), None
    function = module.__dict__.get(entry_point)
    if function is None:
        return _codec.dumps(["missing", 0, f"the program defines no {entry_point}()"]), None
    if not callable(function):
        message = f"{entry_point} is a {type(function).__name__}, not a function"
        return _codec.dumps(["missing", 0, message]), None
    return b'["ready",0]', function


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass


def _call(function: Any, seq: int, args: list[Any], kwargs: dict[str, Any] | None) -> bytes:
    try:
        result = function(*args, **(kwargs or {}))
    except BaseException as exc:
        _flush()
        return _exception_reply("exc", seq, exc)
    _flush()
    try:
        body = _codec.dumps(result)
    except _codec.CodecError:
        body = _UNENCODABLE
    except MemoryError:
        return _MEMORY_REPLY % seq
    except BaseException as exc:  # the value's own __iter__, __repr__, ... raised
        return _exception_reply("exc", seq, exc)
    return b'["ok",%d,' % seq + body + b"]"


# -- timing: inputs decoded before the clock, calls repeated, results fingerprinted ----------

# A result whose encoding is at most this long is sent back whole (the grader compares it
# with the reference's, floats within tolerance); a longer one as a digest of its canonical
# encoding (dicts and sets in sorted order, floats exact).
SMALL_RESULT_BYTES = 1 << 16
_PLAIN_SCALARS = frozenset({int, str, float, bool, type(None), bytes})


class _Timing:
    """The inputs and results of the point being timed."""

    payload: bytes = b""
    encoding = "marshal"
    args: tuple[Any, ...] = ()
    copies: list[Any] = []
    results: list[Any] = []
    first: Any = None


def _decode_args(payload: bytes, encoding: str) -> Any:
    return marshal.loads(payload) if encoding == "marshal" else _codec.loads(payload)


def _put(seq: int, payload: bytes, encoding: str, copies: int) -> bytes:
    _Timing.results, _Timing.copies = [], []  # freed here, not timed
    try:
        if payload:  # else: the same arguments again, only the results dropped
            _Timing.first = None
            _Timing.payload, _Timing.encoding = payload, encoding
            _Timing.args = tuple(_decode_args(payload, encoding))
        decode, stored = _decode_args, _Timing.payload
        _Timing.copies = [tuple(decode(stored, _Timing.encoding)) for _ in range(copies)]
    except BaseException as exc:
        _Timing.copies = []
        return _exception_reply("exc", seq, exc)
    return b'["put",%d]' % seq


def _timed(seq: int, calls: Any) -> bytes:
    """Run `calls()` with the cyclic garbage collector paused (as timeit does)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        calls()
    except BaseException as exc:
        _flush()
        return _exception_reply("exc", seq, exc)
    finally:
        if enabled:
            gc.enable()
    _flush()
    return b'["ran",%d]' % seq


def _once(function: Any, seq: int) -> bytes:
    def call() -> None:
        _Timing.first = function(*_Timing.args)

    return _timed(seq, call)


def _reps(function: Any, seq: int, count: int, fresh: bool) -> bytes:
    keep = _Timing.results.append  # results are freed at the next put, not while timed

    def calls() -> None:
        if fresh:
            for args in _Timing.copies[:count]:
                keep(function(*args))
        else:
            args = _Timing.args
            for _ in range(count):
                keep(function(*args))

    return _timed(seq, calls)


def _canonical(value: Any) -> bytes:
    """An encoding of plain data equal for equal values: dicts and sets in sorted order."""
    kind = type(value)
    if kind is list or kind is tuple:
        if _PLAIN_SCALARS.issuperset(map(type, value)):
            return _codec.dumps(value)
        inner = b",".join(map(_canonical, value))
        return (b"L[" if kind is list else b"T[") + inner + b"]"
    if kind is dict:
        pairs = sorted((_canonical(k), _canonical(v)) for k, v in value.items())
        return b"D{" + b",".join(k + b":" + v for k, v in pairs) + b"}"
    if kind is set or kind is frozenset:
        items = sorted(map(_canonical, value))
        return (b"S{" if kind is set else b"F{") + b",".join(items) + b"}"
    return _codec.dumps(value)


def _check(seq: int) -> bytes:
    """The first call's result (or its digest) and whether that call changed its arguments."""
    try:
        if _Timing.encoding == "marshal":
            changed = marshal.dumps(_Timing.args, 2) != _Timing.payload
        else:
            changed = _codec.dumps(_Timing.args, strict=True) != _Timing.payload
    except BaseException:  # arguments that no longer encode have changed
        changed = True
    flag = b"true" if changed else b"false"
    try:
        body = _codec.dumps(_Timing.first)
        if len(body) <= SMALL_RESULT_BYTES:
            return b'["check",%d,"v",%s,%s]' % (seq, body, flag)
        digest = hashlib.sha256(_canonical(_Timing.first)).hexdigest().encode()
    except MemoryError:
        return _MEMORY_REPLY % seq
    except BaseException as exc:  # unencodable, or the value's own methods raised
        return _exception_reply("exc", seq, exc)
    return b'["check",%d,"h","%s",%s]' % (seq, digest, flag)


_WARM_UP_PROGRAM = '''
from typing import List, Dict, Optional, Tuple
import math


class Pair:
    """A docstring."""

    def __init__(self, first: int, second: int) -> None:
        self.first, self.second = first, second


def f(values: List[int], scale: float = 1.0) -> Dict[str, Optional[Tuple[int, float]]]:
    """Return a summary of `values`.

    >>> f([1, 2])
    """
    try:
        total = sum(v * scale for v in values if v % 2 == 0)
    except (TypeError, ValueError) as exc:
        raise RuntimeError(f"bad: {exc!r}") from exc
    squares = [v ** 2 for v in values]
    lookup = {str(k): (k, math.sqrt(abs(k))) for k in squares}
    words = " ".join(sorted(lookup, key=lambda key: (len(key), key)))
    while total > 10 and not words.startswith("x"):
        total //= 2
    return {"total": (int(total), float(total)), "words": None, **lookup} if values else {}
'''


def warm_up(rounds: int = 64) -> None:
    """Run the child's hot paths in the zygote, once, before any fork.

    The interpreter then specialises their bytecode (and initialises the compiler's state)
    here, instead of in every child.
    """
    sample = [[1, 2.5, "x", None, True], (3, 4), {"k": [5]}, {6, 7}, b"8", -0.0, 10**40]
    for seq in range(rounds):
        message = _codec.loads(_codec.dumps(["call", seq, sample, {"key": 1}]))
        _call(len, seq, message[2], None)
        _call(sorted, seq, [message[2][0][:2]], None)
        _call(divmod, seq, [1, 0], None)
        _codec.load_request(_codec.request("call", seq, sample, {"key": 1}))
        _codec.load_request(_codec.request("job", 0, _WARM_UP_PROGRAM, "f", None))
    reply, function = _load(_WARM_UP_PROGRAM, "f")
    for seq in range(rounds):
        _call(function, seq, [[1, 2, 3, 4]], None)
    requests = [
        _codec.request("job", 0, _WARM_UP_PROGRAM, "f", None),
        _codec.request("call", 1, ([1, 2, 3, 4],), None),
        _codec.request("call", 2, ([5, 6],), {"scale": 2.0}),
        _codec.dumps(["call", 3, [[7]], None]),
        _codec.request("ping", 4),
    ]
    frames = b"".join(_codec.frame(request) for request in requests)
    for _ in range(rounds // 4):  # the whole of serve(), as a child runs it, on pipes
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        _codec.write_all(request_write, frames)
        os.close(request_write)
        try:
            serve(request_read, reply_write)
        finally:
            for fd in (request_read, reply_write):
                os.close(fd)
            while os.read(reply_read, 1 << 16):
                pass
            os.close(reply_read)
    sys.modules.pop(MODULE_NAME, None)
    _SOURCE.clear()


def serve(request_fd: int = REQUEST_FD, reply_fd: int = REPLY_FD) -> None:
    """Read the job, load the program, then answer requests until the grader hangs up."""
    reader = _codec.FrameReader(request_fd)
    raw = reader.read()
    if raw is None:
        return
    _, _, code, entry_point, limits = _codec.load_request(raw)
    sys.argv = ["candidate"]
    if limits:
        _apply_limits(limits)
    reply, function = _load(code, entry_point)
    del raw, code
    _flush()
    _send(reply_fd, reply)
    if function is None:
        return
    while True:
        raw = reader.read()
        if raw is None:
            return
        seq = _codec.request_seq(raw)
        try:
            message = _codec.load_request(raw)
        except MemoryError:
            _send(reply_fd, _MEMORY_REPLY % seq)
            continue
        op = message[0]
        if op == "call":
            reply = _call(function, seq, message[2], message[3])
        elif op == "put":
            reply = _put(seq, message[2], message[3], message[4])
        elif op == "once":
            reply = _once(function, seq)
        elif op == "reps":
            reply = _reps(function, seq, message[2], message[3])
        elif op == "check":
            reply = _check(seq)
        else:
            reply = b'["pong",%d]' % seq
        del raw, message
        _send(reply_fd, reply)
