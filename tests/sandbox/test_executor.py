"""The local executor's contract: one verdict per job, statuses, cases, timings, options."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from codeeval.errors import BadConfig
from codeeval.sandbox import Executor
from codeeval.sandbox.local import LocalExecutor
from codeeval.types import Case, ExecJob, ExecLimits, ExecResult, Status
from tests.sandbox.conftest import children_of

Grade = Callable[..., ExecResult]
DOUBLE = "def f(x):\n    return 2 * x\n"
TEST = "def test_value(candidate):\n    assert candidate(2) == 4\n"


def test_it_is_an_executor_yielding_one_result_per_job(executor: LocalExecutor) -> None:
    assert isinstance(executor, Executor)
    jobs = [
        ExecJob(str(i), DOUBLE if i % 2 else "def f(x):\n    return x\n", "f", TEST)
        for i in range(20)
    ]
    results = list(executor.run(iter(jobs)))
    assert sorted(int(r.job_id) for r in results) == list(range(20))
    assert {r.job_id: r.status for r in results} == {
        str(i): Status.PASSED if i % 2 else Status.FAILED for i in range(20)
    }


def test_a_failing_job_source_reaches_the_caller(executor: LocalExecutor) -> None:
    def source() -> Iterator[ExecJob]:
        yield ExecJob("one", DOUBLE, "f", TEST)
        raise RuntimeError("the job source broke")

    with pytest.raises(RuntimeError, match="the job source broke"):
        list(executor.run(source()))
    assert [r.status for r in executor.run([ExecJob("two", DOUBLE, "f", TEST)])] == [Status.PASSED]


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"workers": 0}, "workers: must be at least 1"),
        ({"wall_factor": 0.5}, "must be at least 1"),
        ({"isolation": "some"}, "isolation: 'auto' or 'none'"),
    ],
)
def test_bad_options_are_one_line_config_errors(options: dict[str, object], problem: str) -> None:
    with pytest.raises(BadConfig, match=problem):
        LocalExecutor(**options)  # type: ignore[arg-type]


def test_close_stops_every_zygote() -> None:
    executor = LocalExecutor(workers=1)
    assert [r.status for r in executor.run([ExecJob("a", DOUBLE, "f", TEST)])] == [Status.PASSED]
    processes = [client.process for client in executor._clients]
    executor.close()
    assert processes and all(process.poll() is not None for process in processes)


def test_each_worker_shares_a_cpu_with_its_zygote() -> None:
    cpus = sorted(os.sched_getaffinity(0))
    with LocalExecutor(workers=len(cpus) + 1, processes=False) as executor:
        jobs = [ExecJob(str(i), DOUBLE, "f", TEST) for i in range(40)]
        assert {r.status for r in executor.run(jobs)} == {Status.PASSED}
        assert executor._clients
        for client in executor._clients:
            assert client.cpu in cpus
            assert os.sched_getaffinity(client.process.pid) == {client.cpu}
    assert os.sched_getaffinity(0) == set(cpus)  # the caller's own thread is left alone


def test_each_worker_process_shares_a_cpu_with_its_zygote() -> None:
    cpus = sorted(os.sched_getaffinity(0))
    with LocalExecutor(workers=len(cpus) + 1, processes=True) as executor:
        jobs = [ExecJob(str(i), DOUBLE, "f", TEST) for i in range(40)]
        assert {r.status for r in executor.run(jobs)} == {Status.PASSED}
        assert not executor._clients  # every zygote is a worker process's
        workers = [process.pid for process in executor._processes]
        assert len(workers) == len(cpus) + 1 and all(workers)
        assert sorted(next(iter(os.sched_getaffinity(pid))) for pid in workers) == sorted(
            cpus[i % len(cpus)] for i in range(len(cpus) + 1)
        )
        for pid in workers:
            (zygote,) = children_of(pid)
            assert os.sched_getaffinity(zygote) == os.sched_getaffinity(pid)
    assert os.sched_getaffinity(0) == set(cpus)
    for pid in workers:  # ended with the executor, and reaped
        assert not Path(f"/proc/{pid}").exists()


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("def f(x:\n", Status.SYNTAX_ERROR, "line 1: '(' was never closed"),
        ("def f(x):\n    return 1\x00\n", Status.SYNTAX_ERROR, "null bytes"),
        ("def g(x):\n    return 2 * x\n", Status.ERROR, "the program defines no f()"),
        ("f = 3\n", Status.ERROR, "f is a int, not a function"),
        ("import no_such_module\n", Status.ERROR, "ModuleNotFoundError"),
        ("x = [0] * (1 << 40)\n", Status.MEMORY_LIMIT, "MemoryError"),
    ],
)
def test_programs_that_do_not_load(grade: Grade, code: str, status: Status, message: str) -> None:
    result = grade(code)
    assert result.status is status
    assert message in result.message
    assert [case.status for case in result.cases] == [status]


def test_the_programs_exceptions_come_back_as_builtin_exceptions(grade: Grade) -> None:
    tests = (
        "def test_raises(candidate):\n"
        "    try:\n        candidate(-1)\n    except ValueError as exc:\n"
        "        assert str(exc) == 'negative'\n    else:\n        raise AssertionError\n"
    )
    code = "def f(x):\n    if x < 0:\n        raise ValueError('negative')\n    return x\n"
    assert grade(code, tests).status is Status.PASSED
    custom = grade("class Oops(Exception):\n    pass\ndef f(x):\n    raise Oops('x')\n")
    assert custom.status is Status.ERROR
    assert "the program raised Oops: x (line 4: raise Oops('x'))" in custom.message


def test_a_test_naming_the_entry_point_calls_the_program(grade: Grade) -> None:
    # HumanEval/33 compares candidate(...) with sort_third(...): both are the program.
    tests = (
        "def f(x):\n    '''stub'''\n\ndef check(candidate):\n    assert f(2) == candidate(2) == 4\n"
    )
    assert grade(DOUBLE, tests).status is Status.PASSED


def test_random_inputs_in_trusted_tests_are_the_same_every_time(executor: LocalExecutor) -> None:
    tests = (
        "import random\n"
        "def test_draws(candidate):\n"
        "    assert candidate(random.randint(0, 10**9)) == 'remember'\n"
    )
    code = "SEEN = []\ndef f(x):\n    return 'remember'\n"
    job = ExecJob("r", code, "f", tests)
    first, second = (list(executor.run([job]))[0] for _ in range(2))
    assert first.status is second.status is Status.PASSED
    draws = "import random\ndef f(x):\n    return x\n"
    probe = ExecJob(
        "d", draws, "f", "import random\ndef test_a(c):\n    assert c(random.random()) < 0\n"
    )
    messages = {list(executor.run([probe]))[0].cases[0].message for _ in range(2)}
    assert len(messages) == 1


def test_differential_cases_compare_plain_data_on_the_trusted_side(
    executor: LocalExecutor,
) -> None:
    code = "import math\ndef f(x):\n    return [x / 3, math.nan, (x,)] if x else {1}\n"
    cases = (
        Case("close", (1,), [1 / 3 + 1e-13, math.nan, (1,)]),
        Case("tuple_not_list", (2,), [2 / 3, math.nan, [2]]),
        Case("set", (0,), {1}),
    )
    job = ExecJob("diff", code, "f", "", cases=cases)
    (result,) = list(executor.run([job]))
    statuses = {case.name: case.status for case in result.cases}
    assert statuses == {
        "close": Status.PASSED,
        "tuple_not_list": Status.FAILED,
        "set": Status.PASSED,
    }
    assert "expected [0.6666666666666666, nan, [2]], got [0.6666666666666666, nan, (2,)]" in (
        result.cases[1].message
    )


def test_outputs_are_collected_for_calibration(executor: LocalExecutor) -> None:
    job = ExecJob(
        "collect",
        "def f(x):\n    if x < 0:\n        raise ValueError\n    return sorted(x * [3, 1, 2])\n",
        "f",
        "",
        cases=(Case("a", (1,), None), Case("b", (-1,), None)),
        collect_outputs=True,
    )
    (result,) = list(executor.run([job]))
    assert result.outputs == ([1, 2, 3], None)
    assert [case.status for case in result.cases] == [Status.PASSED, Status.ERROR]


def test_timings_grow_with_the_input_for_a_quadratic_program(executor: LocalExecutor) -> None:
    code = "def f(n):\n    return sum(1 for i in range(n) for j in range(n))\n"
    job = ExecJob("timed", code, "f", "", timing_args=((100, (100,)), (400, (400,))))
    (result,) = list(executor.run([job]))
    assert result.status is Status.PASSED
    (small_n, small), (large_n, large) = result.timings
    assert (small_n, large_n) == (100, 400)
    assert 0 < small < large and large / small > 4


def test_arguments_that_are_not_plain_data_are_a_grader_error(grade: Grade) -> None:
    result = grade(DOUBLE, "def test_value(candidate):\n    candidate(lambda: 1)\n")
    assert result.status is Status.ERROR
    assert "grader: cannot send the arguments into the sandbox" in result.message


def test_a_timeout_stops_the_remaining_tests(grade: Grade) -> None:
    code = "def f(x):\n    while x:\n        pass\n    return 0\n"
    tests = "".join(f"def test_{i}(candidate):\n    candidate({i})\n\n" for i in range(4))
    result = grade(code, tests, time_limit_s=0.2)
    assert [c.status for c in result.cases] == [Status.PASSED] + [Status.TIMEOUT] * 3
    assert [c.message for c in result.cases[2:]] == [
        "not run: an earlier test ended with timeout"
    ] * 2


def test_the_most_telling_status_names_the_job(grade: Grade) -> None:
    code = "def f(x):\n    if x == 1:\n        return 0\n    raise MemoryError\n"
    tests = (
        "def test_a(candidate):\n    assert candidate(1) == 1\n\n"
        "def test_b(candidate):\n    candidate(2)\n"
    )
    result = grade(code, tests)
    assert [c.status for c in result.cases] == [Status.FAILED, Status.MEMORY_LIMIT]
    assert result.status is Status.MEMORY_LIMIT
    assert result.message.startswith("2 of 2 tests did not pass; test_b:")


def test_cpu_time_per_test_is_reported(grade: Grade) -> None:
    code = (
        "import time\n"
        "def f(x):\n"
        "    end = time.process_time() + 0.05\n"
        "    while time.process_time() < end:\n        pass\n"
        "    return 2 * x\n"
    )
    result = grade(code)
    assert result.status is Status.PASSED
    assert 0.05 <= result.cases[0].duration_s < 0.5
    assert math.isfinite(result.duration_s)


def test_limits_come_from_the_job(executor: LocalExecutor) -> None:
    code = "def f(x):\n    return len(bytearray(x << 20))\n"
    tests = "def test_a(candidate):\n    assert candidate(100) == 100 << 20\n"
    small = ExecJob("small", code, "f", tests, ExecLimits(memory_mb=64))
    large = ExecJob("large", code, "f", tests, ExecLimits(memory_mb=512))
    results = {r.job_id: r.status for r in executor.run([small, large])}
    assert results == {"small": Status.MEMORY_LIMIT, "large": Status.PASSED}


def test_without_namespaces_it_still_grades_and_cleans_up() -> None:
    code = (
        "import os, time\n"
        "def f(x):\n"
        "    if os.fork() == 0:\n"
        "        try:\n"
        "            os.setsid()\n"
        "        except OSError:  # refused where sessions would be scheduled apart\n"
        "            os.setpgid(0, 0)\n"
        "        time.sleep(60)\n"
        "    return 2 * x\n"
    )
    jobs = [
        ExecJob("daemon", code, "f", TEST),
        ExecJob("loop", "def f(x):\n    while True:\n        pass\n", "f", TEST, ExecLimits(0.3)),
        ExecJob("net", "import socket\ndef f(x):\n    return socket.socket()\n", "f", TEST),
    ]
    with LocalExecutor(workers=1, isolation="none") as plain:
        report = plain.isolation
        results = {r.job_id: r for r in plain.run(jobs)}
        host_ids = report.get("host_user_ids", "")
    assert "user_namespace" not in report and report["seccomp"].startswith("on")
    assert {name: r.status for name, r in results.items()} == {
        "daemon": Status.PASSED,
        "loop": Status.TIMEOUT,
        "net": Status.ERROR,
    }
    if host_ids:  # as root each job runs as a user ID of its own, killed to the last process
        low, high = (int(n) for n in host_ids.split(".."))
        for _ in range(200):  # the idle child dies of its zygote's death, a moment later
            left = [
                p for p in os.listdir("/proc") if p.isdigit() and _owner(p) in range(low, high + 1)
            ]
            if not left:
                break
            time.sleep(0.01)
        assert left == []


def _owner(pid: str) -> int:
    """The user ID of a live process (-1 for one gone or dead, awaiting its reaping)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return -1 if state in ("Z", "X") else os.stat(f"/proc/{pid}").st_uid
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return -1


def test_a_zygote_that_dies_is_replaced_without_losing_the_job() -> None:
    with LocalExecutor(workers=1) as executor:
        assert [r.status for r in executor.run([ExecJob("a", DOUBLE, "f", TEST)])] == [
            Status.PASSED
        ]
        (client,) = executor._clients
        launcher = client.process.pid
        below = Path(f"/proc/{launcher}/task/{launcher}/children").read_text().split()
        client.process.kill()
        client.process.wait()
        # The zygote proper (PID 1 of its namespace) dies of its parent's death, a moment
        # later: until then the child it forked ahead could still grade a job.
        for _ in range(500):
            if all(_owner(pid) == -1 for pid in below):
                break
            time.sleep(0.01)
        results = list(executor.run([ExecJob("b", DOUBLE, "f", TEST)]))
        assert [r.status for r in results] == [Status.PASSED]
        assert executor._clients[0] is not client
