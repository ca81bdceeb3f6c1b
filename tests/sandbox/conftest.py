"""Warm executors for the sandbox tests, and a helper that grades a program against tests.

`executor` is the local executor; `sandbox` is each executor in turn (the local one, then the
Docker one) for the hostile checks that must hold in both. The Docker executor's tests skip,
with the reason, where no engine or no image is there, and fail instead when
CODEEVAL_REQUIRE_DOCKER=1 (as CI sets it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codeeval.sandbox import Executor
from codeeval.types import Case, ExecJob, ExecLimits, ExecResult, Status

if sys.platform != "linux":  # pragma: no cover - the local sandbox is Linux-only
    pytest.skip("the local sandbox needs Linux", allow_module_level=True)

from codeeval.sandbox.docker import DockerExecutor
from codeeval.sandbox.local import LocalExecutor
from tests.servers.docker_engine import require_docker

Grade = Callable[..., ExecResult]


# The wall-clock cap of the `patient` executor, in time limits. A program that spins gets
# to its CPU time limit before this cap even with 1/30 of a CPU; under the default cap (3)
# a busy machine that gives it less than 1/3 of one makes it a wall-clock timeout instead.
PATIENT_WALL_FACTOR = 30


@pytest.fixture(scope="session")
def executor() -> Iterator[LocalExecutor]:
    with LocalExecutor(workers=2) as running:
        yield running


@pytest.fixture(scope="session")
def patient() -> Iterator[LocalExecutor]:
    """An executor whose wall-clock cap is far: on a busy machine the CPU limit binds."""
    with LocalExecutor(workers=2, wall_factor=PATIENT_WALL_FACTOR) as running:
        yield running


def docker_executor(**options: Any) -> DockerExecutor:
    """A Docker executor with the default image; the test skips (or fails) without one."""
    require_docker()
    return DockerExecutor(**options)


@pytest.fixture(scope="session")
def docker_sandbox() -> Iterator[DockerExecutor]:
    with docker_executor(workers=2) as running:
        yield running


@pytest.fixture(scope="session", params=["local", "docker"])
def sandbox(request: pytest.FixtureRequest) -> Executor:
    """Each executor in turn: the hostile checks that run on it must hold in both."""
    built: Executor = request.getfixturevalue(
        "executor" if request.param == "local" else "docker_sandbox"
    )
    return built


@pytest.fixture(scope="session")
def patient_docker() -> Iterator[DockerExecutor]:
    """The Docker executor with the `patient` executor's wall-clock cap."""
    with docker_executor(workers=2, wall_factor=PATIENT_WALL_FACTOR) as running:
        yield running


@pytest.fixture(scope="session", params=["local", "docker"])
def patient_sandbox(request: pytest.FixtureRequest) -> Executor:
    """`patient` and `patient_docker` in turn."""
    built: Executor = request.getfixturevalue(
        "patient" if request.param == "local" else "patient_docker"
    )
    return built


@pytest.fixture
def grade(executor: LocalExecutor) -> Grade:
    """grade(code, tests, entry_point="f", time_limit_s=1.0, memory_mb=256, ...) -> ExecResult."""
    return grader(executor)


@pytest.fixture
def grade_patiently(patient: LocalExecutor) -> Grade:
    """Like `grade`, on the `patient` executor: a loop's timeout is its CPU limit."""
    return grader(patient)


def grader(executor: Executor) -> Grade:
    def run(
        code: str,
        tests: str = "def test_value(candidate):\n    assert candidate(2) == 4\n",
        entry_point: str = "f",
        **limits: float,
    ) -> ExecResult:
        settings = {"time_limit_s": 1.0, "memory_mb": 256, "processes": 16, **limits}
        job = ExecJob(
            id="job",
            code=code,
            entry_point=entry_point,
            tests=tests,
            limits=ExecLimits(**settings),  # type: ignore[arg-type]
        )
        (result,) = list(executor.run([job]))
        return result

    return run


@pytest.fixture
def grade_anywhere(sandbox: Executor) -> Grade:
    """Like `grade`, in each executor in turn (see `sandbox`)."""
    return grader(sandbox)


@pytest.fixture
def grade_patiently_anywhere(patient_sandbox: Executor) -> Grade:
    """Like `grade_patiently`, in each executor in turn."""
    return grader(patient_sandbox)


@pytest.fixture
def probe(executor: LocalExecutor) -> Callable[..., Any]:
    """probe(code, *args) -> the value the sandboxed `f(*args)` returned, decoded."""
    return prober(executor)


@pytest.fixture
def docker_probe(docker_sandbox: DockerExecutor) -> Callable[..., Any]:
    """Like `probe`, in a Docker container."""
    return prober(docker_sandbox)


def prober(executor: Executor) -> Callable[..., Any]:
    """probe(code, *args) -> the value `f(*args)` returned in `executor`'s sandbox, decoded."""

    def run(code: str, *args: Any, **limits: Any) -> Any:
        settings = {"time_limit_s": 2.0, "memory_mb": 256, "processes": 16, **limits}
        job = ExecJob(
            id="probe",
            code=code,
            entry_point="f",
            tests="",
            limits=ExecLimits(**settings),
            cases=(Case("probe", args, None),),
            collect_outputs=True,
        )
        (result,) = list(executor.run([job]))
        assert result.status is Status.PASSED, result.message
        return result.outputs[0]

    return run


def _parent(pid: str) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


@pytest.fixture
def job_processes(executor: LocalExecutor) -> Callable[[], list[int]]:
    """A function listing host PIDs that run as a per-job user ID and are not the idle
    children each zygote keeps forked ahead for the next job."""
    if "host_user_ids" not in executor.isolation:
        pytest.skip("per-job user IDs need root (CI and this project's machines run as root)")
    first, _, last = executor.isolation["host_user_ids"].partition("..")
    low, high = int(first), int(last)

    def scan() -> list[int]:
        zygotes = {_zygote_pid(client.process.pid) for client in executor._clients}
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and low <= entry.stat().st_uid <= high:
                    if _parent(entry.name) not in zygotes:
                        found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
        return found

    return scan


@pytest.fixture
def leftovers(sandbox: Executor, request: pytest.FixtureRequest) -> Callable[[], list[str]]:
    """A function listing what jobs left behind in `sandbox`: processes running as a per-job
    user ID (see `job_processes`), or containers."""
    if isinstance(sandbox, DockerExecutor):
        return sandbox.containers
    scan: Callable[[], list[int]] = request.getfixturevalue("job_processes")
    return lambda: [str(pid) for pid in scan()]


def children_of(pid: int) -> list[int]:
    """The children of process `pid`'s main thread."""
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _zygote_pid(launcher: int) -> int:
    children = children_of(launcher)
    return children[0] if children else launcher


@pytest.fixture
def tmp_secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("top secret", encoding="utf-8")
    os.chmod(path, 0o644)
    return path
