"""Programs that try to exhaust CPU, memory, processes or output: each gets a verdict, fast,
and leaves nothing behind. Every test runs in each executor in turn (local, then Docker).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from codeeval.sandbox import Executor
from codeeval.sandbox.docker import DockerExecutor
from codeeval.sandbox.local import LocalExecutor
from codeeval.types import ExecJob, ExecLimits, ExecResult, Status

Grade = Callable[..., ExecResult]
LOOP = "def f(x):\n    while True:\n        pass\n"


@pytest.fixture
def grade(grade_anywhere: Grade) -> Grade:
    return grade_anywhere


@pytest.fixture
def grade_patiently(grade_patiently_anywhere: Grade) -> Grade:
    return grade_patiently_anywhere


def _settle(leftovers: Callable[[], list[str]]) -> list[str]:
    deadline = time.monotonic() + 10  # dead at once; on a busy machine, reaped a moment later
    while (left := leftovers()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


def test_an_infinite_loop_times_out_at_the_limit(grade_patiently: Grade) -> None:
    result = grade_patiently(LOOP, time_limit_s=0.3)
    assert result.status is Status.TIMEOUT
    assert "0.3 s CPU time limit" in result.message
    assert 0.3 <= result.cases[0].duration_s < 0.6  # charged the limit, and stopped there


def test_a_loop_at_import_times_out_once_for_every_test(grade_patiently: Grade) -> None:
    code = "import os\nos.write(1, b'loading\\n')\nwhile True:\n    pass\ndef f(x):\n    return x\n"
    tests = "def test_a(candidate):\n    pass\n\ndef test_b(candidate):\n    pass\n"
    result = grade_patiently(code, tests, time_limit_s=0.3)
    assert result.status is Status.TIMEOUT
    assert [case.status for case in result.cases] == [Status.TIMEOUT, Status.TIMEOUT]
    assert "while loading the program: used more than the 0.3 s CPU" in result.message
    assert result.stdout.count("loading") == 1  # loaded once, not again for test_b


def test_a_fork_bomb_is_contained_and_cleaned_up(
    grade: Grade, leftovers: Callable[[], list[str]]
) -> None:
    code = (
        "import os\n"
        "def f(x):\n"
        "    while True:\n"
        "        try:\n"
        "            os.fork()\n"
        "        except OSError:\n"
        "            pass\n"
    )
    result = grade(code, time_limit_s=0.3, processes=8)
    assert result.status is Status.TIMEOUT
    assert _settle(leftovers) == []


def test_a_memory_bomb_hits_the_memory_limit(grade: Grade) -> None:
    code = "def f(x):\n    hoard = []\n    while True:\n        hoard.append(bytearray(1 << 20))\n"
    result = grade(code, memory_mb=64)
    assert result.status is Status.MEMORY_LIMIT
    assert "MemoryError" in result.message


def test_a_thread_bomb_is_refused_threads(grade: Grade) -> None:
    code = (
        "import threading, time\n"
        "def f(x):\n"
        "    for _ in range(10_000):\n"
        "        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
        "    return 2 * x\n"
    )
    result = grade(code, processes=8)
    assert result.status is Status.ERROR
    assert "can't start new thread" in result.message


def test_huge_output_is_an_output_limit_and_is_kept_short(grade: Grade) -> None:
    code = "def f(x):\n    while True:\n        print('x' * 10_000)\n"
    result = grade(code, output_bytes=100_000)
    assert result.status is Status.OUTPUT_LIMIT
    assert len(result.stdout) < 20_000
    assert result.stdout.startswith("x" * 1000)


def test_output_after_a_timeout_is_dropped_and_there_is_one_result(sandbox: Executor) -> None:
    code = (
        "import threading, sys\n"
        "def chatter():\n"
        "    while True:\n        print('late', flush=True)\n"
        "def f(x):\n"
        "    threading.Thread(target=chatter, daemon=True).start()\n"
        "    while True:\n        pass\n"
    )
    tests = "def test_value(candidate):\n    assert candidate(2) == 4\n"
    limits = ExecLimits(time_limit_s=0.3, output_bytes=10_000_000)
    jobs = [ExecJob(f"late-{i}", code, "f", tests, limits) for i in range(2)]
    results = list(sandbox.run(jobs))
    assert sorted(r.job_id for r in results) == ["late-0", "late-1"]
    assert {r.status for r in results} == {Status.TIMEOUT}
    assert all(len(r.stdout) <= 20_000 for r in results)


def test_a_sleeping_daemon_and_a_zombie_are_gone_with_the_verdict(
    grade: Grade, leftovers: Callable[[], list[str]]
) -> None:
    code = (
        "import os, time\n"
        "def f(x):\n"
        "    if os.fork() == 0:\n"
        "        try:\n"
        "            os.setsid()\n"
        "        except OSError:  # refused where sessions would be scheduled apart\n"
        "            os.setpgid(0, 0)\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(600)\n"
        "        os._exit(0)\n"
        "    if os.fork() == 0:\n"
        "        os._exit(0)  # never waited for: a zombie\n"
        "    return 2 * x\n"
    )
    result = grade(code)
    assert result.status is Status.PASSED
    assert _settle(leftovers) == []


def test_an_exiting_program_does_not_stop_the_next_test(grade: Grade) -> None:
    code = "import os\ndef f(x):\n    if x == 1:\n        os._exit(3)\n    return 2 * x\n"
    tests = (
        "def test_crash(candidate):\n    candidate(1)\n\n"
        "def test_fine(candidate):\n    assert candidate(2) == 4\n"
    )
    result = grade(code, tests)
    statuses = [case.status for case in result.cases]
    assert statuses == [Status.ERROR, Status.PASSED]
    assert "exited (status 3)" in result.cases[0].message


@pytest.fixture
def one_worker(sandbox: Executor) -> Iterator[Executor]:
    """One worker: each job follows the last on the same zygote (local), or in a new
    container (Docker)."""
    if isinstance(sandbox, DockerExecutor):
        yield sandbox
        return
    with LocalExecutor(workers=1) as executor:
        yield executor


def test_files_a_job_leaves_in_shared_memory_or_its_folder_are_gone_for_the_next(
    one_worker: Executor,
) -> None:
    leave = (
        "import os\n"
        "def f(x):\n"
        "    os.mkdir('/dev/shm/left-dir')\n"
        "    for path in ('/dev/shm/left', '/dev/shm/left-dir/inside', 'here'):\n"
        "        with open(path, 'w') as handle:\n"
        "            handle.write('data')\n"
        "    return sorted(os.listdir('/dev/shm'))\n"
    )
    look = "import os\ndef f(x):\n    return sorted(os.listdir('/dev/shm')) + os.listdir('.')\n"
    tests = "def test_value(candidate):\n    assert candidate(0) == {}\n"
    jobs = [
        ExecJob(name, code, "f", tests.format(expected), ExecLimits(time_limit_s=2))
        for name, code, expected in (
            ("leave", leave, ["left", "left-dir"]),
            ("look", look, []),
            ("again", leave, ["left", "left-dir"]),
        )
    ]
    results = {r.job_id: r for r in one_worker.run(jobs)}
    assert {name: r.status for name, r in results.items()} == dict.fromkeys(
        ("leave", "look", "again"), Status.PASSED
    ), {name: r.message for name, r in results.items()}
