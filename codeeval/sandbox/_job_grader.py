"""Grading one job in the grader: its tests, run against sandboxed children, decide every verdict.

The tests run in the grader's process (see `_trusted_tests`), with `candidate` a proxy whose
calls execute in the sandbox and return decoded plain data; differential cases are compared
here too (see `_compare`). Nothing the child writes, prints or exits with can turn a failing
test into a passing one; at most it can end the test early, which never passes it. Both
executors grade with `grade_job`, each starting its own kind of child.
"""

from __future__ import annotations

import math
import time
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codeeval.sandbox._codec import CodecError, encode_arguments
from codeeval.sandbox._compare import same, short_repr
from codeeval.sandbox._session import (
    ChildHandle,
    ChildSession,
    GraderError,
    SessionDown,
)
from codeeval.sandbox._timing import TimingRun
from codeeval.sandbox._trusted_tests import (
    TESTS_FILENAME,
    CandidateProxy,
    load_tests,
    seeded_random,
)
from codeeval.types import (
    Case,
    CaseResult,
    ExecJob,
    ExecResult,
    Status,
    TimingFamily,
    TimingPlan,
    TimingPoint,
    TimingResult,
)

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
    timing_repeats: int = 3  # measurements per timed size at least; the least disturbed is kept
    max_reply_bytes: int = 16 << 20
    max_restarts: int = 3
    keep_output_bytes: int = 16 << 10
    open_files: int = 256


class JobGrader:
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
        self.random_module, self.generator = seeded_random()
        self.test_lines = job.tests.splitlines()
        self.test_count = 0
        self.namespace: dict[str, Any] = {}

    def _limits(self) -> dict[str, int]:
        limits = self.job.limits
        calls = len(self.job.cases) + 2 + self.test_count
        budget = self.time_limit_s * self.options.wall_factor * calls
        plan = self._timing_plan()
        if plan is not None:  # the timing stops itself at its budget; this is the backstop
            budget += 2 * plan.budget_s + self.time_limit_s
        return {
            "memory_mb": limits.memory_mb,
            "output_bytes": limits.output_bytes,
            "processes": limits.processes,
            "open_files": self.options.open_files,
            "cpu_s": math.ceil(budget) + 1,
            "core": 0,
        }

    def verdict(self) -> ExecResult:
        started = time.perf_counter()
        try:
            tests, self.namespace = load_tests(self.job.tests, self.random_module)
        except Exception as exc:
            message = f"grader: the trusted tests do not load: {type(exc).__name__}: {exc}"
            return ExecResult(self.job.id, Status.ERROR, message=message[:_MAX_MESSAGE])
        self.test_count = len(tests)
        timing: TimingResult | None = None
        try:
            failure = self._open()
            if failure:
                names = [name for name, _ in tests] + [case.name for case in self.job.cases]
                self.results = [CaseResult(name, *failure) for name in names]
                return self._result(started, failure, timing)
            for name, function in tests:
                self._run_test(name, function)
            for case in self.job.cases:
                self._run_case(case)
            plan = self._timing_plan()
            if plan is not None and all(r.status is Status.PASSED for r in self.results):
                timing = TimingRun(
                    plan,
                    self._timing_session,
                    self.time_limit_s,
                    self.job.float_for_int,
                    self.options.timing_repeats,
                ).run()
        finally:
            for session in self.sessions:
                session.close()
        return self._result(started, None, timing)

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

    def _timing_plan(self) -> TimingPlan | None:
        """The job's timing plan: `timing`, else one "random" family from `timing_args`."""
        if self.job.timing is not None:
            return self.job.timing if self.job.timing.families else None
        if not self.job.timing_args:
            return None
        points = []
        for size, args in self.job.timing_args:
            try:
                payload, encoding = encode_arguments(tuple(args))
            except CodecError:
                continue  # not plain data: not timed
            points.append(TimingPoint(size, payload, encoding))
        return TimingPlan((TimingFamily("random", tuple(points)),)) if points else None

    def _timing_session(self) -> ChildSession | tuple[Status, str]:
        """The child to time in: the live one, or a fresh one after a timeout or crash."""
        session = self.session
        if session is not None and session.down is None:
            return session
        if self.restarts >= self.options.max_restarts + 4:  # one per family, and then some
            return (Status.KILLED, "the sandbox was restarted too often")
        if session is not None:
            session.close()
        self.restarts += 1
        failure = self._open()
        return failure or self.session or (Status.KILLED, "no sandbox")

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
        self, started: float, failure: tuple[Status, str] | None, timing: TimingResult | None
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
            timings=timing.pairs() if timing is not None else (),
            stdout=self._stdout(),
            outputs=tuple(self.outputs) if self.job.collect_outputs else (),
            timing=timing,
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
    return JobGrader(job, open_child, options).verdict()
