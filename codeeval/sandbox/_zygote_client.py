"""The trusted side's handle on one zygote process and the sandboxed children it forks.

One `ZygoteClient` per worker: it starts the zygote (see `_zygote`), maps its user namespace,
keeps one child forked ahead so a job never waits for a fork, and kills and reaps children.
"""

from __future__ import annotations

import array
import contextlib
import fcntl
import json
import os
import resource
import socket
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

from codeeval.sandbox._cgroup import JobCgroup
from codeeval.sandbox._linux import process_cpu_clock
from codeeval.sandbox._process_tree import ProcessTree

_SANDBOX_DIR = str(Path(__file__).resolve().parent)
_BOOTSTRAP = (
    "import sys,types;d=sys.argv[1];p=types.ModuleType('codeeval');p.__path__=[];"
    "s=types.ModuleType('codeeval.sandbox');s.__path__=[d];"
    "sys.modules.update({'codeeval':p,'codeeval.sandbox':s});"
    "from codeeval.sandbox import _zygote;_zygote.main(int(sys.argv[2]))"
)
# The zygote's whole environment: nothing of the caller's (no keys) reaches it.
ZYGOTE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONIOENCODING": "utf-8",
    "MALLOC_ARENA_MAX": "2",
    # Every symbol bound at start, in the zygote: a child never binds one lazily (that
    # writes the zygote's shared tables, so it costs the child page copies). Not passed on.
    "LD_BIND_NOW": "1",
    "OMP_NUM_THREADS": "1",
    "HOME": ".",
    "TMPDIR": ".",
}
_RLIMITS = (  # the per-job ones; the zygote sets the others once (see _zygote.FIXED_RLIMITS)
    ("RLIMIT_AS", "memory_mb"),
    ("RLIMIT_FSIZE", "output_bytes"),
    ("RLIMIT_NPROC", "processes"),
    ("RLIMIT_CPU", "cpu_s"),
)
_ANCILLARY_BYTES = socket.CMSG_SPACE(12) + socket.CMSG_SPACE(4 * 4)  # ucred, a few fds
_F_SETPIPE_SZ = 1031
_PIPE_BYTES = 1 << 20
_START_TIMEOUT_S = 60.0
UID_COUNT = 1024  # user IDs mapped into each zygote's user namespace (root mode)
UID_BASE, UID_SLOTS = 100_000_000, 2_000_000  # the host IDs they come from: one slot each


class ZygoteLost(BaseException):  # noqa: N818 - like SessionDown, it must not be swallowed
    """The zygote process died or stopped answering; the worker starts a new one."""


class SandboxUnavailable(RuntimeError):
    """The zygote could not start at all (the message holds its traceback)."""


class SandboxChild:
    """One forked child, as the trusted side sees it (implements `_session.ChildHandle`).

    Its CPU is that of its whole process tree: its worker's cgroup's counter since it joined
    (`account`), or else its tree read from /proc.
    """

    def __init__(
        self, client: ZygoteClient, pid: int, fds: tuple[int, int, int], host_pid: int | None
    ) -> None:
        self.client, self.pid = client, pid
        self.request_fd, self.reply_fd, self._output_fd = fds
        self.host_pid = host_pid
        self._clock = process_cpu_clock(host_pid) if host_pid else None
        self._cgroup: JobCgroup | None = None
        self._cgroup_start = 0.0
        self._tree: ProcessTree | None = None
        self._snapshot: tuple[bytes, int] | None = None

    def account(self, cgroup: JobCgroup | None) -> None:
        """Charge the child everything it and its descendants do from now on.

        Called before it has its job, so before it can have started anything: it joins
        `cgroup`, or, without one, its tree is read from /proc.

        Raises:
            ZygoteLost: the kernel refused to move the child into the cgroup.
        """
        if self.host_pid is None:
            return
        if cgroup is not None:
            try:
                self._cgroup_start = cgroup.admit(self.host_pid)
            except (OSError, ValueError) as exc:
                raise ZygoteLost(f"cannot move a sandboxed child into its cgroup: {exc}") from None
            self._cgroup = cgroup
            return
        with contextlib.suppress(OSError):
            self._tree = ProcessTree(self.host_pid)

    def apply_limits(self, limits: dict[str, int]) -> bool:
        """Set the child's rlimits from here (prlimit); False if the child must do it."""
        if self._cgroup is not None:
            self._cgroup.cap_processes(limits["processes"])
        if self.host_pid is None:
            return False
        try:
            for name, key in _RLIMITS:
                value = limits[key] * (1 << 20 if key == "memory_mb" else 1)
                resource.prlimit(self.host_pid, getattr(resource, name), (value, value))
        except (OSError, ValueError):
            return False
        return True

    def cpu_seconds(self) -> float | None:
        """CPU time of the child's whole process tree so far, read from the kernel."""
        if self._clock is None:
            return None
        try:
            # Reading the child's own clock also brings its cgroup's counter up to date,
            # should it be running on another CPU right now.
            own = time.clock_gettime(self._clock)
            if self._cgroup is not None:
                return self._cgroup.usage_s() - self._cgroup_start
            if self._tree is not None:
                return self._tree.cpu_seconds()
        except (OSError, ValueError, IndexError):
            return None
        return own

    def output(self, limit: int) -> tuple[bytes, int]:
        """The first `limit` bytes of the child's stdout/stderr and their total size."""
        if self._snapshot is not None:
            data, size = self._snapshot
            return data[:limit], size
        size = os.fstat(self._output_fd).st_size
        return (os.pread(self._output_fd, limit, 0) if limit else b""), size

    def finish(self, want_status: bool = False) -> tuple[int, bool] | None:
        """Kill and reap the child (once).

        Returns, when `want_status`: its wait status and whether it had to be killed.
        """
        if self._snapshot is not None:
            return None
        self.client.reap(self.pid, want_status)
        self._snapshot = self.output(self.client.keep_output_bytes)
        self.discard()
        status = self.client.status_of(self.pid) if want_status else None
        if self._cgroup is not None and self.client.mode == "none":
            # No PID namespace whose end would take them: what the child started goes now.
            self._cgroup.sweep()
        self._cgroup = None
        return status

    def discard(self) -> None:
        """Close the trusted side's descriptors (the zygote's exit takes the child)."""
        self._snapshot = self._snapshot or (b"", 0)
        for fd in (self.request_fd, self.reply_fd, self._output_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self._tree is not None:
            self._tree.close()
            self._tree = None


class ZygoteClient:
    """Starts one zygote and asks it for children; used by one thread at a time.

    `cgroup`: the worker's cgroup, which each child joins when it is taken for a job.
    """

    def __init__(
        self,
        config: dict[str, Any],
        keep_output_bytes: int,
        cpu: int | None = None,
        cgroup: JobCgroup | None = None,
    ) -> None:
        self.mode: str = config["mode"]
        self.cpu, self.cgroup = cpu, cgroup
        self.keep_output_bytes = keep_output_bytes
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-S",
                "-P",
                "-B",
                "-c",
                _BOOTSTRAP,
                _SANDBOX_DIR,
                str(theirs.fileno()),
            ],
            pass_fds=(theirs.fileno(),),
            env=ZYGOTE_ENV,
            cwd="/",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        theirs.close()
        if cpu is not None:
            with contextlib.suppress(OSError):  # before it forks: the zygote and children too
                os.sched_setaffinity(self.process.pid, {cpu})
        self.ctl = ours
        self._pending: deque[tuple[str, Any]] = deque()
        self._ready: deque[SandboxChild] = deque()
        self._statuses: dict[int, tuple[int, bool]] = {}
        self._wanted: set[int] = set()
        try:
            self.features = self._handshake(config)
            # From here every message carries its sender's credentials, or the child's.
            self.ctl.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        except BaseException:
            self.close()
            raise

    def _handshake(self, config: dict[str, Any]) -> dict[str, str]:
        base = UID_BASE + (self.process.pid % UID_SLOTS) * UID_COUNT
        config = {**config, "uid_count": UID_COUNT, "uid_base": base}
        self.ctl.settimeout(_START_TIMEOUT_S)
        try:
            self.ctl.send(json.dumps(config).encode())
            while True:
                message = self.ctl.recv(1 << 16)
                if message == b"U":
                    if self.mode == "root":
                        for name in ("uid_map", "gid_map"):
                            path = f"/proc/{self.process.pid}/{name}"
                            Path(path).write_text(f"0 {base} {UID_COUNT}\n", encoding="ascii")
                    self.ctl.send(b"M")
                elif message[:1] == b"I":
                    features: dict[str, str] = json.loads(message[1:])
                    if self.mode == "root" or (self.mode == "none" and config["host_root"]):
                        features["host_user_ids"] = f"{base + 1}..{base + UID_COUNT - 1}"
                    return features
                else:
                    detail = message[1:].decode(errors="replace") if message else "it exited"
                    raise SandboxUnavailable(f"the sandbox zygote failed to start: {detail}")
        except (TimeoutError, OSError) as exc:
            raise SandboxUnavailable(f"the sandbox zygote did not start: {exc}") from None
        finally:
            self.ctl.settimeout(None)

    def _send(self, message: bytes, spawn: bool) -> None:
        """Send `message`, with a new child's descriptors when `spawn` (the zygote forks it)."""
        if not spawn:
            try:
                self.ctl.send(message)
            except OSError as exc:
                raise ZygoteLost(f"the sandbox zygote is gone: {exc}") from None
            return
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        output = os.memfd_create("codeeval-output", os.MFD_CLOEXEC)
        for fd in (request_write, reply_read):
            with contextlib.suppress(OSError):
                fcntl.fcntl(fd, _F_SETPIPE_SZ, _PIPE_BYTES)
        try:
            ancillary = array.array("i", (request_read, reply_write, output))
            self.ctl.sendmsg([message], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, ancillary)])
        except OSError as exc:
            for fd in (request_write, reply_read, output):
                os.close(fd)
            raise ZygoteLost(f"the sandbox zygote is gone: {exc}") from None
        finally:
            os.close(request_read)
            os.close(reply_write)
        os.set_blocking(request_write, False)
        os.set_blocking(reply_read, False)
        self._pending.append(("P", (request_write, reply_read, output)))

    def _spawning(self) -> bool:
        return bool(self._ready) or any(kind == "P" for kind, _ in self._pending)

    def _read_reply(self) -> None:
        """Read one message from the zygote: one answer per line, in the order asked."""
        try:
            message, ancillary, _, _ = self.ctl.recvmsg(1 << 16, _ANCILLARY_BYTES)
        except OSError as exc:
            raise ZygoteLost(f"the sandbox zygote is gone: {exc}") from None
        if not message:
            raise ZygoteLost("the sandbox zygote exited")
        creds = [
            data
            for level, kind, data in ancillary
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS
        ]
        for answer in message.split(b"\n"):
            if not self._pending:
                raise ZygoteLost(f"the sandbox zygote answered out of turn: {answer[:40]!r}")
            kind, data = self._pending.popleft()
            if answer[:1] == b"P" and kind == "P":
                fields = answer[1:].split()
                pid = int(fields[0])
                host_pid: int | None = pid if self.mode == "none" else None
                if fields[2:] == [b"c"] and creds and len(creds[0]) >= 4:
                    host_pid = int.from_bytes(creds[0][:4], sys.byteorder, signed=True)
                self._ready.append(SandboxChild(self, pid, data, host_pid or None))
            elif answer[:1] == b"R" and kind == "R":
                pid, status, killed = map(int, answer[1:].split())
                if pid in self._wanted:
                    self._statuses[pid] = (status, bool(killed))
            else:
                raise ZygoteLost(f"the sandbox zygote answered out of turn: {answer[:40]!r}")

    def take(self) -> SandboxChild:
        """A ready child (forked ahead of time), charged from now on for its whole tree."""
        if not self._spawning():
            self._send(b"S", spawn=True)
        while not self._ready:
            self._read_reply()
        child = self._ready.popleft()
        child.account(self.cgroup)
        return child

    def reap(self, pid: int, want_status: bool) -> None:
        """Ask the zygote to kill and reap child `pid` (not waiting for it).

        When the status is wanted the child gets a moment to finish exiting by itself first.
        The same message asks for the next child, forked once this one is gone.
        """
        if want_status:
            self._wanted.add(pid)
        self._pending.append(("R", pid))
        self._send((b"W%d" if want_status else b"R%d") % pid, spawn=not self._spawning())

    def status_of(self, pid: int) -> tuple[int, bool] | None:
        """How a child reaped with `want_status` ended, waiting for the answer if needed.

        Returns its wait status and whether the zygote had to kill it, or None if unknown.
        """
        while pid not in self._statuses and any(
            kind == "R" and data == pid for kind, data in self._pending
        ):
            self._read_reply()
        self._wanted.discard(pid)
        status = self._statuses.pop(pid, None)
        return None if status is None or status[0] < 0 else status

    def close(self) -> None:
        """Stop the zygote (which takes every child with it) and release the descriptors."""
        with contextlib.suppress(OSError):
            self.ctl.send(b"Q")
        self.ctl.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for child in self._ready:
            child.discard()
        for kind, data in self._pending:
            if kind == "P":
                for fd in data:
                    with contextlib.suppress(OSError):
                        os.close(fd)
