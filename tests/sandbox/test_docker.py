"""The Docker executor: skipped, with the reason, where no Docker engine answers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from codeeval.errors import BadConfig
from codeeval.sandbox import docker
from codeeval.types import ExecJob, ExecLimits, Status

PROBLEM = docker.engine_problem()


def test_the_bootstrap_serves_the_protocol_without_docker() -> None:
    # The container's program, run here as a plain subprocess: it must speak the protocol.
    from codeeval.sandbox import _codec

    with subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", docker._bootstrap()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as process:
        assert process.stdin and process.stdout
        assert process.stdout.read(1) == b"\x01"
        job = ["job", 0, "def f(x):\n    return [x, x]\n", "f", None]
        process.stdin.write(_codec.frame(_codec.dumps(job)))
        process.stdin.write(_codec.frame(_codec.dumps(["call", 1, [(1, 2)], None])))
        process.stdin.flush()
        replies = [_codec.loads(_codec.read_frame(process.stdout.fileno()) or b"") for _ in "ab"]
        assert replies == [["ready", 0], ["ok", 1, [(1, 2), (1, 2)]]]
        process.kill()


def test_no_engine_is_a_one_line_config_error() -> None:
    if PROBLEM is None:
        pytest.skip("a Docker engine is reachable here")
    with pytest.raises(
        BadConfig, match="--executor docker: .*; start Docker or use --executor local"
    ):
        docker.DockerExecutor()


def test_its_isolation_names_the_flags_each_container_is_started_with() -> None:
    executor = docker.DockerExecutor.__new__(docker.DockerExecutor)  # no engine needed
    executor.image, executor.tmp_mb, executor._bootstrap = "python:3.12-slim", 32, ""
    command = " ".join(executor._command("c", ExecLimits(time_limit_s=1.0)))
    isolation = executor.isolation
    assert isolation["mode"] == "docker: a container per child, from image python:3.12-slim"
    assert "--network none" in command and "--network none" in isolation["network_namespace"]
    assert "--read-only" in command and "--read-only" in isolation["readonly_root"]
    assert "size=32m" in command and "32 MB" in isolation["private_tmp"]
    assert all(flag in command for flag in ("--user 65534:65534", "--cap-drop ALL"))
    assert isolation["cpu_accounting"].startswith("off: ")  # its limits are wall-clock time


@pytest.fixture(scope="module")
def executor() -> Iterator[docker.DockerExecutor]:
    if PROBLEM is not None:
        pytest.skip(f"no Docker engine reachable: {PROBLEM}")
    running = docker.DockerExecutor(workers=2)
    yield running
    running.close()


def test_a_container_grades_right_wrong_and_hostile_programs(
    executor: docker.DockerExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_API_KEY", "sk-fake")
    tests = "def test_value(candidate):\n    assert candidate(2) == 4\n"
    limits = ExecLimits(time_limit_s=2.0, memory_mb=128)
    programs = {
        "right": "def f(x):\n    return 2 * x\n",
        "wrong": "def f(x):\n    return x\n",
        "loops": "def f(x):\n    while True:\n        pass\n",
        "network": "import socket\ndef f(x):\n    socket.create_connection(('1.1.1.1', 80), 2)\n",
        "env": "import os\ndef f(x):\n    return 4 if 'FAKE_API_KEY' in os.environ else 0\n",
    }
    jobs = [ExecJob(name, code, "f", tests, limits) for name, code in programs.items()]
    statuses = {result.job_id: result.status for result in executor.run(jobs)}
    assert statuses == {
        "right": Status.PASSED,
        "wrong": Status.FAILED,
        "loops": Status.TIMEOUT,
        "network": Status.ERROR,
        "env": Status.FAILED,
    }
