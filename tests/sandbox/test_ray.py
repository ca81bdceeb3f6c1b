"""The Ray executor on a real two-node cluster: same verdicts as the local sandbox, and faults.

Every node grades in its own local sandbox; these tests check that nothing a verdict says
depends on that (quicksort and a HumanEval slice, right and wrong programs alike), that a
worker process killed mid-run loses no job and changes no verdict,
that a job whose workers keep dying becomes an `infra_error` after `max_attempts`, and that a
node whose kernel forbids user namespaces is refused with the reason. (A node removed mid-run:
tests/cli/test_ray_run.py, through the runner and its store.)
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import pytest

from codeeval.errors import BadConfig
from codeeval.sandbox import create_executor
from codeeval.sandbox.local import LocalExecutor
from codeeval.task import load_benchmark, select_tasks
from codeeval.task.prepare import prepare_tasks
from codeeval.types import ExecJob, ExecLimits, ExecResult, Status, Task
from tests.servers.ray_cluster import RayTestCluster

QUICKSORT_SAMPLES = {
    "right": None,  # the reference
    "wrong": "def quicksort(items):\n    return list(items)\n",
    "raises": "def quicksort(items):\n    raise ValueError('no')\n",
    "syntax": "def quicksort(items):\n    return sorted(items\n",
    "missing": "def sort(items):\n    return sorted(items)\n",
    "slow_but_right": "import time\n\ndef quicksort(items):\n    time.sleep(0.05)\n"
    "    return sorted(items)\n",
}


def _slow(job_id: str, seconds: float) -> ExecJob:
    """A job whose one test waits `seconds` in the sandbox (wall time: no CPU limit nears)."""
    return ExecJob(
        id=job_id,
        code=f"import time\n\ndef f():\n    time.sleep({seconds})\n    return 1\n",
        entry_point="f",
        tests="def test_waits(candidate):\n    assert candidate() == 1\n",
        limits=ExecLimits(time_limit_s=max(2.0, seconds), memory_mb=256),
    )


def _verdict(result: ExecResult) -> tuple[Any, ...]:
    """Everything a result says about the program, timings aside."""
    cases = tuple((c.name, c.status, c.message) for c in result.cases)
    return (result.status, result.message, cases, result.stdout, bool(result.timings))


def _jobs(tasks: Sequence[Task], prepared: dict[str, Any]) -> list[ExecJob]:
    jobs = []
    for task in tasks:
        ready = prepared[task.id]
        if task.id == "quicksort":
            for name, code in QUICKSORT_SAMPLES.items():
                job = ready.job(code or task.reference, f"quicksort:{name}")
                # One program is timed (timing runs on Ray as locally); timing every passing
                # one would spend its budget, seconds each, on what other tests check.
                untimed = replace(job, timing=None, timing_args=())
                jobs.append(job if name == "right" else untimed)
            continue
        canonical = task.reference
        wrong = task.code_prefix + "    return None\n"
        jobs.append(ready.job(canonical, f"{task.id}:right"))
        jobs.append(ready.job(wrong, f"{task.id}:wrong"))
    return jobs


@pytest.fixture(scope="module")
def slice_jobs(executor: LocalExecutor) -> list[ExecJob]:
    """Quicksort and HumanEval/0-11, right and wrong programs, limits measured once."""
    tasks = select_tasks(["quicksort"]) + load_benchmark("humaneval")[:12]
    return _jobs(tasks, prepare_tasks(tasks, executor))


@pytest.fixture
def ray_executor(ray_cluster: RayTestCluster) -> Iterator[Any]:
    executor = create_executor("ray", address=ray_cluster.address)
    try:
        yield executor
    finally:
        executor.close()


def test_verdicts_on_ray_equal_the_local_sandbox(
    ray_executor: Any, executor: LocalExecutor, slice_jobs: list[ExecJob]
) -> None:
    local = {r.job_id: _verdict(r) for r in executor.run(slice_jobs)}
    on_ray = list(ray_executor.run(slice_jobs))
    assert sorted(r.job_id for r in on_ray) == sorted(j.id for j in slice_jobs)  # one each
    assert {r.job_id: _verdict(r) for r in on_ray} == local
    statuses = {r.job_id: r.status for r in on_ray}
    assert statuses["quicksort:right"] is Status.PASSED
    assert statuses["quicksort:wrong"] is Status.FAILED
    assert statuses["quicksort:syntax"] is Status.SYNTAX_ERROR
    assert statuses["humaneval/3:wrong"] is Status.FAILED
    assert sum(s is Status.PASSED for s in statuses.values()) == 14  # 12 + quicksort twice


def test_isolation_names_every_node_and_what_its_sandbox_allows(
    ray_executor: Any, ray_cluster: RayTestCluster
) -> None:
    isolation = ray_executor.isolation
    for name in ("user_namespace", "pid_namespace", "seccomp"):
        assert isolation[name].startswith("on"), (name, isolation[name])
    used = isolation["ray_nodes"]
    assert all(node_id[:8] in used for node_id in ray_cluster.node_ids())
    assert "ray_refused_nodes" not in isolation


def _kill_when_busy(executor: Any, kills: int, stop: threading.Event) -> list[int]:
    """Kill the graders' processes `kills` times, each time once one is grading a batch."""
    killed: list[int] = []
    while len(killed) < kills and not stop.is_set():
        busy = [
            n.pid for n in list(executor._nodes.values()) if n.in_flight and n.pid not in killed
        ]
        if busy:
            time.sleep(0.3)  # mid-sample: the slow jobs take a second each
            for pid in busy:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                killed.append(pid)
                break
        time.sleep(0.05)
    return killed


def test_a_worker_killed_mid_run_loses_no_job_and_changes_no_verdict(
    ray_executor: Any, executor: LocalExecutor, slice_jobs: list[ExecJob]
) -> None:
    jobs = [_slow(f"slow:{i}", 1.0) for i in range(4)] + slice_jobs
    local = {r.job_id: _verdict(r) for r in executor.run(jobs)}
    assert ray_executor.isolation  # started: both nodes' graders are up
    stop = threading.Event()
    killed: list[int] = []
    killer = threading.Thread(target=lambda: killed.extend(_kill_when_busy(ray_executor, 1, stop)))
    killer.start()
    try:
        on_ray = list(ray_executor.run(jobs))
    finally:
        stop.set()
        killer.join()
    assert len(killed) == 1
    assert sorted(r.job_id for r in on_ray) == sorted(j.id for j in jobs)
    assert {r.job_id: _verdict(r) for r in on_ray} == local
    # The node lives on: a new grader took the dead one's place there.
    assert killed[0] not in {n.pid for n in ray_executor._nodes.values()}
    assert len(ray_executor._nodes) == 2


def test_a_job_whose_workers_keep_dying_is_an_infra_error(
    ray_cluster: RayTestCluster, slice_jobs: list[ExecJob]
) -> None:
    doomed = _slow("doomed", 30)
    with create_executor("ray", address=ray_cluster.address, max_attempts=2) as ray_executor:
        assert ray_executor.isolation
        stop = threading.Event()
        killed: list[int] = []
        killer = threading.Thread(
            target=lambda: killed.extend(_kill_when_busy(ray_executor, 2, stop))
        )
        killer.start()
        try:
            (result,) = list(ray_executor.run([doomed]))
        finally:
            stop.set()
            killer.join()
    assert len(killed) == 2
    assert result.job_id == "doomed" and result.status is Status.INFRA_ERROR
    assert "died 2 time(s)" in result.message and "says nothing about the program" in result.message
    assert result.cases == ()


def test_a_node_that_cannot_isolate_is_refused_and_never_sent_a_job(
    ray_cluster: RayTestCluster, executor: LocalExecutor, slice_jobs: list[ExecJob]
) -> None:
    import ray

    ray.init(address=ray_cluster.address)  # to watch the cluster join the node
    try:
        unisolated = ray_cluster.start_unisolated_node()
    finally:
        ray.shutdown()
    try:
        with create_executor("ray", address=ray_cluster.address) as ray_executor:
            isolation = ray_executor.isolation
            assert set(ray_executor._nodes) == ray_cluster.node_ids()  # not the new node
            refused = isolation["ray_refused_nodes"]
            assert unisolated[:8] in refused
            assert "its sandbox cannot isolate programs (user_namespace: off:" in refused
            results = {r.job_id: _verdict(r) for r in ray_executor.run(slice_jobs[:8])}
    finally:
        ray_cluster.stop_unisolated_nodes()
    assert results == {r.job_id: _verdict(r) for r in executor.run(slice_jobs[:8])}


def test_a_cluster_with_no_node_that_can_grade_is_a_one_line_error(
    ray_cluster: RayTestCluster,
) -> None:
    # A grader per node needs more CPUs than any node declares: no node can take one.
    executor = create_executor("ray", address=ray_cluster.address, workers=64, start_timeout_s=3)
    with pytest.raises(BadConfig) as caught:
        executor.run([])
    executor.close()
    message = str(caught.value)
    assert message.startswith("--executor ray: no node of the Ray cluster can grade: ")
    assert "workers=64, but the node declares 1 CPU(s) to Ray" in message
    assert "\n" not in message
