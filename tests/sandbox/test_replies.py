"""Whatever frames come back on the reply pipe, the trusted side ends in a verdict, never a crash.

`ChildSession` reads replies from a real pipe here, written by a thread that plays the child.
"""

from __future__ import annotations

import json
import os
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codeeval.sandbox import _codec
from codeeval.sandbox._session import ChildSession, SessionDown
from codeeval.types import Status

LIMITS = {"memory_mb": 64, "output_bytes": 1000, "processes": 1, "open_files": 8, "cpu_s": 5}


class PipeChild:
    """A `ChildHandle` whose replies are fixed bytes, written by a thread into a real pipe."""

    def __init__(self, replies: bytes) -> None:
        self._requests_read, self.request_fd = os.pipe()
        self.reply_fd, reply_write = os.pipe()
        os.set_blocking(self.request_fd, False)
        os.set_blocking(self.reply_fd, False)
        self._writer = threading.Thread(target=self._write, args=(reply_write, replies))
        self._writer.start()
        self._open = [self._requests_read, self.request_fd, self.reply_fd]

    @staticmethod
    def _write(fd: int, data: bytes) -> None:
        try:
            _codec.write_all(fd, data)
        except BrokenPipeError:
            pass
        finally:
            os.close(fd)

    def cpu_seconds(self) -> float | None:
        return None

    def apply_limits(self, limits: dict[str, int]) -> bool:
        return True

    def finish(self, want_status: bool = False) -> tuple[int, bool] | None:
        for fd in self._open:
            os.close(fd)
        self._open = []
        self._writer.join()
        return (0, False) if want_status else None

    def output(self, limit: int) -> tuple[bytes, int]:
        return b"", 0


def _session(replies: bytes) -> ChildSession:
    return ChildSession(
        PipeChild(replies), wall_factor=3.0, max_reply_bytes=1 << 20, output_bytes=1000
    )


def _load(replies: bytes) -> tuple[Status | None, str]:
    session = _session(replies)
    try:
        return session.load("code", "f", LIMITS, 2.0)
    finally:
        session.close()


def _frames(*replies: bytes) -> bytes:
    return b"".join(_codec.frame(reply) for reply in replies)


HUGE = b'{"#":"i","v":"%s"}' % hex(10**4999).encode()


@pytest.mark.parametrize(
    "reply",
    [
        b'["syntax",0,%s,1,"x"]' % HUGE,
        b'["syntax",0,"bad",%s,"x"]' % HUGE,
        b'["syntax",0,"bad",1,%s]' % HUGE,
        b'["syntax",0,"bad",true,"x"]',
        b'["syntax",0,"bad",1]',
        b'["raised",0,"ValueError",%s,""]' % HUGE,
        b'["raised",0,"ValueError","x"]',
        b'["missing",0,["x"]]',
        b'["ready",0,"extra"]',
        b'["ok",0,1]',
        b'["ready"]',
        b'["ready",%s]' % HUGE,
    ],
)
def test_a_malformed_load_reply_is_the_programs_error(reply: bytes) -> None:
    with pytest.raises(SessionDown) as down:
        _load(_frames(reply))
    assert down.value.status is Status.ERROR
    assert "malformed reply" in down.value.message or "out of turn" in down.value.message


def test_well_formed_load_replies_are_read_with_bounded_messages() -> None:
    assert _load(_frames(b'["ready",0]')) == (None, "")
    long = "x" * 100_000
    status, message = _load(_frames(json.dumps(["syntax", 0, long, 3, long]).encode()))
    assert status is Status.SYNTAX_ERROR
    assert message.startswith("line 3: xxx") and len(message) < 5000
    status, message = _load(_frames(b'["syntax",0,"invalid syntax",null,null]'))
    assert (status, message) == (Status.SYNTAX_ERROR, "invalid syntax")
    status, message = _load(_frames(b'["raised",0,"MemoryError","","line 2: x = []"]'))
    assert status is Status.MEMORY_LIMIT and message.endswith("(line 2: x = [])")


@pytest.mark.parametrize(
    "reply",
    [b'["ok",0]', b'["ok",0,1,2]', b'["exc",0,"ValueError",1,""]', b'["pong",0]', b'["ran",0]'],
)
def test_a_malformed_call_reply_is_the_programs_error(reply: bytes) -> None:
    session = _session(_frames(reply))
    try:
        with pytest.raises(SessionDown) as down:
            session.call((1,), {})
    finally:
        session.close()
    assert down.value.status is Status.ERROR


# -- fuzzing: arbitrary frames, many shaped like replies -------------------------------------

_HUGE = st.sampled_from([4999, -6000, 30103]).map(
    lambda k: {"#": "i", "v": hex(10 ** abs(k) * (1 if k > 0 else -1))}
)
_TAGGED = st.one_of(
    _HUGE,
    st.integers().map(lambda v: {"#": "i", "v": hex(v)}),
    st.builds(lambda t, v: {"#": t, "v": v}, st.sampled_from([*"tdsSbBficrqDo", "x"]), st.just([])),
    st.lists(st.text(max_size=5), max_size=3).map(lambda v: {"#": "o", "v": v}),
    st.sampled_from(["nan", "inf", "-inf", "1"]).map(lambda v: {"#": "f", "v": v}),
)
_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(), _TAGGED),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=20,
)
# What each reply holds after [tag, seq]: the fuzzer fills these slots with anything.
_ARITY = {"ready": 0, "syntax": 3, "raised": 3, "missing": 1, "ok": 1, "exc": 3}
_ARITY |= {"put": 0, "ran": 0, "check": 3, "pong": 0}
_FIELD = st.one_of(st.text(max_size=20), st.none(), st.integers(), _HUGE, _JSON)
_SEQ = st.one_of(st.just(0), st.integers(min_value=0, max_value=2), _JSON)
_SHAPED = st.one_of(
    st.sampled_from(sorted(_ARITY)).flatmap(
        lambda tag: st.tuples(
            st.just(tag),
            _SEQ,
            st.lists(_FIELD, min_size=_ARITY[tag], max_size=_ARITY[tag] + 1),
        )
    ),
    st.tuples(st.one_of(st.text(max_size=8), _JSON), _SEQ, st.lists(_FIELD, max_size=4)),
).map(lambda parts: json.dumps([parts[0], parts[1], *parts[2]]).encode())
_FRAMES = st.lists(
    st.one_of(_SHAPED.map(_codec.frame), st.binary(max_size=64)), min_size=0, max_size=3
).map(b"".join)


def _allowed(exc: BaseException) -> bool:
    if isinstance(exc, SessionDown):
        return isinstance(exc.status, Status) and isinstance(exc.message, str)
    raised = getattr(exc, "candidate", None)  # the program's own exception, rebuilt
    return isinstance(raised, tuple) and all(type(part) is str for part in raised)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_FRAMES, st.sampled_from(["load", "call", "put", "once", "check", "ping"]))
def test_arbitrary_frames_end_in_a_verdict_never_a_crash(frames: bytes, step: str) -> None:
    session = _session(frames)
    try:
        if step == "load":
            status, message = session.load("code", "f", LIMITS, 2.0)
            assert status is None or isinstance(status, Status)
            assert isinstance(message, str) and len(message) < 10_000
        elif step == "call":
            session.call((1,), {})
        elif step in ("put", "once"):
            fields = (b"data", "marshal", 0) if step == "put" else ()
            assert session.measured(step, *fields) >= 0
        elif step == "check":
            kind, _, changed = session.check()
            assert kind in ("v", "h") and type(changed) is bool
        else:
            assert session.ping() >= 0
    except BaseException as exc:  # noqa: BLE001 - the point: nothing else may come out
        assert _allowed(exc), f"{type(exc).__name__}: {exc}"[:300]
    finally:
        session.close()
