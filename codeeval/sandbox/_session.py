"""The trusted side of one sandboxed child: requests, replies, time budgets and how it ended.

A `ChildSession` sends tagged-JSON requests to the child and reads its replies with a
deadline. The budget of a test is CPU time of the child and every process it started (read
by the trusted side from the kernel, so the child cannot lie about it) with a wall-clock cap of
`wall_factor` times the limit for programs that sleep or block: a busy machine slows a
correct program down but does not make it use more CPU, so verdicts do not depend on load.
"""

from __future__ import annotations

import builtins
import errno
import os
import select
import signal
import time
from typing import Any, NoReturn, Protocol

from codeeval.sandbox import _codec
from codeeval.sandbox._child import SETUP_FAILED_EXIT
from codeeval.sandbox._decoding import DECODING
from codeeval.types import Status

# Raised in trusted code, these end an iteration (map(), zip(), next() with a default, a
# for loop) instead of failing it: the program's are never rebuilt as the real thing.
# BaseException-only ones (SystemExit, KeyboardInterrupt, GeneratorExit) are not either.
_STEERING = (StopIteration, StopAsyncIteration)
_BUILTIN_EXCEPTIONS = {
    name: value
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, Exception) and not issubclass(value, _STEERING)
}
# The longest texts a reply's fields may put in a message (the child's harness sends at most
# these; a forged reply may send more).
_NAME_CHARS, _MESSAGE_CHARS, _WHERE_CHARS = 200, 2000, 500
_MIN_WAIT_S = 0.002
# The CPU is that of the child's whole process tree, which may run on every CPU at once:
# checked at least this often, a job overshoots its limit by this much per CPU at most.
_MAX_WAIT_S = 0.05
# Every reply the child's harness writes is a JSON array whose first item is a string tag;
# a frame that starts otherwise was written by the program itself.
_REPLY_START = b'["'


class ChildHandle(Protocol):
    """A started sandboxed child, as an executor hands it to the trusted side."""

    request_fd: int  # the trusted side writes requests here (non-blocking)
    reply_fd: int  # and reads replies here (non-blocking)

    def cpu_seconds(self) -> float | None:
        """CPU time the child's whole process tree has used, or None where it cannot be read."""
        ...

    def apply_limits(self, limits: dict[str, int]) -> bool:
        """Set the child's rlimits from outside; False if the child must set them itself."""
        ...

    def finish(self, want_status: bool = False) -> tuple[int, bool] | None:
        """Kill the child's whole process tree (once).

        When `want_status`: its wait status and whether it had to be killed (it had not
        exited by itself), if known.
        """
        ...

    def output(self, limit: int) -> tuple[bytes, int]:
        """The first `limit` bytes the child wrote to stdout/stderr, and the total size."""
        ...


class SessionDown(BaseException):  # noqa: N818 - not an error: it ends a test, like SystemExit
    """The child can no longer answer (timeout, crash, limit); ends the running test.

    A BaseException, so that `except Exception` in a trusted test does not swallow it.
    """

    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class CandidateError(Exception):
    """The program raised an exception that is not a built-in one (named in the message)."""


class GraderError(Exception):
    """The trusted side could not do its part (for example, send an argument)."""


def candidate_exception(type_name: str, message: str, where: str) -> Exception:
    """An exception standing for one the program raised: a built-in class when the name is one.

    Only built-in `Exception` classes are ever built, from the name and a message string, so
    that a test's `except ValueError` catches the program's ValueError; never one that steers
    the trusted side's control flow (`StopIteration`, `StopAsyncIteration`, nor any
    `BaseException` that is not an `Exception`): those, and every other name, become a
    `CandidateError`. The returned object carries `.candidate = (type_name, message, where)`.
    """
    exc: Exception | None = None
    cls = _BUILTIN_EXCEPTIONS.get(type_name)
    if cls is not None:
        try:
            exc = cls(message)
        except Exception:  # a constructor that wants other arguments
            exc = None
    if exc is None:
        exc = CandidateError(f"{type_name}: {message}")
    exc.candidate = (type_name, message, where)  # type: ignore[attr-defined]
    return exc


class ChildSession:
    """Requests to one sandboxed child, each waited for within the current test's budget."""

    def __init__(
        self, handle: ChildHandle, *, wall_factor: float, max_reply_bytes: int, output_bytes: int
    ) -> None:
        self.handle = handle
        self.down: tuple[Status, str] | None = None
        self._wall_factor, self._max_reply = wall_factor, max_reply_bytes
        self._output_bytes = output_bytes
        self._buffer = bytearray()
        self._limit_s = 1.0
        self._cpu_start = self._cpu_last = 0.0
        self._wall_s = 0.0
        self._decoding_mark = 0.0
        self._finished = False
        self._cpu_limit_s: float | None = None
        self._seq = 0
        self._replies = select.poll()
        self._replies.register(handle.reply_fd, select.POLLIN)
        self._has_clock = handle.cpu_seconds() is not None

    # -- budgets -------------------------------------------------------------------------

    def start(self, time_limit_s: float) -> None:
        """Begin a new budget of `time_limit_s` (one test, one case, one timed call)."""
        self._limit_s, self._wall_s = time_limit_s, 0.0
        self._cpu_start = self._cpu_now()

    def cpu_used(self) -> float:
        """CPU seconds the child used since `start` (the last reading once it is gone)."""
        return max(0.0, self._cpu_now() - self._cpu_start)

    def _cpu_now(self) -> float:
        if not self._finished:
            cpu = self.handle.cpu_seconds()
            if cpu is not None:
                self._cpu_last = cpu
        return self._cpu_last

    def _elapsed(self, started: float) -> float:
        """Wall seconds since `started`, less the time spent decoding replies meanwhile.

        Any session's: this thread could not run while another decoded (see `_decoding`).
        """
        decoding = DECODING.total() - self._decoding_mark
        return max(0.0, time.monotonic() - started - decoding)

    def _wait_s(self, started: float) -> float:
        wall = self._wall_s + self._elapsed(started)
        limit = self._limit_s
        now = None if self._finished else self.handle.cpu_seconds()
        if now is None:
            if wall >= limit:
                self._fail(Status.TIMEOUT, f"exceeded the {limit:g} s time limit (wall clock)")
            return max(_MIN_WAIT_S, limit - wall)
        self._cpu_last = now
        cpu = max(0.0, now - self._cpu_start)
        if cpu >= limit:
            self._fail(Status.TIMEOUT, f"used more than the {limit:g} s CPU time limit")
        cap = limit * self._wall_factor
        if wall >= cap:
            message = f"still running after {wall:.1f} s of wall time ({cpu:.2f} s CPU)"
            self._fail(Status.TIMEOUT, message)
        return max(_MIN_WAIT_S, min(limit - cpu, cap - wall, _MAX_WAIT_S))

    # -- the exchange ----------------------------------------------------------------------

    def _fail(self, status: Status, message: str) -> NoReturn:
        self.down = (status, message)
        raise SessionDown(status, message)

    def exchange(self, op: str, *fields: Any) -> list[Any]:
        """Send request `[op, seq, *fields]`; return the reply without its seq: `[tag, ...]`.

        Raises:
            GraderError: a field is not plain data.
            SessionDown: no valid reply within the budget, or the child is gone.
        """
        if self.down:
            raise SessionDown(*self.down)
        seq, self._seq = self._seq, self._seq + 1
        try:
            payload = _codec.request(op, seq, *fields)
        except _codec.CodecError as exc:
            raise GraderError(f"cannot send the arguments into the sandbox: {exc}") from None
        started, self._decoding_mark = time.monotonic(), DECODING.total()
        try:
            self._write(_codec.frame(payload), started)
            data = self._read_frame(started)
        finally:
            self._wall_s += self._elapsed(started)
        reply, problem, seconds = DECODING.decode(data)
        del data
        self._charge_decoding(seconds)
        if not (type(reply) is list and len(reply) >= 2 and type(reply[0]) is str):
            why = f": {problem}" if problem else ""
            self._fail(Status.ERROR, f"the program sent the grader a malformed reply{why}")
        if type(reply[1]) is not int or reply[1] != seq:
            self._fail(Status.ERROR, "the sandbox answered out of turn (a forged reply?)")
        return [reply[0], *reply[2:]]

    def _charge_decoding(self, seconds: float) -> None:
        """Count the grader's CPU time spent decoding a reply as the program's own.

        Decoding is linear in the reply's size (see `_codec`), but a program can forge large
        replies at little cost to itself; this way it pays for them from its time limit.
        """
        if self._has_clock:
            self._cpu_start -= seconds
            # The last reading of the child's clock, read again (a system call) only when
            # this decoding took long enough to matter.
            used = self.cpu_used() if seconds > 1e-3 else self._cpu_last - self._cpu_start
        else:
            self._wall_s += seconds
            used = self._wall_s
        if used >= self._limit_s:
            self._fail(
                Status.TIMEOUT,
                f"used more than the {self._limit_s:g} s time limit, counting the grader's "
                "time decoding its replies",
            )

    def _first_check(self, started: float) -> float:
        """When to first re-check the budget, from the last CPU reading (no system call)."""
        cpu = max(0.0, self._cpu_last - self._cpu_start)
        if not self._has_clock:
            wait = self._limit_s - self._wall_s
        else:
            wait = min(self._limit_s - cpu, self._limit_s * self._wall_factor - self._wall_s)
            wait = min(wait, _MAX_WAIT_S)
        return started + max(_MIN_WAIT_S, wait)

    def _write(self, data: bytes, started: float) -> None:
        view, fd = memoryview(data), self.handle.request_fd
        check_at = self._first_check(started)
        while view:
            try:
                written = os.write(fd, view)
            except (BlockingIOError, InterruptedError):
                written = 0
            except (BrokenPipeError, ConnectionResetError):
                self._died()
            view = view[written:]
            if not view:
                return
            writable = select.poll()
            writable.register(fd, select.POLLOUT)
            _wait(writable, check_at - time.monotonic())
            now = time.monotonic()
            if now >= check_at:
                check_at = now + self._wait_s(started)

    def _read_frame(self, started: float) -> bytes:
        buffer, fd, wanted = self._buffer, self.handle.reply_fd, 1 << 12
        check_at = self._first_check(started)
        while True:
            if len(buffer) >= _codec.FRAME_HEADER_BYTES:
                size = int.from_bytes(buffer[: _codec.FRAME_HEADER_BYTES], "big")
                end = _codec.FRAME_HEADER_BYTES + size
                if size > self._max_reply:  # a genuine reply too large, or the program's bytes
                    start = bytes(buffer[_codec.FRAME_HEADER_BYTES : _codec.FRAME_HEADER_BYTES + 2])
                    if len(start) == len(_REPLY_START):
                        self._oversized(size, start)
                    wanted = _codec.FRAME_HEADER_BYTES + len(_REPLY_START) - len(buffer)
                elif len(buffer) >= end:
                    payload = bytes(buffer[_codec.FRAME_HEADER_BYTES : end])
                    del buffer[:end]
                    return payload
                else:
                    wanted = min(end - len(buffer), 1 << 20)  # read(2) allocates what it asks
            _wait(self._replies, check_at - time.monotonic())
            try:
                chunk: bytes | None = os.read(fd, wanted)
            except (BlockingIOError, InterruptedError):
                chunk = None
            except ConnectionResetError:
                chunk = b""
            if chunk == b"":
                self._died()
            if chunk:
                buffer += chunk
            now = time.monotonic()
            if now >= check_at:  # also when data trickles in: the budget holds regardless
                check_at = now + self._wait_s(started)

    def _oversized(self, size: int, start: bytes) -> None:
        limit_mb = self._max_reply / 2**20
        if start == _REPLY_START:
            self._fail(Status.OUTPUT_LIMIT, f"a reply was larger than {limit_mb:g} MB")
        self._fail(
            Status.ERROR,
            "the program wrote bytes that are not a reply to the grader's channel "
            f"(a frame header of {size} bytes, then {start!r})",
        )

    def _died(self) -> None:
        total_cpu = self._cpu_now()
        ended = self.close(want_status=True)
        if self.handle.output(0)[1] >= self._output_bytes:
            self._fail(Status.OUTPUT_LIMIT, "wrote more output than allowed")
        if ended is None:
            self._fail(Status.KILLED, "the sandboxed process ended")
            return
        status, killed_by_us = ended
        if killed_by_us:
            self._fail(Status.ERROR, "the program closed its channel to the grader")
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            name = signal.Signals(number).name if number in signal.valid_signals() else number
            if self._cpu_limit_s is not None and total_cpu >= self._cpu_limit_s - 0.05:
                self._fail(Status.TIMEOUT, "used all the CPU time allowed to the whole job")
            self._fail(Status.KILLED, f"the program was killed by {name}")
        code = os.waitstatus_to_exitcode(status)
        if code == SETUP_FAILED_EXIT:
            self._fail(Status.KILLED, "the sandbox could not be set up")
        self._fail(Status.ERROR, f"the program exited (status {code}) instead of answering")

    def close(self, want_status: bool = False) -> tuple[int, bool] | None:
        """Kill the child (once); see `ChildHandle.finish` for what `want_status` returns."""
        if self._finished:
            return None
        self._cpu_now()
        self._finished = True
        return self.handle.finish(want_status)

    # -- requests ------------------------------------------------------------------------

    def load(
        self, code: str, entry_point: str, limits: dict[str, int], time_limit_s: float
    ) -> tuple[Status | None, str]:
        """Send the program; (None, "") once it is loaded, else the status and why.

        Raises:
            SessionDown: loading timed out or the child died.
        """
        self._cpu_limit_s = float(limits["cpu_s"])
        sent_limits = None if self.handle.apply_limits(limits) else limits
        self.start(time_limit_s)
        reply = self.exchange("job", code, entry_point, sent_limits)
        tag, fields = reply[0], reply[1:]
        if tag == "ready" and not fields:
            return None, ""
        if tag == "syntax" and _syntax_fields(fields):
            message, line, text = fields
            where = f"line {line}: " if line is not None else ""
            detail = f": {text[:_MESSAGE_CHARS]}" if text else ""
            return Status.SYNTAX_ERROR, f"{where}{message[:_MESSAGE_CHARS]}{detail}"
        if tag == "raised" and _exception_fields(fields):
            name, message, where = _exception_texts(fields)
            status = Status.MEMORY_LIMIT if name == "MemoryError" else Status.ERROR
            return status, f"the program raised {name}: {message}" + (
                f" ({where})" if where else ""
            )
        if tag == "missing" and len(fields) == 1 and type(fields[0]) is str:
            return Status.ERROR, fields[0][:_MESSAGE_CHARS]
        self._fail(Status.ERROR, "the program sent the grader a malformed reply while loading")

    def call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Call the program's entry point in the sandbox and return the decoded value.

        Raises:
            Exception: the program's exception, rebuilt by `candidate_exception`.
            GraderError: an argument is not plain data.
            SessionDown: timeout, crash or limit.
        """
        return self._result(self.exchange("call", args, kwargs or None), "ok")

    def _result(self, reply: list[Any], expected: str) -> Any:
        """The value of an `ok` reply (None for the others), or the program's exception."""
        tag, fields = reply[0], reply[1:]
        if tag == expected and len(fields) == (1 if expected == "ok" else 0):
            return fields[0] if fields else None
        if tag == "exc" and _exception_fields(fields):
            raise candidate_exception(*_exception_texts(fields))
        self._fail(Status.ERROR, f"the program sent the grader an unexpected reply ({tag[:40]!r})")

    # -- timing (see `_timing`) -----------------------------------------------------------

    def clock(self) -> tuple[float, bool]:
        """The child's CPU seconds so far and True, or wall seconds and False without a clock."""
        cpu = None if self._finished else self.handle.cpu_seconds()
        return (cpu, True) if cpu is not None else (time.perf_counter(), False)

    def measured(self, op: str, *fields: Any) -> float:
        """Seconds (CPU where it can be read, else wall) one exchange took; its reply checked.

        Raises:
            Exception: the program's exception.
            GraderError: a field is not plain data.
            SessionDown: timeout, crash or limit.
        """
        before, _ = self.clock()
        reply = self.exchange(op, *fields)
        after, _ = self.clock()
        self._result(reply, "put" if op == "put" else "ran")
        return max(0.0, after - before)

    def check(self) -> tuple[str, Any, bool]:
        """The first timed call's result fingerprint and whether it changed its arguments.

        Returns ("v", the decoded result, changed) for a small result, ("h", its sha256
        digest in hex, changed) for a large one.

        Raises:
            Exception: the program's exception (its result's own methods raised).
            SessionDown: a malformed reply, timeout, crash or limit.
        """
        reply = self.exchange("check")
        tag, fields = reply[0], reply[1:]
        if tag == "check" and len(fields) == 3 and type(fields[2]) is bool:
            kind, value, changed = fields
            if kind == "v" or (kind == "h" and type(value) is str and len(value) == 64):
                return kind, value, changed
        self._result(reply, "check")  # the program's exception, or a malformed reply
        self._fail(Status.ERROR, "the program sent the grader a malformed reply to a check")

    def ping(self) -> float:
        """Wall seconds of one empty round trip.

        Raises:
            SessionDown: the child is gone.
        """
        started = time.perf_counter()
        self._result(self.exchange("ping"), "pong")
        return time.perf_counter() - started


def _syntax_fields(fields: list[Any]) -> bool:
    """Whether `fields` are a syntax error's: message, line number or None, text or None."""
    if len(fields) != 3:
        return False
    message, line, text = fields
    return (
        type(message) is str
        and (line is None or (type(line) is int and -(2**31) < line < 2**31))
        and (text is None or type(text) is str)
    )


def _exception_fields(fields: list[Any]) -> bool:
    """Whether `fields` are an exception's: type name, message and where, all strings."""
    return len(fields) == 3 and all(type(field) is str for field in fields)


def _exception_texts(fields: list[Any]) -> tuple[str, str, str]:
    name, message, where = fields
    return name[:_NAME_CHARS], message[:_MESSAGE_CHARS], where[:_WHERE_CHARS]


def _wait(poller: select.poll, timeout_s: float) -> bool:
    try:
        return bool(poller.poll(max(1, int(min(timeout_s, 0.05) * 1000))))
    except InterruptedError:
        return False
    except OSError as exc:  # pragma: no cover - poll on a valid fd does not fail otherwise
        if exc.errno == errno.EINTR:
            return False
        raise
