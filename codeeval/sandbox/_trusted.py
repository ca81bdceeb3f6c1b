"""The trusted test runner: grades one job against sandboxed children, deciding every verdict.

The job's tests are trusted source run here, in the grader's process, with `candidate` a
proxy whose calls execute in the sandbox and return decoded plain data. Differential cases
are compared here too. Nothing the child writes, prints or exits with can turn a failing
test into a passing one; at most it can end the test early, which never passes it.
"""

from __future__ import annotations

import builtins
import functools
import itertools
import math
import random
import threading
import time
import traceback
import types
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from codeeval.sandbox._session import (
    ChildHandle,
    ChildSession,
    GraderError,
    SessionDown,
)
from codeeval.types import Case, CaseResult, ExecJob, ExecResult, Status

TESTS_FILENAME = "<tests>"
_TESTS_MODULE = "codeeval_tests"
# Which non-pass status names a job whose tests ended differently: limits first (they
# explain the other failures), then crashes, then wrong answers.
_PRECEDENCE = (
    Status.SYNTAX_ERROR,
    Status.MEMORY_LIMIT,
    Status.OUTPUT_LIMIT,
    Status.TIMEOUT,
    Status.KILLED,
    Status.ERROR,
    Status.FAILED,
)
_MAX_MESSAGE = 1000


@dataclass(frozen=True, slots=True)
class GradeOptions:
    """How the trusted side grades; set by the executor."""

    wall_factor: float = 3.0
    timing_repeats: int = 3
    max_reply_bytes: int = 16 << 20
    max_restarts: int = 3
    keep_output_bytes: int = 16 << 10
    open_files: int = 256


class CandidateProxy:
    """Stands in for the program's entry point: every call runs in the sandbox."""

    def __init__(self, session: ChildSession, name: str) -> None:
        self._session, self.__name__ = session, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.call(args, kwargs)

    def __repr__(self) -> str:
        return f"<sandboxed {self.__name__}>"


@functools.lru_cache(maxsize=512)
def _compile_tests(source: str) -> types.CodeType:
    return compile(source, TESTS_FILENAME, "exec", dont_inherit=True)


_per_thread = threading.local()


def _seeded_random() -> tuple[types.ModuleType, random.Random]:
    """The calling thread's stand-in `random` module and its private generator.

    Each test reseeds the generator, so the inputs a test draws are the same in every run
    and for every sample.
    """
    cached = getattr(_per_thread, "random", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    generator = random.Random(0)
    module = types.ModuleType("random")
    for name in dir(random):
        if not name.startswith("__"):
            value = getattr(random, name)
            own = getattr(value, "__self__", None) is getattr(random, "_inst", None)
            setattr(module, name, getattr(generator, name) if own else value)
    _per_thread.random = (module, generator)
    return module, generator


def load_tests(
    source: str, random_module: types.ModuleType
) -> tuple[list[tuple[str, Callable[..., Any]]], dict[str, Any]]:
    """The test functions of trusted `source` and the namespace they run in.

    The tests are every `test_*` function, or else one `check`. `import random` inside the
    tests gets `random_module`.
    """
    real_import = builtins.__import__

    def _import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "random" and not kwargs.get("level", args[3] if len(args) > 3 else 0):
            return random_module
        return real_import(name, *args, **kwargs)

    namespace: dict[str, Any] = {
        "__name__": _TESTS_MODULE,
        "__builtins__": {**vars(builtins), "__import__": _import},
    }
    exec(_compile_tests(source), namespace)
    functions = [
        (name, value)
        for name, value in namespace.items()
        if isinstance(value, types.FunctionType) and value.__module__ == _TESTS_MODULE
    ]
    tests: list[tuple[str, Callable[..., Any]]]
    tests = [(name, value) for name, value in functions if name.startswith("test_")]
    if not tests:
        tests = [(name, value) for name, value in functions if name == "check"]
    return tests, namespace


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


class _JobGrader:
    """Grades one job; one instance per job."""

    def __init__(
        self, job: ExecJob, open_child: Callable[[], ChildHandle], options: GradeOptions
    ) -> None:
        self.job, self.open_child, self.options = job, open_child, options
        self.sessions: list[ChildSession] = []
        self.session: ChildSession | None = None
        self.results: list[CaseResult] = []
        self.outputs: list[Any] = []
        self.notes: list[str] = []
        self.stopped: tuple[Status, str] | None = None
        self.restarts = 0
        self.time_limit_s = job.limits.time_limit_s
        self.random_module, self.generator = _seeded_random()
        self.test_lines = job.tests.splitlines()
        self.test_count = 0
        self.namespace: dict[str, Any] = {}

    def _limits(self) -> dict[str, int]:
        limits = self.job.limits
        calls = len(self.job.cases) + 2 + self.test_count
        calls += len(self.job.timing_args) * (self.options.timing_repeats + 1)
        budget = self.time_limit_s * self.options.wall_factor * calls
        return {
            "memory_mb": limits.memory_mb,
            "output_bytes": limits.output_bytes,
            "processes": limits.processes,
            "open_files": self.options.open_files,
            "cpu_s": math.ceil(budget) + 1,
            "core": 0,
        }

    def grade(self) -> ExecResult:
        started = time.perf_counter()
        try:
            tests, self.namespace = load_tests(self.job.tests, self.random_module)
        except Exception as exc:
            message = f"grader: the trusted tests do not load: {type(exc).__name__}: {exc}"
            return ExecResult(self.job.id, Status.ERROR, message=message[:_MAX_MESSAGE])
        self.test_count = len(tests)
        timings: list[tuple[int, float]] = []
        try:
            failure = self._open()
            if failure:
                names = [name for name, _ in tests] + [case.name for case in self.job.cases]
                self.results = [CaseResult(name, *failure) for name in names]
                return self._result(started, failure, timings)
            for name, function in tests:
                self._run_test(name, function)
            for case in self.job.cases:
                self._run_case(case)
            if self.job.timing_args and all(r.status is Status.PASSED for r in self.results):
                timings = self._run_timings()
        finally:
            for session in self.sessions:
                session.close()
        return self._result(started, None, timings)

    # -- children --------------------------------------------------------------------------

    def _open(self) -> tuple[Status, str] | None:
        session = ChildSession(
            self.open_child(),
            wall_factor=self.options.wall_factor,
            max_reply_bytes=self.options.max_reply_bytes,
            output_bytes=self.job.limits.output_bytes,
        )
        self.sessions.append(session)
        self.session = session
        try:
            status, message = session.load(
                self.job.code, self.job.entry_point, self._limits(), self.time_limit_s
            )
        except SessionDown as down:
            status, message = down.status, f"while loading the program: {down.message}"
        if status is None:
            return None
        status, message = self._output_check(session, status, message)
        session.close()
        return status, message

    def _live_session(self) -> ChildSession | tuple[Status, str]:
        """The child to run the next test in (a new one after a crash), or why there is none."""
        if self.stopped:
            return self.stopped
        session = self.session
        if session is not None and session.down is None:
            return session
        status = session.down[0] if session and session.down else Status.KILLED
        if status is Status.TIMEOUT or self.restarts >= self.options.max_restarts:
            self.stopped = (status, f"not run: an earlier test ended with {status}")
            return self.stopped
        if session is not None:
            session.close()
        self.restarts += 1
        failure = self._open()
        if failure:
            self.stopped = failure
            return failure
        return self.session or (Status.KILLED, "no sandbox")

    def _output_check(
        self, session: ChildSession, status: Status, message: str
    ) -> tuple[Status, str]:
        if session.handle.output(0)[1] >= self.job.limits.output_bytes:
            limit = self.job.limits.output_bytes
            return Status.OUTPUT_LIMIT, f"wrote more than {limit} bytes to stdout/stderr"
        return status, message

    # -- tests, cases, timings -------------------------------------------------------------

    def _run_test(self, name: str, function: Callable[..., Any]) -> None:
        session = self._live_session()
        if not isinstance(session, ChildSession):
            self.results.append(CaseResult(name, *session))
            return
        session.start(self.time_limit_s)
        self.generator.seed(zlib.crc32(name.encode()))
        proxy = CandidateProxy(session, self.job.entry_point)
        # A test that names the entry point (HumanEval/33 does) means the program's function.
        self.namespace[self.job.entry_point] = proxy
        try:
            function(proxy)
            status, message = Status.PASSED, ""
        except SessionDown as down:
            status, message = down.status, down.message
        except Exception as exc:
            status, message = self._classify(exc)
        if session.down and status is Status.PASSED:
            status, message = session.down  # the test swallowed the sandbox's failure
        status, message = self._output_check(session, status, message)
        self.results.append(CaseResult(name, status, message[:_MAX_MESSAGE], session.cpu_used()))

    def _run_case(self, case: Case) -> None:
        session = self._live_session()
        if not isinstance(session, ChildSession):
            self.results.append(CaseResult(case.name, *session))
            self.outputs.append(None)
            return
        session.start(self.time_limit_s)
        value: Any = None
        try:
            value = session.call(case.args, {})
            status, message = Status.PASSED, ""
            if not self.job.collect_outputs and not same(
                value, case.expected, self.job.float_for_int
            ):
                expected = short_repr(case.expected)
                status, message = Status.FAILED, f"expected {expected}, got {short_repr(value)}"
        except SessionDown as down:
            status, message = down.status, down.message
        except Exception as exc:
            status, message = self._classify(exc)
        status, message = self._output_check(session, status, message)
        self.outputs.append(value if status is Status.PASSED else None)
        self.results.append(
            CaseResult(case.name, status, message[:_MAX_MESSAGE], session.cpu_used())
        )

    def _run_timings(self) -> list[tuple[int, float]]:
        session = self._live_session()
        timings: list[tuple[int, float]] = []
        if not isinstance(session, ChildSession):
            return timings
        try:
            session.start(self.time_limit_s)
            round_trip = min(session.ping() for _ in range(3))
            for size, args in self.job.timing_args:
                best, on_cpu_clock = math.inf, False
                for _ in range(max(1, self.options.timing_repeats)):
                    session.start(self.time_limit_s)
                    seconds, on_cpu_clock = session.timed_call(args)
                    best = min(best, seconds)
                # Wall time includes one exchange with the child; CPU time does not.
                timings.append((size, best if on_cpu_clock else max(0.0, best - round_trip)))
        except SessionDown as down:
            self.notes.append(f"timing stopped after {len(timings)} sizes: {down.message}")
        except Exception as exc:
            status, message = self._classify(exc)
            self.notes.append(f"timing stopped after {len(timings)} sizes: {message}")
        return timings

    def _classify(self, exc: Exception) -> tuple[Status, str]:
        raised = getattr(exc, "candidate", None)
        if raised is not None:
            type_name, text, where = raised
            status = Status.MEMORY_LIMIT if type_name == "MemoryError" else Status.ERROR
            return status, f"the program raised {type_name}: {text}" + (
                f" ({where})" if where else ""
            )
        if isinstance(exc, GraderError):
            return Status.ERROR, f"grader: {exc}"
        line = self._test_line(exc)
        detail = f": {exc}" if str(exc) else ""
        if isinstance(exc, AssertionError):
            return Status.FAILED, f"assertion failed{line}{detail}"
        return Status.FAILED, f"the test raised {type(exc).__name__}{line}{detail}"

    def _test_line(self, exc: BaseException) -> str:
        frames = [
            f for f in traceback.extract_tb(exc.__traceback__) if f.filename == TESTS_FILENAME
        ]
        if not frames or not frames[-1].lineno:
            return ""
        number = frames[-1].lineno
        text = self.test_lines[number - 1].strip() if number <= len(self.test_lines) else ""
        return f" at line {number}: {text[:300]}"

    # -- the verdict -------------------------------------------------------------------------

    def _result(
        self, started: float, failure: tuple[Status, str] | None, timings: list[tuple[int, float]]
    ) -> ExecResult:
        bad = [r for r in self.results if r.status is not Status.PASSED]
        if failure:
            status, message = failure
        elif not bad:
            status, message = Status.PASSED, ""
        else:
            status = min((r.status for r in bad), key=_PRECEDENCE.index)
            first = next(r for r in bad if r.status is status)
            message = f"{len(bad)} of {len(self.results)} tests did not pass; "
            message += f"{first.name}: {first.message}"
        if self.notes:
            message = "; ".join([message, *self.notes]) if message else "; ".join(self.notes)
        return ExecResult(
            job_id=self.job.id,
            status=status,
            cases=tuple(self.results),
            duration_s=time.perf_counter() - started,
            message=message[:_MAX_MESSAGE],
            timings=tuple(timings),
            stdout=self._stdout(),
            outputs=tuple(self.outputs) if self.job.collect_outputs else (),
        )

    def _stdout(self) -> str:
        keep = self.options.keep_output_bytes
        chunks, total = [], 0
        for session in self.sessions:
            data, size = session.handle.output(keep)
            chunks.append(data)
            total += size
        text = b"".join(chunks)[:keep].decode("utf-8", errors="replace")
        return text + (f"\n[... {total - keep} more bytes]" if total > keep else "")


def grade_job(
    job: ExecJob, open_child: Callable[[], ChildHandle], options: GradeOptions
) -> ExecResult:
    """Grade `job`, starting sandboxed children with `open_child` (one, or more after crashes).

    Returns exactly one result; whatever the program does becomes its status.
    """
    return _JobGrader(job, open_child, options).grade()
