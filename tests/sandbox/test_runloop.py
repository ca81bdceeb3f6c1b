"""The executors' shared run loop: worker threads that take jobs until the consumer stops."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from codeeval.sandbox._runloop import run_jobs
from codeeval.sandbox.docker import DockerExecutor
from codeeval.types import ExecJob, ExecResult, Status


class Source:
    """`count` jobs, counting how many were taken."""

    def __init__(self, count: int) -> None:
        self.count, self.taken = count, 0

    def __iter__(self) -> Iterator[ExecJob]:
        for index in range(self.count):
            self.taken += 1
            yield ExecJob(id=str(index), code="", entry_point="f", tests="")


def _wait_for_threads(prefix: str) -> list[str]:
    """Names of the loop's threads still alive after they had a few seconds to end."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        alive = [t.name for t in threading.enumerate() if t.name.startswith(prefix)]
        if not alive:
            return []
        time.sleep(0.01)
    return alive


def _passed(job: ExecJob) -> ExecResult:
    return ExecResult(job.id, Status.PASSED)


def test_every_job_is_graded_once_on_the_workers() -> None:
    seen: list[tuple[str, int]] = []
    started: list[int] = []

    def grade(job: ExecJob, worker: int) -> ExecResult:
        seen.append((job.id, worker))
        return _passed(job)

    results = list(run_jobs(Source(50), grade, 3, prepare=started.append, name="loop-all"))
    assert sorted(int(r.job_id) for r in results) == list(range(50))
    assert sorted(job for job, _ in seen) == sorted(str(i) for i in range(50))
    assert sorted(started) == [0, 1, 2] and {worker for _, worker in seen} <= {0, 1, 2}
    assert _wait_for_threads("loop-all") == []


Grader = Callable[[ExecJob, int], ExecResult]


def _stops_taking_jobs(run: Callable[[Source, Grader], Iterator[ExecResult]], prefix: str) -> None:
    gate = threading.Event()
    source = Source(100)

    def grade(job: ExecJob, worker: int) -> ExecResult:
        if job.id != "0":
            gate.wait(10)
        return _passed(job)

    results = run(source, grade)
    assert next(results).job_id == "0"
    results.close()  # the consumer stops: a worker may finish its job, then takes no other
    gate.set()
    assert _wait_for_threads(prefix) == []
    assert source.taken <= 3, source.taken  # the two jobs in hand, and at most one more


def test_the_workers_stop_taking_jobs_when_the_consumer_stops() -> None:
    _stops_taking_jobs(
        lambda source, grade: run_jobs(source, grade, 2, name="loop-stop"), "loop-stop"
    )


def test_the_docker_executor_stops_taking_jobs_when_the_consumer_stops() -> None:
    executor = DockerExecutor.__new__(DockerExecutor)  # no engine here: only its run loop
    executor.workers = 2

    def run(source: Source, grade: Grader) -> Iterator[ExecResult]:
        executor.run_one = lambda job: grade(job, 0)  # type: ignore[method-assign]
        return executor.run(source)

    _stops_taking_jobs(run, "codeeval-grade")


def test_a_failure_reaches_the_consumer_and_stops_the_others() -> None:
    source = Source(100)

    def grade(job: ExecJob, worker: int) -> ExecResult:
        if job.id == "3":
            raise RuntimeError("the sandbox keeps failing")
        time.sleep(0.001)
        return _passed(job)

    with pytest.raises(RuntimeError, match="keeps failing"):
        list(run_jobs(source, grade, 2, name="loop-fail"))
    assert _wait_for_threads("loop-fail") == []
    assert source.taken < 100


def test_a_failing_job_source_reaches_the_consumer() -> None:
    def jobs() -> Iterator[ExecJob]:
        yield ExecJob(id="0", code="", entry_point="f", tests="")
        raise ValueError("bad samples file")

    with pytest.raises(ValueError, match="bad samples file"):
        list(run_jobs(jobs(), lambda job, worker: _passed(job), 2, name="loop-source"))
    assert _wait_for_threads("loop-source") == []
