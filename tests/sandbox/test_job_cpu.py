"""A job is charged the CPU of every process it starts, and stopped as a whole at its limit.

Work moved into forked children, grandchildren or setsid'd double-forked daemons counts
against the job's time limit and in its timings; busy processes one job starts cannot starve
the correct samples graded beside it. Each test runs with the per-worker cgroups this machine
allows, with the /proc fallback used where no cgroup can be written, and in the Docker
executor (each container's cgroup).
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator

import pytest

from codeeval.sandbox import Executor, encode_arguments
from codeeval.sandbox.docker import DockerExecutor
from codeeval.sandbox.local import LocalExecutor
from codeeval.scoring import fit_time_complexity
from codeeval.types import (
    ExecJob,
    ExecLimits,
    ExecResult,
    Status,
    TimingFamily,
    TimingPlan,
    TimingPoint,
)
from tests.sandbox.conftest import docker_executor

DOUBLE = "def test_value(candidate):\n    assert candidate(2) == 4\n"
# Burn `seconds` of this process's own CPU, then stop: bounded, so that where the children
# are not charged the program finishes and passes.
BURN = (
    "import os, time\n"
    "def burn(seconds):\n"
    "    end = time.process_time() + seconds\n"
    "    while time.process_time() < end:\n"
    "        pass\n"
)
FORKED_WORK = BURN + (
    "def f(x):\n"
    "    children = []\n"
    "    for _ in range(2):\n"
    "        pid = os.fork()\n"
    "        if pid == 0:\n"
    "            burn(0.6)\n"
    "            os._exit(0)\n"
    "        children.append(pid)\n"
    "    for pid in children:\n"
    "        os.waitpid(pid, 0)\n"
    "    return 2 * x\n"
)
DAEMON_WORK = BURN + (
    "def f(x):\n"
    "    read, write = os.pipe()\n"
    "    pid = os.fork()\n"
    "    if pid == 0:\n"
    "        try:\n"
    "            os.setsid()\n"
    "        except OSError:  # refused where sessions would be scheduled apart\n"
    "            pass\n"
    "        if os.fork() == 0:  # the daemon: not a child of f's process, nor in its session\n"
    "            burn(1.2)\n"
    "            os.write(write, str(2 * x).encode())\n"
    "        os._exit(0)\n"
    "    os.waitpid(pid, 0)\n"
    "    os.close(write)\n"
    "    return int(os.read(read, 100))\n"
)
# Short-lived children, each gone before the grader next looks, that the kernel reaps
# unseen (SIGCHLD ignored): their CPU would leave no trace in any process still there.
AUTOREAPED_WORK = BURN + (
    "import signal\n"
    "def f(x):\n"
    "    try:\n"
    "        signal.signal(signal.SIGCHLD, signal.SIG_IGN)\n"
    "    except OSError:  # refused where no cgroup counts the CPU\n"
    "        pass\n"
    "    read, write = os.pipe()\n"
    "    for _ in range(30):\n"
    "        if os.fork() == 0:\n"
    "            burn(0.03)\n"
    "            os._exit(0)\n"
    "        time.sleep(0.04)\n"
    "    return 2 * x\n"
)
FORKED_INSERTION_SORT = """
import os

def _sort(items):
    out = list(items)
    for i in range(1, len(out)):
        value, j = out[i], i - 1
        while j >= 0 and out[j] > value:
            out[j + 1] = out[j]
            j -= 1
        out[j + 1] = value
    return out

def f(items):
    read, write = os.pipe()
    if os.fork() == 0:
        os.write(write, " ".join(map(str, _sort(items))).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 1 << 16):
        chunks.append(chunk)
    os.wait()
    return [int(value) for value in b"".join(chunks).split()]
"""
# Thirty busy processes, each in a session of its own and free to run on any CPU, while
# the program itself waits: without per-job accounting none of that CPU is charged.
HOG = (
    "import os, time\n"
    "def f(x):\n"
    "    for _ in range(30):\n"
    "        if os.fork() == 0:\n"
    "            try:\n"
    "                os.setsid()\n"
    "            except OSError:\n"
    "                pass\n"
    "            os.sched_setaffinity(0, range(os.cpu_count() or 1))\n"
    "            while True:\n"
    "                pass\n"
    "    time.sleep(60)\n"
)
CORRECT_BUT_BUSY = BURN + "def f(x):\n    burn(0.15)\n    return 2 * x\n"


@pytest.fixture(scope="module", params=["v1", "v2", "off", "off, no namespaces", "docker"])
def cgroups(request: pytest.FixtureRequest) -> str:
    """Each kind of cgroup, "off": the process tree read from /proc (also without a PID
    namespace to keep the tree together), and "docker": the Docker executor."""
    return str(request.param)


def _executor(cgroups: str, **options: float) -> Executor:
    if cgroups == "docker":
        docker = docker_executor(workers=2, **options)
        mode = docker.isolation["cpu_accounting"]
        if not mode.startswith("on: the container's cgroup"):
            docker.close()
            pytest.skip(f"the containers' cgroups are not visible here: {mode}")
        return docker
    kind, _, rest = cgroups.partition(",")
    isolation = "none" if rest else "auto"
    executor = LocalExecutor(
        workers=2,
        cgroups=kind,
        isolation=isolation,
        **options,  # type: ignore[arg-type]
    )
    mode = executor.isolation["cpu_accounting"]
    if not mode.startswith("on: /proc" if kind == "off" else f"on: cgroup {kind}"):
        executor.close()
        pytest.skip(f"no writable cgroup {kind} here: {mode}")
    return executor


@pytest.fixture(scope="module")
def accounting(cgroups: str) -> Iterator[Executor]:
    """An executor whose wall-clock cap is far: on a busy machine the CPU limit comes first."""
    executor = _executor(cgroups, wall_factor=30)
    try:
        yield executor
    finally:
        executor.close()


def _grade(executor: Executor, code: str, **limits: float) -> ExecResult:
    settings = {"time_limit_s": 0.5, "memory_mb": 256, "processes": 16, **limits}
    job = ExecJob("job", code, "f", DOUBLE, ExecLimits(**settings))  # type: ignore[arg-type]
    (result,) = list(executor.run([job]))
    return result


def test_the_isolation_report_names_the_accounting_mode(accounting: Executor) -> None:
    mode = accounting.isolation["cpu_accounting"]
    if isinstance(accounting, DockerExecutor):
        assert mode.startswith("on: the container's cgroup (v"), mode
        assert "every process it starts" in mode
        return
    assert mode.startswith(("on: cgroup v1", "on: cgroup v2", "on: /proc")), mode
    assert "every process" in mode
    seccomp = accounting.isolation["seccomp"]
    assert ("rt_sigaction of SIGCHLD" in seccomp) == mode.startswith("on: /proc")
    if "share one scheduler weight" in mode:
        assert "setsid" not in seccomp


def test_work_done_in_forked_children_is_charged_to_the_job(accounting: Executor) -> None:
    result = _grade(accounting, FORKED_WORK)
    assert result.status is Status.TIMEOUT, result.message
    assert "CPU time limit" in result.message  # charged, not merely slow in wall time


def test_work_done_by_a_setsid_double_forked_daemon_is_charged(accounting: Executor) -> None:
    result = _grade(accounting, DAEMON_WORK)
    assert result.status is Status.TIMEOUT, result.message
    assert "CPU time limit" in result.message


def test_children_the_kernel_reaps_unseen_are_charged(accounting: Executor) -> None:
    result = _grade(accounting, AUTOREAPED_WORK, processes=64)
    assert result.status is Status.TIMEOUT, result.message
    assert "CPU time limit" in result.message


def test_the_same_work_within_the_limit_still_passes(accounting: Executor) -> None:
    result = _grade(accounting, FORKED_WORK, time_limit_s=5.0)
    assert result.status is Status.PASSED, result.message
    assert result.cases[0].duration_s >= 1.1  # the 2 x 0.6 s of the children, charged


def test_a_sort_done_in_a_forked_child_is_timed_with_the_childs_cpu(
    accounting: Executor,
) -> None:
    rng = random.Random(7)
    sizes = (250, 500, 1000, 2000, 4000)
    points = []
    for n in sizes:
        payload, encoding = encode_arguments(([rng.randint(0, n) for _ in range(n)],))
        points.append(TimingPoint(n, payload, encoding))
    # The default 3 s budget holds all five sizes only on an idle machine: where the CPU
    # is read from /proc, a loaded machine's cache misses stop the family at 2000.
    plan = TimingPlan((TimingFamily("random", tuple(points)),), budget_s=20.0)
    job = ExecJob(
        "t",
        FORKED_INSERTION_SORT,
        "f",
        "",
        limits=ExecLimits(time_limit_s=10.0, memory_mb=256),
        timing=plan,
    )
    (result,) = list(accounting.run([job]))
    assert [size for size, _ in result.timings] == list(sizes), result.message
    assert result.timings[-1][1] > 0.1  # ~4e6 inner steps, not the fork's few milliseconds
    if accounting.isolation["cpu_accounting"].startswith("on: /proc"):
        return  # reaped children's CPU is read to the clock tick (10 ms): too coarse to fit
    fit = fit_time_complexity(result.timings)
    assert fit is not None
    assert fit.complexity == "O(n^2)"  # as the same sort timed in-process


def test_setsid_busy_forks_do_not_starve_correct_samples_in_another_worker(cgroups: str) -> None:
    limits = ExecLimits(time_limit_s=1.0, memory_mb=256, processes=64)
    jobs = []
    for number in range(3):
        jobs.append(ExecJob(f"hog-{number}", HOG, "f", DOUBLE, limits))
        jobs.append(ExecJob(f"correct-{number}", CORRECT_BUT_BUSY, "f", DOUBLE, limits))
    executor = _executor(cgroups)  # the default wall-clock cap: 3 x the limit
    try:
        results = {result.job_id: result for result in executor.run(jobs)}
    finally:
        executor.close()
    verdicts = {job_id: (r.status, r.message) for job_id, r in results.items()}
    correct = [results[f"correct-{number}"].status for number in range(3)]
    assert correct == [Status.PASSED] * 3, verdicts
    for number in range(3):
        hog = results[f"hog-{number}"]
        assert hog.status is Status.TIMEOUT, verdicts
        assert hog.cases[0].duration_s > 0.1, verdicts  # charged (0.01 s if not), then killed


def test_nothing_of_a_hog_outlives_its_verdict(accounting: Executor) -> None:
    result = _grade(accounting, HOG, processes=64)
    assert result.status is Status.TIMEOUT
    if isinstance(accounting, DockerExecutor):
        assert accounting.containers() == []  # its container, and every process in it
    else:
        assert isinstance(accounting, LocalExecutor)
        assert _still_running(accounting) == []


def _still_running(executor: LocalExecutor) -> list[int]:
    """Running processes below the zygotes (their idle children sleep), after a moment."""
    deadline = time.monotonic() + 3
    while True:
        running = [
            pid
            for client in executor._clients
            for pid in _descendants(_zygote_pid(client.process.pid))
            if _state(pid) == "R"
        ]
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.05)


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        parent = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{parent}/task/{tid}/children") as handle:
                    children = [int(p) for p in handle.read().split()]
            except OSError:
                continue
            found += children
            stack += children
    return found


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


def _zygote_pid(launcher: int) -> int:
    """The zygote proper: the launcher's child where there are namespaces, else itself."""
    try:
        with open(f"/proc/{launcher}/task/{launcher}/children") as handle:
            children = handle.read().split()
    except OSError:
        return launcher
    return int(children[0]) if children else launcher
