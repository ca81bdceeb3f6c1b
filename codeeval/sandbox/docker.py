"""A container per sandboxed child, for users who want Docker's isolation (needs an engine).

Each child is `docker run -i --rm` of a small Python image with no network, a read-only root,
a size-limited /tmp, no capabilities, no new privileges, an unprivileged user and cgroup
limits on memory, processes and CPU. The same child-side harness (`_child`) runs inside,
speaking the same protocol over the container's stdin and stdout, and the trusted tests run
here exactly as with the local executor. Slower (a container start per job, ~0.5-1 s) and the
time limit is wall-clock time, since the child's CPU clock is not visible from here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from codeeval.errors import BadConfig
from codeeval.sandbox._job_grader import GradeOptions, grade_job
from codeeval.sandbox._runloop import run_jobs
from codeeval.types import ExecJob, ExecLimits, ExecResult

_HERE = Path(__file__).resolve().parent
_READY = b"\x01"
_START_TIMEOUT_S = 120.0


def _bootstrap() -> str:
    """The program the container runs: the codec and harness sources, then `serve()`."""
    codec = (_HERE / "_codec.py").read_text(encoding="utf-8")
    child = (_HERE / "_child.py").read_text(encoding="utf-8")
    return (
        "import os, sys, types\n"
        "def load(name, source):\n"
        "    module = types.ModuleType(name)\n"
        "    sys.modules[name] = module\n"
        "    exec(compile(source, name, 'exec'), module.__dict__)\n"
        "    return module\n"
        "package = types.ModuleType('codeeval'); package.__path__ = []\n"
        "sandbox = types.ModuleType('codeeval.sandbox'); sandbox.__path__ = []\n"
        "sys.modules.update({'codeeval': package, 'codeeval.sandbox': sandbox})\n"
        f"sandbox._codec = load('codeeval.sandbox._codec', {codec!r})\n"
        f"child = load('codeeval.sandbox._child', {child!r})\n"
        "os.dup2(0, 3); os.dup2(1, 4)\n"  # the protocol: stdin and stdout
        "null = os.open('/dev/null', os.O_RDWR); os.dup2(null, 0); os.dup2(2, 1)\n"
        "os.write(4, b'\\x01')\n"
        "child.serve()\n"
    )


class _OutputDrain:
    """Keeps the first bytes a container writes to stderr, and counts the rest."""

    def __init__(self, stream: int, keep: int) -> None:
        self.data, self.size, self._keep = bytearray(), 0, keep
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: int) -> None:
        with contextlib.suppress(OSError):
            while chunk := os.read(stream, 1 << 16):
                self.size += len(chunk)
                if len(self.data) < self._keep:
                    self.data += chunk[: self._keep - len(self.data)]
        os.close(stream)


class ContainerChild:
    """One container running the harness (implements `_session.ChildHandle`)."""

    def __init__(self, command: list[str], name: str, keep_output_bytes: int) -> None:
        self.name = name
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        if not (self.process.stdin and self.process.stdout and self.process.stderr):
            raise RuntimeError("docker run started without pipes")
        self.request_fd = self.process.stdin.fileno()
        self.reply_fd = self.process.stdout.fileno()
        self._output = _OutputDrain(os.dup(self.process.stderr.fileno()), keep_output_bytes)
        self._wait_until_ready()
        os.set_blocking(self.request_fd, False)
        os.set_blocking(self.reply_fd, False)
        self._status: tuple[int, bool] | None = None

    def _wait_until_ready(self) -> None:
        import select

        ready, _, _ = select.select([self.reply_fd], [], [], _START_TIMEOUT_S)
        if not ready or os.read(self.reply_fd, 1) != _READY:
            self.finish()
            raise RuntimeError(f"container {self.name} did not start: {self._output.data[:300]!r}")

    def cpu_seconds(self) -> float | None:
        """Not visible from outside the container: limits are wall-clock time."""
        return None

    def apply_limits(self, limits: dict[str, int]) -> bool:
        """The container was started with the job's limits."""
        return True

    def output(self, limit: int) -> tuple[bytes, int]:
        """The first `limit` bytes of the program's output, and the total size."""
        return bytes(self._output.data[:limit]), self._output.size

    def finish(self, want_status: bool = False) -> tuple[int, bool] | None:
        """Stop the container (once) and return how it ended."""
        if self._status is None:
            running = self.process.poll() is None
            subprocess.run(["docker", "kill", self.name], capture_output=True, check=False)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            code = self.process.returncode
            status = (128 + 9) << 8 if code < 0 else (code & 0xFF) << 8
            self._status = (status, running)
        return self._status if want_status else None


def engine_problem(docker: str = "docker") -> str | None:
    """Why no Docker engine can be used here, or None when one answers."""
    if shutil.which(docker) is None:
        return f"no {docker} command on PATH"
    try:
        done = subprocess.run(
            [docker, "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{docker} version failed: {exc}"
    if done.returncode != 0 or not done.stdout.strip():
        return (done.stderr.strip().splitlines() or ["no engine answered"])[-1]
    return None


class DockerExecutor:
    """Grades each job in fresh containers (see the module docstring).

    Args:
        workers: jobs graded at once (default: the CPUs this process may use).
        image: a Docker image with `python` (3.8 or newer) on its PATH.
        timing_repeats: runs of each timing call; the fastest is kept.
        tmp_mb: size of each container's /tmp.

    Raises:
        BadConfig: no Docker engine is reachable (the message says why).
    """

    def __init__(
        self,
        *,
        workers: int | None = None,
        image: str = "python:3.11-slim",
        timing_repeats: int = 3,
        tmp_mb: int = 64,
    ) -> None:
        problem = engine_problem()
        if problem:
            raise BadConfig(f"--executor docker: {problem}; start Docker or use --executor local")
        self.workers = workers or len(os.sched_getaffinity(0))
        self.image, self.tmp_mb = image, tmp_mb
        self.options = GradeOptions(wall_factor=1.0, timing_repeats=timing_repeats)
        self._bootstrap = _bootstrap()

    @property
    def isolation(self) -> dict[str, str]:
        """The protections every container is started with (see `_command`).

        Docker applies them; none is probed here.
        """
        return {
            "mode": f"docker: a container per child, from image {self.image}",
            "network_namespace": "on (--network none: no interface)",
            "readonly_root": "on (--read-only)",
            "private_tmp": f"on: /tmp ({self.tmp_mb} MB tmpfs, one per container)",
            "unprivileged": "on: user 65534, no capabilities, no new privileges",
            "limits": "on: memory, processes and one CPU's worth of time (the container's cgroup)",
            "cpu_accounting": "off: the container's CPU clock is not visible from outside; "
            "time limits are wall-clock time",
        }

    def _command(self, name: str, limits: ExecLimits) -> list[str]:
        return [
            "docker", "run", "--rm", "-i", "--name", name,
            "--network", "none", "--read-only", "--cap-drop", "ALL",
            "--security-opt", "no-new-privileges", "--user", "65534:65534",
            "--tmpfs", f"/tmp:rw,nosuid,nodev,size={self.tmp_mb}m,mode=1777",
            "--workdir", "/tmp", "--env", "HOME=/tmp",
            "--memory", f"{limits.memory_mb}m", "--memory-swap", f"{limits.memory_mb}m",
            "--pids-limit", str(limits.processes), "--cpus", "1",
            "--ulimit", f"fsize={limits.output_bytes}", "--ulimit", "core=0",
            self.image, "python", "-I", "-S", "-c", self._bootstrap,
        ]  # fmt: skip

    def run_one(self, job: ExecJob) -> ExecResult:
        """Grade one job in the calling thread."""

        def open_child() -> ContainerChild:
            name = f"codeeval-{uuid.uuid4().hex[:12]}"
            return ContainerChild(
                self._command(name, job.limits), name, self.options.keep_output_bytes
            )

        return grade_job(job, open_child, self.options)

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        """Grade `jobs` on `workers` threads; yield one result per job as each completes.

        The iterable is consumed lazily (and from worker threads, one at a time).
        """
        return run_jobs(jobs, lambda job, _worker: self.run_one(job), self.workers)

    def close(self) -> None:
        """Nothing to stop: every container is removed when its job ends."""


EXECUTOR = DockerExecutor
