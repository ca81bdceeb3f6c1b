"""Verdicts do not depend on the machine's load: the same file graded idle and busy."""

from __future__ import annotations

import os
import subprocess
import sys

from codeeval.sandbox.local import LocalExecutor
from codeeval.types import ExecJob, ExecLimits, Status

TESTS = "def test_value(candidate):\n    assert candidate(20) == 2 * 20\n"
PROGRAMS = {
    "right": "def f(x):\n    return 2 * x\n",
    "wrong": "def f(x):\n    return x\n",
    "raises": "def f(x):\n    raise ValueError('no')\n",
    "loops": "def f(x):\n    while True:\n        pass\n",
    # Uses about a third of its CPU limit: on a busy machine it takes longer in wall-clock
    # time, which must not turn it into a timeout.
    "slow_but_in_time": (
        "import time\n"
        "def f(x):\n"
        "    end = time.process_time() + 0.1\n"
        "    while time.process_time() < end:\n"
        "        pass\n"
        "    return 2 * x\n"
    ),
    "sleeps_briefly": "import time\ndef f(x):\n    time.sleep(0.05)\n    return 2 * x\n",
}


def _grade_all(executor: LocalExecutor) -> dict[str, Status]:
    limits = ExecLimits(time_limit_s=0.3)
    jobs = [ExecJob(name, code, "f", TESTS, limits) for name, code in PROGRAMS.items()]
    return {result.job_id: result.status for result in executor.run(jobs)}


def test_the_same_file_gets_the_same_verdicts_idle_and_under_load(patient: LocalExecutor) -> None:
    # The patient executor: its far wall-clock cap leaves every timeout to the CPU limit, so
    # that other work on the machine (beyond this test's) changes no verdict either.
    idle = _grade_all(patient)
    busy = [  # each in a session of its own: with autogroups, one session weighs as one task
        subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
        for _ in range(len(os.sched_getaffinity(0)) + 1)
    ]
    try:
        loaded = _grade_all(patient)
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert loaded == idle
    assert idle == {
        "right": Status.PASSED,
        "wrong": Status.FAILED,
        "raises": Status.ERROR,
        "loops": Status.TIMEOUT,
        "slow_but_in_time": Status.PASSED,
        "sleeps_briefly": Status.PASSED,
    }
