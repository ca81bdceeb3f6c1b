"""One sandboxed child in a Docker container, as the trusted side holds it (a `ChildHandle`).

The container runs the harness under `docker run -i`: its stdin and stdout carry the
protocol, its stderr the program's output. Before any program reaches it, the harness
reports the container's host name (the start of its ID), by which the grader finds the
container's cgroup on this host: its CPU counter charges the job every process the
program starts, and its member list lets the grader kill the container without another
`docker` command. Where that cgroup is not visible (a remote or rootless engine), the clock
is missing, the session falls back to wall-clock limits, and `docker kill` stops it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from typing import NoReturn

from codeeval.sandbox._cgroup import _mounts

READY = b"\x01"
_START_TIMEOUT_S = 120.0
# After the child ended by itself (its reply channel closed), how long its `docker run` may
# take to report how; and how long a killed container may take to be torn down.
_EXIT_WAIT_S = 5.0
_SHORT_ID = re.compile(rb"[0-9a-f]{12}")
_V1_NS_PER_S = 1e9
_V2_US_PER_S = 1e6


class ContainerCgroup:
    """A container's cgroup on this host: its CPU counter and its members.

    Args:
        folder: the cgroup's folder (v1: in the cpuacct hierarchy).
        version: 1 or 2.
    """

    def __init__(self, folder: str, version: int) -> None:
        self.folder, self.version = folder, version
        usage = "cpuacct.usage" if version == 1 else "cpu.stat"
        self._usage = os.open(os.path.join(folder, usage), os.O_RDONLY | os.O_CLOEXEC)
        self._last = 0.0

    @classmethod
    def find(cls, short_id: str) -> ContainerCgroup | None:
        """The cgroup of the container whose ID starts with `short_id`, if visible here.

        Docker names it `docker/<id>` (cgroupfs driver) or `system.slice/docker-<id>.scope`
        (systemd driver), below the cpuacct hierarchy (v1) or the unified one (v2).
        """
        v2, v1 = _mounts()
        places = [(v1["cpuacct"], 1)] if "cpuacct" in v1 else []
        places += [(v2, 2)] if v2 else []
        for mount, version in places:
            for pattern in (f"docker/{short_id}*", f"system.slice/docker-{short_id}*.scope"):
                found = glob.glob(os.path.join(glob.escape(mount), pattern))
                if len(found) == 1:
                    with contextlib.suppress(OSError):
                        return cls(found[0], version)
        return None

    def cpu_seconds(self) -> float:
        """CPU seconds of every process the container ran (the last reading once it is gone)."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            data = os.pread(self._usage, 256, 0)
            if self.version == 1:
                self._last = int(data) / _V1_NS_PER_S
            else:
                self._last = int(data.split(None, 2)[1]) / _V2_US_PER_S  # "usage_usec N\n"
        return self._last

    def kill(self) -> bool:
        """SIGKILL every process in the container; False if its members cannot be read.

        Killing its init (PID 1 of the container's PID namespace) makes the kernel kill
        the rest, including any forked meanwhile.
        """
        try:
            with open(os.path.join(self.folder, "cgroup.procs"), encoding="ascii") as handle:
                members = [int(line) for line in handle if line.strip()]
        except (OSError, ValueError):
            return False
        for pid in members:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        return True

    def close(self) -> None:
        """Release the counter (the cgroup itself is Docker's to remove)."""
        if self._usage >= 0:
            os.close(self._usage)
            self._usage = -1


class _OutputDrain:
    """Keeps the first bytes a container writes to stderr, and counts the rest.

    It calls `overflow` once when they reach `limit`: a pipe has no RLIMIT_FSIZE to stop them.
    """

    def __init__(self, stream: int, keep: int, limit: int, overflow: Callable[[], object]) -> None:
        self.data, self.size, self._keep = bytearray(), 0, keep
        self._limit, self._overflow = limit, overflow
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: int) -> None:
        try:
            with contextlib.suppress(OSError):
                while chunk := os.read(stream, 1 << 16):
                    before, self.size = self.size, self.size + len(chunk)
                    if len(self.data) < self._keep:
                        self.data += chunk[: self._keep - len(self.data)]
                    if before < self._limit <= self.size:
                        self._overflow()
        finally:
            os.close(stream)

    def join(self, timeout: float) -> None:
        """Wait until the stream ended (every writer gone) and was closed."""
        self._thread.join(timeout)


class ContainerChild:
    """One container running the harness (implements `_session.ChildHandle`).

    Args:
        command: the `docker run -i ...` command line.
        name: the container's name (for `docker kill` where its cgroup is not visible).
        keep_output_bytes: how much of the program's output to keep.
        output_bytes: the program's output limit: the container is killed when it is reached.
        docker: the docker command.

    Raises:
        RuntimeError: the container did not start or its harness did not answer.
    """

    def __init__(
        self,
        command: list[str],
        name: str,
        keep_output_bytes: int,
        output_bytes: int,
        docker: str = "docker",
    ) -> None:
        self.name, self._docker = name, docker
        self.cgroup: ContainerCgroup | None = None
        self._status: tuple[int, bool] | None = None
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        if not (self.process.stdin and self.process.stdout and self.process.stderr):
            raise RuntimeError("docker run started without pipes")
        self.request_fd = self.process.stdin.fileno()
        self.reply_fd = self.process.stdout.fileno()
        # The drain owns its own copy of the descriptor: the pipe object's is closed on finish.
        self._output = _OutputDrain(
            os.dup(self.process.stderr.fileno()), keep_output_bytes, output_bytes, self._stop
        )
        try:
            short_id = self._wait_until_ready()
            self.cgroup = ContainerCgroup.find(short_id) if short_id else None
        except BaseException:
            self.finish()
            raise
        os.set_blocking(self.request_fd, False)
        os.set_blocking(self.reply_fd, False)

    def _wait_until_ready(self) -> str | None:
        """The container's short ID, from the harness's greeting (None if it sent another name).

        The greeting is READY, then the length and text of the container's host name.
        """
        greeting = b""
        deadline = time.monotonic() + _START_TIMEOUT_S
        while len(greeting) < 2 or len(greeting) < 2 + greeting[1]:
            left = deadline - time.monotonic()
            ready = left > 0 and select.select([self.reply_fd], [], [], left)[0]
            chunk = os.read(self.reply_fd, 257 - len(greeting)) if ready else b""
            if not chunk or (greeting + chunk)[:1] != READY:
                self._refuse()
            greeting += chunk
        name = greeting[2:]
        return name.decode() if _SHORT_ID.fullmatch(name) else None

    def _refuse(self) -> NoReturn:
        self.finish()
        self._output.join(1.0)
        output = bytes(self._output.data[:2000]).decode(errors="replace")
        lines = [line for line in output.splitlines() if not line.startswith("Run 'docker")]
        said = " ".join(" ".join(lines).split())[:300] or "no output"
        raise RuntimeError(f"container {self.name} did not start: {said}")

    def cpu_seconds(self) -> float | None:
        """CPU time of every process in the container, or None where its cgroup is not visible."""
        return None if self.cgroup is None else self.cgroup.cpu_seconds()

    def apply_limits(self, limits: dict[str, int]) -> bool:
        """The harness sets the job's rlimits itself: a container's processes are not ours."""
        return False

    def output(self, limit: int) -> tuple[bytes, int]:
        """The first `limit` bytes of the program's output, and the total size."""
        return bytes(self._output.data[:limit]), self._output.size

    def finish(self, want_status: bool = False) -> tuple[int, bool] | None:
        """Stop the container (once), release every descriptor; return how it ended.

        The status is a wait status: a container killed by a signal (`docker run` exits with
        128 + its number) reads as killed by that signal.
        """
        if self._status is None:
            process = self.process
            if want_status:  # it ended by itself: let `docker run` tell how
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=_EXIT_WAIT_S)
            running = process.poll() is None
            # First the pipes: `docker run` may be blocked handing on a reply nobody reads.
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            if running:
                self._stop()
            try:
                process.wait(timeout=_EXIT_WAIT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if self.cgroup is not None:
                self.cgroup.close()
            self._output.join(_EXIT_WAIT_S)
            code = process.returncode
            if code < 0:
                status = int(signal.SIGKILL)
            elif code > 128:
                status = code - 128
            else:
                status = code << 8
            self._status = (status, running)
        return self._status if want_status else None

    def _stop(self) -> None:
        """Kill the container's processes (from any thread); `finish` then reaps it."""
        cgroup = self.cgroup
        if cgroup is None or not cgroup.kill():
            subprocess.run(
                [self._docker, "kill", self.name],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
