"""Worker processes: the same verdicts as threads, a dead worker retried, then not blamed."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import Pipe
from pathlib import Path

import pytest

from codeeval.sandbox._worker_process import WorkerProcess, serve_jobs
from codeeval.sandbox.local import LocalExecutor
from codeeval.types import Case, ExecJob, ExecLimits, ExecResult, Status
from tests.sandbox.conftest import children_of

TESTS = "def test_double(candidate):\n    assert candidate(3) == 6\n"
PROGRAMS = {
    "right": "def f(x):\n    return 2 * x\n",
    "wrong": "def f(x):\n    return x\n",
    "syntax": "def f(x:\n",
    "raises": "def f(x):\n    raise KeyError(x)\n",
    "loops": "def f(x):\n    while True:\n        pass\n",
    "exits": "import os\ndef f(x):\n    os._exit(3)\n",
    "huge": "def f(x):\n    return [0] * (1 << 38)\n",
    "opaque": "class A:\n    def __eq__(self, other):\n        return True\ndef f(x):\n"
    "    return A()\n",
}
SLEEPY = "import time\ndef f(x):\n    time.sleep(1.5)\n    return 2 * x\n"
LIMITS = ExecLimits(time_limit_s=1.0, memory_mb=256)


def _jobs(copies: int = 3) -> list[ExecJob]:
    return [
        ExecJob(f"{name}-{i}", code, "f", TESTS, limits=LIMITS)
        for i in range(copies)
        for name, code in PROGRAMS.items()
    ]


def _verdicts(processes: bool) -> dict[str, tuple[Status, str]]:
    with LocalExecutor(workers=2, processes=processes) as executor:
        return {r.job_id: (r.status, r.message) for r in executor.run(_jobs())}


def test_worker_processes_give_the_verdicts_threads_give() -> None:
    in_processes, in_threads = _verdicts(processes=True), _verdicts(processes=False)
    assert in_processes == in_threads
    assert len(in_processes) == 3 * len(PROGRAMS)
    assert in_processes["right-0"][0] is Status.PASSED
    assert in_processes["wrong-1"][0] is Status.FAILED
    assert in_processes["loops-2"][0] is Status.TIMEOUT
    assert in_processes["opaque-0"][0] is Status.FAILED


def _killer(executor: LocalExecutor, times: int, stop: threading.Event) -> threading.Thread:
    """Kills the first worker process each time it has one, `times` times."""

    def kill() -> None:
        killed: set[int] = set()
        while len(killed) < times and not stop.is_set():
            for process in executor._processes:
                pid = process.pid
                if pid and pid not in killed and Path(f"/proc/{pid}").exists():
                    time.sleep(0.5)  # well into its sleeping job
                    os.kill(pid, signal.SIGKILL)
                    killed.add(pid)
                    break
            time.sleep(0.02)

    thread = threading.Thread(target=kill, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def one_worker() -> Iterator[LocalExecutor]:
    with LocalExecutor(workers=1, processes=True) as executor:
        yield executor


@pytest.mark.parametrize(
    ("deaths", "expected"),
    [(1, Status.PASSED), (2, Status.INFRA_ERROR)],
    ids=["killed once: graded again", "killed twice: not blamed on the code"],
)
def test_a_job_whose_worker_process_dies_is_graded_again_in_a_new_one(
    one_worker: LocalExecutor, deaths: int, expected: Status
) -> None:
    stop = threading.Event()
    killer = _killer(one_worker, deaths, stop)
    job = ExecJob("sleepy", SLEEPY, "f", TESTS, limits=ExecLimits(time_limit_s=5.0))
    (result,) = one_worker.run([job])
    stop.set()
    killer.join()
    assert result.status is expected, result.message
    if expected is Status.INFRA_ERROR:
        assert "says nothing about the code" in result.message
    (after,) = one_worker.run([ExecJob("after", PROGRAMS["wrong"], "f", TESTS)])
    assert after.status is Status.FAILED  # a new process grades on


def test_the_parts_jobs_share_are_sent_once_and_restored() -> None:
    ours, theirs = Pipe()
    seen: list[ExecJob] = []

    def grade(job: ExecJob) -> ExecResult:
        seen.append(job)
        return ExecResult(job.id, Status.PASSED)

    server = threading.Thread(target=serve_jobs, args=(theirs, grade), daemon=True)
    server.start()
    worker = WorkerProcess(lambda conn: None)
    cases, tests = (Case("c0", (1,), 2),), TESTS * 100  # a task's: the same objects each job
    sizes = []
    for index in range(3):
        job = ExecJob(str(index), f"code {index}", "f", tests, cases=cases)
        packed, new, reset = worker._pack(job)
        sizes.append(len(new))
        ours.send((packed, new, reset))
        assert ours.recv() == ("ok", ExecResult(str(index), Status.PASSED))
    ours.close()
    server.join(timeout=5)
    assert sizes == [2, 0, 0]  # tests and cases once; an empty timing plan never
    assert [job.tests for job in seen] == [tests] * 3
    assert [job.cases for job in seen] == [cases] * 3
    assert [job.code for job in seen] == ["code 0", "code 1", "code 2"]


class _Unpicklable(Exception):
    def __init__(self, what: str, extra: object) -> None:
        super().__init__(what)
        self.extra = extra


def test_what_grading_raises_in_the_process_is_raised_in_the_grader() -> None:
    ours, theirs = Pipe()

    def grade(job: ExecJob) -> ExecResult:
        if job.id == "closed":
            raise RuntimeError("the executor is closed")
        raise _Unpicklable("odd", lambda: None)

    server = threading.Thread(target=serve_jobs, args=(theirs, grade), daemon=True)
    server.start()
    ours.send((ExecJob("closed", "", "f", TESTS), {}, False))
    kind, error = ours.recv()
    assert kind == "raised" and type(error) is RuntimeError
    assert str(error) == "the executor is closed"
    ours.send((ExecJob("odd", "", "f", TESTS), {}, False))
    kind, error = ours.recv()
    assert kind == "raised" and type(error) is RuntimeError
    assert str(error) == "_Unpicklable: odd"
    ours.close()
    server.join(timeout=5)


def test_closing_mid_job_ends_the_worker_process_and_its_zygote_at_once() -> None:
    executor = LocalExecutor(workers=2, processes=True)
    long_job = "import time\ndef f(x):\n    time.sleep(30)\n    return 2 * x\n"
    jobs = [
        ExecJob(str(i), long_job, "f", TESTS, limits=ExecLimits(time_limit_s=30.0))
        for i in range(2)
    ]
    raised: list[BaseException] = []

    def consume() -> None:
        try:
            list(executor.run(jobs))
        except BaseException as exc:
            raised.append(exc)

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    deadline = time.monotonic() + 10
    while not all(p.pid for p in executor._processes) or len(executor._processes) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    workers = [p.pid for p in executor._processes]
    time.sleep(1.0)  # both mid-job
    zygotes = [child for pid in workers for child in children_of(pid)]
    assert len(zygotes) == 2
    started = time.monotonic()
    executor.close()
    assert time.monotonic() - started < 5.0  # not the 30 s the jobs would take
    consumer.join(timeout=10)
    assert [str(exc) for exc in raised] == ["the executor is closed"]
    time.sleep(0.5)
    for pid in [*workers, *zygotes]:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
