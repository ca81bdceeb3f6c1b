"""A container per sandboxed child, for users who want Docker's isolation (needs an engine).

Each child is `docker run -i --rm` of a small image holding a Python and its standard library
(by default codeeval's own, built offline by `python -m codeeval sandbox build-image`: see
`_image`) with no network at all, a read-only root, a size-limited /tmp, no capabilities, no
new privileges, a user ID of its own and cgroup limits on memory, processes and CPU. The
same child-side harness (`_child`) runs inside, speaking the same protocol over the
container's stdin and stdout, and the trusted tests run here exactly as with the local
executor. Where the engine runs on this host and its cgroups are visible, a test's budget is
the CPU time of every process in the container (see `_container`); elsewhere it is
wall-clock time. Slower than the local executor: a container start per child.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterable, Iterator

from codeeval.errors import BadConfig
from codeeval.sandbox._container import READY, ContainerChild
from codeeval.sandbox._image import BUILD_COMMAND, DEFAULT_IMAGE
from codeeval.sandbox._job_grader import GradeOptions, grade_job
from codeeval.sandbox._runloop import run_jobs
from codeeval.types import ExecJob, ExecLimits, ExecResult

_HERE = os.path.dirname(os.path.abspath(__file__))
# Each container's processes run as a user ID of their own, so that RLIMIT_NPROC (a count
# per user ID, host-wide) is per job. Below the local executor's range (from 100,000,000)
# and runc's limit (2**31 - 1); far above real users.
_UID_BASE, _UID_SLOTS, _UID_COUNT = 90_000_000, 9_765, 1024
_UIDS = itertools.count()  # one count for every executor of this process
_LABEL = "org.codeeval.grader"


def _bootstrap() -> str:
    """The program the container runs: the codec and harness sources, then `serve()`.

    Before any program reaches it, it greets the grader with READY and the container's host
    name (the start of its ID, by which the grader finds its cgroup).
    """
    with open(os.path.join(_HERE, "_codec.py"), encoding="utf-8") as handle:
        codec = handle.read()
    with open(os.path.join(_HERE, "_child.py"), encoding="utf-8") as handle:
        child = handle.read()
    return (
        "import os, sys, types\n"
        "exit_now = os._exit\n"  # kept before the program could replace it
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
        "host = os.uname().nodename.encode()[:255]\n"
        f"os.write(4, {READY!r} + bytes([len(host)]) + host)\n"
        "child.serve()\n"
        "exit_now(0)\n"  # the grader hung up: no atexit handler or thread holds it back
    )


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


def image_problem(image: str, docker: str = "docker") -> str | None:
    """Why `image` cannot be used (it is not on the engine), with how to provide it, or None."""
    done = subprocess.run(
        [docker, "image", "inspect", "--format", "{{.Id}}", image],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return None
    if image == DEFAULT_IMAGE:
        return f"no image {image} here; build it (offline) with: {BUILD_COMMAND}"
    return (
        f"no image {image} here; pull it (docker pull {image}), or build codeeval's own "
        f"with {BUILD_COMMAND} and drop --docker-image"
    )


class DockerExecutor:
    """Grades each job in fresh containers (see the module docstring).

    Args:
        workers: jobs graded at once (default: the CPUs this process may use).
        image: a Docker image with `python` on its PATH, of the grader's version (its
            harness is sent as source); default: codeeval's own, built by
            `python -m codeeval sandbox build-image`.
        timing_repeats: runs of each timing call; the fastest is kept.
        tmp_mb: size of each container's /tmp.
        wall_factor: a test may run this many times its time limit in wall-clock time where
            its CPU time is read from the container's cgroup (else the limit is wall time).
        docker: the docker command.

    Raises:
        BadConfig: no Docker engine is reachable, the image is missing or cannot run the
            harness (each message says why and what to do).
    """

    def __init__(
        self,
        *,
        workers: int | None = None,
        image: str = DEFAULT_IMAGE,
        timing_repeats: int = 3,
        tmp_mb: int = 64,
        wall_factor: float = 3.0,
        docker: str = "docker",
    ) -> None:
        problem = engine_problem(docker)
        if problem:
            raise BadConfig(f"--executor docker: {problem}; start Docker or use --executor local")
        problem = image_problem(image, docker)
        if problem:
            raise BadConfig(f"--executor docker: {problem}")
        self.workers = workers or len(os.sched_getaffinity(0))
        self.image, self.tmp_mb, self.docker = image, tmp_mb, docker
        self._bootstrap = _bootstrap()
        self._owner = f"{socket.gethostname()}:{os.getpid()}"
        self.options = GradeOptions(wall_factor=wall_factor, timing_repeats=timing_repeats)
        self._remove_stale_containers()
        self._cpu_accounting = self._probe()
        if not self._cpu_accounting.startswith("on"):  # the limit itself is wall-clock time
            self.options = dataclasses.replace(self.options, wall_factor=1.0)

    def _probe(self) -> str:
        """How a job's CPU is read, from one container started now.

        It also proves that the image runs the harness.
        """
        try:
            child = self._start(ExecLimits(time_limit_s=1.0))
        except RuntimeError as exc:
            raise BadConfig(
                f"--executor docker: image {self.image} cannot run codeeval's harness ({exc}); "
                f"use one with python {sys.version_info[0]}.{sys.version_info[1]} on its "
                f"PATH, or build codeeval's own with: {BUILD_COMMAND}"
            ) from None
        try:
            if child.cgroup is None:
                return (
                    "off: the container's cgroup is not visible here (an engine on another "
                    "host, or rootless); time limits are wall-clock time"
                )
            return (
                f"on: the container's cgroup (v{child.cgroup.version}, "
                f"{child.cgroup.folder.rsplit('/', 1)[0]}/<id>), every process it starts, "
                "read by the grader"
            )
        finally:
            child.finish()

    def _remove_stale_containers(self) -> None:
        """Remove containers a grader on this host left when it was killed."""
        host = socket.gethostname()
        done = subprocess.run(
            [
                self.docker, "ps", "-a", "--filter", f"label={_LABEL}",
                "--format", f'{{{{.ID}}}} {{{{.Label "{_LABEL}"}}}}',
            ],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        stale = []
        for line in done.stdout.splitlines():
            container, _, owner = line.partition(" ")
            owner_host, _, pid = owner.rpartition(":")
            if owner_host == host and pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                stale.append(container)
        if stale:
            subprocess.run(
                [self.docker, "rm", "-f", *stale], capture_output=True, check=False, timeout=60
            )

    @property
    def isolation(self) -> dict[str, str]:
        """The protections every container is started with (see `_command`).

        Whether its CPU time is read was probed when the executor started.
        """
        own = self.image == DEFAULT_IMAGE
        return {
            "mode": f"docker: a container per child, from image {self.image}",
            "user_namespace": (
                "off: user IDs in the container are the host's (unless the engine remaps "
                "them); each container has one of its own, no real user's"
            ),
            "pid_namespace": "on: the container's own; its processes die with it",
            "network_namespace": "on (--network none: a loopback interface only)",
            "ipc_namespace": "on: the container's own",
            "readonly_root": "on (--read-only)",
            "minimal_root": (
                "on: the image holds the interpreter, its standard library (no site-packages) "
                "and the libraries they load; nothing else of the host"
                if own
                else f"on: the image's files only ({self.image}: check what it holds)"
            ),
            "hidden_proc": (
                "off: /proc lists the container's own processes, and shows the kernel's and "
                "the CPUs' information as on the host; /sys is read-only"
            ),
            "private_tmp": f"on: /tmp ({self.tmp_mb} MB tmpfs, one per container)",
            "unprivileged": (
                f"on: a user ID per container ({_UID_BASE}..), no capabilities, no new privileges"
            ),
            "seccomp": (
                "on: the engine's default profile, broader than the local executor's filter: "
                "it allows ptrace of the container's own processes, System V and POSIX IPC "
                "and io_uring"
            ),
            "environment": "on: the image's and HOME=/tmp only; nothing of the grader's",
            "limits": (
                "on: memory, processes and one CPU for the whole container (its cgroup); "
                "memory, output, processes, open files and CPU per process (rlimits)"
            ),
            "cpu_accounting": self._cpu_accounting,
        }

    def _user(self) -> int:
        slot = os.getpid() % _UID_SLOTS
        return _UID_BASE + slot * _UID_COUNT + next(_UIDS) % _UID_COUNT

    def _command(self, name: str, limits: ExecLimits) -> list[str]:
        uid = self._user()
        return [
            self.docker, "run", "--rm", "-i", "--name", name, "--label", f"{_LABEL}={self._owner}",
            "--log-driver", "none", "--network", "none", "--read-only", "--cap-drop", "ALL",
            "--security-opt", "no-new-privileges", "--user", f"{uid}:{uid}",
            "--tmpfs", f"/tmp:rw,nosuid,nodev,size={self.tmp_mb}m,mode=1777",
            "--workdir", "/tmp", "--env", "HOME=/tmp",
            "--memory", f"{limits.memory_mb}m", "--memory-swap", f"{limits.memory_mb}m",
            "--pids-limit", str(limits.processes), "--cpus", "1",
            "--ulimit", "core=0",
            self.image, "python", "-I", "-S", "-c", self._bootstrap,
        ]  # fmt: skip

    def _start(self, limits: ExecLimits) -> ContainerChild:
        name = f"codeeval-{os.getpid()}-{os.urandom(6).hex()}"
        return ContainerChild(
            self._command(name, limits),
            name,
            self.options.keep_output_bytes,
            limits.output_bytes,
            self.docker,
        )

    def run_one(self, job: ExecJob) -> ExecResult:
        """Grade one job in the calling thread."""
        return grade_job(job, lambda: self._start(job.limits), self.options)

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        """Grade `jobs` on `workers` threads; yield one result per job as each completes.

        The iterable is consumed lazily (and from worker threads, one at a time).
        """
        return run_jobs(jobs, lambda job, _worker: self.run_one(job), self.workers)

    def containers(self) -> list[str]:
        """IDs of this executor's containers that are still there (none between jobs)."""
        done = subprocess.run(
            [self.docker, "ps", "-aq", "--filter", f"label={_LABEL}={self._owner}"],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.split()

    def close(self) -> None:
        """Remove any container of this executor still there (each is removed with its job)."""
        left = self.containers()
        if left:
            subprocess.run([self.docker, "rm", "-f", *left], capture_output=True, check=False)

    def __enter__(self) -> DockerExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


EXECUTOR = DockerExecutor
