"""A test double for the Executor protocol: one forked child per job, tests run in the child.

The real sandbox (codeeval.sandbox.local) runs the tests on the trusted side against a proxy;
this double, used only to test taskcheck and the built-in tasks (trusted code, our own), runs
everything in a forked child with the function itself as `candidate`. Each test call is cut
off by SIGALRM at the job's time limit, and the child's address space is capped, so a looping
or memory-hungry mutant ends as `timeout` or `memory_limit` instead of hanging the test run.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from codeeval.types import CaseResult, ExecJob, ExecResult, Status


class _Timeout(BaseException):
    """Raised by SIGALRM; a BaseException so that `except Exception` in the code under test
    cannot swallow it."""


class ForkExecutor:
    """Grades each job in a forked child, `workers` children at a time."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self.jobs_run = 0

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        running: dict[int, tuple[ExecJob, int, float, bytearray]] = {}
        queue = iter(jobs)
        exhausted = False
        while running or not exhausted:
            while not exhausted and len(running) < self.workers:
                job = next(queue, None)
                if job is None:
                    exhausted = True
                else:
                    fd, pid = _start(job)
                    self.jobs_run += 1
                    deadline = time.monotonic() + _guard_s(job)
                    running[fd] = (job, pid, deadline, bytearray())
            if not running:
                break
            ready, _, _ = select.select(list(running), [], [], 0.2)
            for fd in ready:
                chunk = os.read(fd, 1 << 16)
                if chunk:
                    running[fd][3].extend(chunk)
                    continue
                job, pid, _, data = running.pop(fd)
                os.close(fd)
                yield _finish(job, pid, bytes(data))
            for fd, (job, pid, deadline, _) in list(running.items()):
                if time.monotonic() > deadline:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    os.close(fd)
                    del running[fd]
                    yield ExecResult(job.id, Status.TIMEOUT, message="whole job over its guard")

    def close(self) -> None:
        pass


def _guard_s(job: ExecJob) -> float:
    return 10.0 + job.limits.time_limit_s * (job.tests.count("def test_") + len(job.cases) + 2)


def _start(job: ExecJob) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        try:
            payload = json.dumps(_grade(job)).encode()
        except BaseException as exc:  # noqa: B036 - the child must always answer
            payload = json.dumps({"status": "error", "message": repr(exc), "cases": []}).encode()
        with os.fdopen(write_fd, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(write_fd)
    return read_fd, pid


def _finish(job: ExecJob, pid: int, data: bytes) -> ExecResult:
    _, wait_status = os.waitpid(pid, 0)
    if not data:
        return ExecResult(job.id, Status.KILLED, message=f"child ended with {wait_status}")
    record = json.loads(data)
    cases = tuple(
        CaseResult(c["name"], Status(c["status"]), c["message"], c["duration_s"])
        for c in record["cases"]
    )
    return ExecResult(job.id, Status(record["status"]), cases, message=record["message"])


def _grade(job: ExecJob) -> dict[str, Any]:
    memory = job.limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    signal.signal(signal.SIGALRM, _on_alarm)
    try:
        program = compile(job.code, "<candidate>", "exec")
    except SyntaxError as exc:
        return {"status": "syntax_error", "message": str(exc), "cases": []}
    namespace: dict[str, Any] = {"__name__": "candidate"}
    try:
        exec(program, namespace)
    except Exception as exc:
        return {"status": "error", "message": f"import: {exc!r}", "cases": []}
    candidate = namespace.get(job.entry_point)
    if not callable(candidate):
        return {"status": "error", "message": f"no {job.entry_point}()", "cases": []}
    tests: dict[str, Any] = {"__name__": "tests"}
    exec(compile(job.tests, "<tests>", "exec"), tests)
    names = [n for n in tests if n.startswith("test_") or n == "check"]
    cases = [_call(name, lambda f=tests[name]: f(candidate), job) for name in names]
    for case in job.cases:
        cases.append(_call(case.name, lambda c=case: _compare(candidate(*c.args), c.expected), job))
    failed = [c["status"] for c in cases if c["status"] != "passed"]
    return {"status": failed[0] if failed else "passed", "message": "", "cases": cases}


def _compare(actual: Any, expected: Any) -> None:
    if actual != expected:
        raise AssertionError(f"expected {expected!r}, got {actual!r}")


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def _call(name: str, run: Callable[[], None], job: ExecJob) -> dict[str, Any]:
    started = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, job.limits.time_limit_s)
    try:
        run()
        status, message = "passed", ""
    except _Timeout:
        status, message = "timeout", f"over {job.limits.time_limit_s} s"
    except AssertionError as exc:
        status, message = "failed", str(exc)[:300]
    except MemoryError:
        status, message = "memory_limit", ""
    except Exception as exc:
        status, message = "error", repr(exc)[:300]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return {
        "name": name,
        "status": status,
        "message": message,
        "duration_s": time.perf_counter() - started,
    }
