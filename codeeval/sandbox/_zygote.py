"""The warm zygote: isolated once, it forks one sandboxed child per job.

Started by `_zygote_client.py` as `python -S -P -B -c <bootstrap>` with an environment built from an
allowlist (nothing of the caller's); it imports only the standard library and its siblings.
After `_isolate` has done the one-time work, the zygote proper (PID 1 of its namespace)
serves the control socket. Per job it enters a fresh PID namespace and forks; the child
(PID 1 there, so everything it starts dies with it) gets its own process group, folder and user
ID, no capabilities, and then waits for its program (see `_child`).

Control messages (SOCK_SEQPACKET): `S` + three fds (requests, replies, output) → `P<pid> <uid>`,
with the child's PID as SCM_CREDENTIALS (the kernel translates it into the grader's PID
namespace; `P<pid> <uid> c` says they are there); `R<pid>` → `R<pid> <wait status> <1 if we
killed it>` (killed and reaped; `W<pid>` first gives it a moment to exit by itself); `R` or `W`
with three fds reaps, then spawns, and both answers come in one message, one per line; `Q`
quits.

Work done here before the fork is paid once; every object a child touches afterwards costs
it a copy-on-write page fault. So the child does as little as it can: the descriptors are
put in place before the fork, the seccomp filter is inherited, the rlimits are set from
outside with prlimit(2).
"""

from __future__ import annotations

import _socket
import array
import contextlib
import fcntl
import gc
import importlib
import json
import os
import random
import resource
import select
import signal
import sys
from typing import Any

from codeeval.sandbox import _child, _isolate, _linux, _rootfs

# What generated code imports most, loaded once here instead of in every child
# (importing typing alone costs a child ~10 ms).
PRELOADED = (
    "bisect",
    "collections",
    "copy",
    "functools",
    "heapq",
    "itertools",
    "math",
    "operator",
    "re",
    "string",
    "typing",
)
FIXED_RLIMITS = (("RLIMIT_NOFILE", 256), ("RLIMIT_CORE", 0), ("RLIMIT_MSGQUEUE", 0))
_HIGH_FD = 100  # the zygote's own descriptors live above this; the child closes them
_JOB_FDS = (_child.REQUEST_FD, _child.REPLY_FD, 1)


class _ChildSetup:
    """What each child does before it waits for its job: the steps the probe found to work."""

    def __init__(self, config: dict[str, Any], mode: str) -> None:
        self.mode = mode
        self.net = mode != "none" and bool(config["net_per_job"])
        self.drop = mode != "none" or bool(config["host_root"])
        self.uid_base = int(config.get("uid_base", 0))
        # Orphans stay in the child's tree, where /proc accounting finds them (with a PID
        # namespace the child is its init anyway).
        self.subreaper = mode == "none" and config["accounting"]["keep_children_accountable"]

    def job_uid(self, uid: int) -> int | None:
        """The user ID a child runs as, or None to keep the zygote's.

        In the user namespace of "root" mode it is one of the IDs the grader mapped; without
        namespaces (as root) it is the host ID those map to, unused by anything else.
        """
        if self.mode == "root":
            return uid
        if self.mode == "none" and self.drop:
            return self.uid_base + uid
        return None


def _drop_privileges(plan: _ChildSetup, uid: int) -> str:
    if plan.mode == "user":
        _linux.clear_capabilities()
        return "on (no capabilities; one user ID for all jobs)"
    job_uid = plan.job_uid(uid) or 65534
    if plan.mode == "none":  # in a user namespace the group is already one without rights
        os.setgroups([])
        os.setresgid(job_uid, job_uid, job_uid)
    os.setresuid(job_uid, job_uid, job_uid)
    return "on (a user ID of its own per job)"


def _setup_child(plan: _ChildSetup, uid: int, work_dir: str, done: dict[str, str]) -> None:
    """Everything the child does before it waits for its job, recording each step in `done`."""
    if plan.mode == "none":  # in a PID namespace the zygote's death takes the child anyway
        _linux.prctl(_linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    if plan.subreaper:
        _linux.prctl(_linux.PR_SET_CHILD_SUBREAPER, 1)
    os.setpgid(0, 0)  # else kill(0, ...) would reach the zygote's process group
    if plan.net:
        _linux.unshare(_linux.CLONE_NEWNET)
        done["network_namespace"] = "on (one per job)"
    os.chdir(work_dir)
    if plan.drop:
        done["unprivileged"] = _drop_privileges(plan, uid)


class _Zygote:
    """PID 1 of the sandbox namespace, forking children on request."""

    def __init__(
        self, ctl: _socket.socket, config: dict[str, Any], mode: str, features: dict[str, str]
    ) -> None:
        self.ctl, self.mode, self.features = ctl, mode, features
        self.plan = _ChildSetup(config, mode)
        self.uid_count = int(config.get("uid_count", 2))
        self.next_uid = 1
        self.work_dirs: dict[int, str] = {}
        self.pidns = -1
        if mode != "none":
            self.pidns = _high(os.open("/proc/self/ns/pid", os.O_RDONLY))
        self.null = _high(os.open("/dev/null", os.O_RDWR))
        self.tmp_root = _isolate.private_areas(config, mode, features)
        self.shm_used = _inodes_used(_rootfs.SHM)
        os.umask(0o077)
        for name, value in FIXED_RLIMITS:  # children inherit these; T sets the per-job ones
            resource.setrlimit(getattr(resource, name), (value, value))
        if features.get("minimal_root", "").startswith("on"):  # the one path it has there
            sys.executable = config["root"]["interpreter"]
            sys._base_executable = sys.executable  # type: ignore[attr-defined]
        _isolate.install_filter(features, config)

    def _uid(self) -> int:
        uid = self.next_uid
        self.next_uid = uid + 1 if uid + 1 < self.uid_count else 1
        return uid

    def _work_dir(self, uid: int) -> str:
        path = f"{self.tmp_root}/{uid}"
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            _remove(path)
            os.mkdir(path, 0o700)
        owner = self.plan.job_uid(uid)
        if owner is not None:
            os.chown(path, owner, owner)
        return path

    def _probe(self) -> None:
        """Run the child set-up in throwaway children; drop each step the kernel refuses."""
        for _ in range(3):
            uid = self._uid()
            work_dir = self._work_dir(uid)
            read_end, write_end = os.pipe()
            pid = self._fork()
            if pid == 0:
                done: dict[str, str] = {}
                try:
                    _setup_child(self.plan, uid, work_dir, done)
                    result: dict[str, Any] = {"done": done}
                except BaseException as exc:  # report how far it got and why it stopped
                    result = {"done": done, "failed": f"{type(exc).__name__}: {exc}"}
                os.write(write_end, json.dumps(result).encode())
                os._exit(0)
            os.close(write_end)
            with os.fdopen(read_end, "rb") as handle:
                result = json.loads(handle.read() or b'{"done": {}, "failed": "the probe died"}')
            os.waitpid(pid, 0)
            _remove(work_dir)
            self.features.update(result["done"])
            if "failed" not in result:
                return
            if self.plan.net and "network_namespace" not in result["done"]:
                failed = result["failed"]
                self.features["network_namespace"] = f"on (one per worker; per job: {failed})"
                self.plan.net = False
            elif self.plan.drop:
                self.features["unprivileged"] = f"off: {result['failed']}"
                self.plan.drop = False
            else:
                raise RuntimeError(f"sandbox set-up failed: {result['failed']}")

    def serve(self) -> None:
        """Answer control messages until the grader closes the socket or says `Q`."""
        self._probe()
        _child.warm_up()
        gc.collect()
        gc.freeze()  # children then never touch (and copy) the zygote's own objects
        self.ctl.send(b"I" + json.dumps(self.features).encode())
        while True:
            message, fds = _receive(self.ctl)
            kind = message[:1]
            if not message or kind == b"Q":
                return
            replies, creds = [], None
            if kind == b"R" or kind == b"W":
                replies.append(self._reap(int(message[1:]), 0.2 if kind == b"W" else 0.0))
            if len(fds) == len(_JOB_FDS):
                reply, creds = self._spawn(fds)
                replies.append(reply)
            else:
                for fd in fds:
                    os.close(fd)
            if replies:
                _send(self.ctl, b"\n".join(replies), creds)

    def _fork(self) -> int:
        """Fork; the child is PID 1 of a new PID namespace when there are namespaces."""
        if self.mode == "none":
            return os.fork()
        _linux.unshare(_linux.CLONE_NEWPID)
        pid = os.fork()
        if pid != 0:  # back, for the next unshare (which needs it) and any other fork
            _linux.setns(self.pidns, _linux.CLONE_NEWPID)
        return pid

    def _spawn(self, fds: list[int]) -> tuple[bytes, bytes | None]:
        """Fork a child for the job whose descriptors are `fds`; its `P` answer and creds."""
        uid = self._uid()
        work_dir = self._work_dir(uid)
        if fds[:2] == [_child.REQUEST_FD, _child.REPLY_FD]:
            staged = fds[2:]  # the usual case: they arrive where the child wants them
        else:
            staged = [_high(fd) for fd in fds]  # all out of the way first, then in place
            os.dup2(staged[0], _child.REQUEST_FD)
            os.dup2(staged[1], _child.REPLY_FD)
        os.dup2(staged[-1], 1)
        os.dup2(staged[-1], 2)
        pid = self._fork()
        if pid == 0:
            _run_child(self.plan, uid, work_dir)
        for fd in {*staged, _child.REQUEST_FD, _child.REPLY_FD}:
            os.close(fd)
        os.dup2(self.null, 1)
        os.dup2(self.null, 2)
        self.work_dirs[pid] = work_dir
        if self.mode == "none":
            return b"P%d %d" % (pid, uid), None  # its PID is the grader's already
        return b"P%d %d c" % (pid, uid), array.array("i", (pid, 0, 0)).tobytes()

    def _reap(self, pid: int, grace_s: float) -> bytes:
        """Kill child `pid` (after `grace_s` to exit by itself) and reap it."""
        killed = 0
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
            if not done and grace_s:
                with contextlib.suppress(OSError):
                    handle = os.pidfd_open(pid)
                    select.select([handle], [], [], grace_s)
                    os.close(handle)
                done, status = os.waitpid(pid, os.WNOHANG)
            if not done:
                killed = 1
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            status = -1
        work_dir = self.work_dirs.pop(pid, None)
        if work_dir:
            _remove(work_dir)
        if self.tmp_root == _rootfs.TMP and _inodes_used(_rootfs.SHM) != self.shm_used:
            # one job at a time per zygote: none forked yet
            for entry in os.scandir(_rootfs.SHM):
                if entry.is_dir(follow_symlinks=False):
                    _remove(entry.path)
                else:
                    os.unlink(entry.path)
        if self.mode == "none" and self.plan.drop:
            self._kill_user(
                self.plan.job_uid(int(work_dir.rsplit("/", 1)[1])) if work_dir else None
            )
        return b"R%d %d %d" % (pid, status, killed)

    def _kill_user(self, uid: int | None) -> None:
        """Kill every process of a child's user ID, as that user.

        Without a PID namespace, what a child started may outlive it (a daemon that left its
        process group); its user ID is its own, so this reaches exactly those.
        """
        if not uid:
            return
        pid = os.fork()
        if pid == 0:
            try:
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)  # every process this user may signal but itself
            finally:
                os._exit(0)
        os.waitpid(pid, 0)

    def close(self) -> None:
        """Remove the folder of the children's folders where it is on the host's disk."""
        if self.tmp_root != _rootfs.TMP:
            _remove(self.tmp_root)


def _remove(path: str) -> None:
    """Remove a folder and what it holds (usually nothing: try the one cheap call first).

    Written here rather than imported from shutil, whose compression modules would make
    every fork of the zygote dearer.
    """
    try:
        os.rmdir(path)
        return
    except FileNotFoundError:
        return
    except OSError:
        pass
    with contextlib.suppress(OSError), os.scandir(path) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _remove(entry.path)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
    with contextlib.suppress(OSError):
        os.rmdir(path)


def _receive(ctl: _socket.socket) -> tuple[bytes, list[int]]:
    """One control message and the descriptors that came with it (socket.recv_fds)."""
    message, ancillary, _, _ = ctl.recvmsg(1 << 16, _socket.CMSG_SPACE(4 * 4))
    fds = array.array("i")
    for level, kind, data in ancillary:
        if level == _socket.SOL_SOCKET and kind == _socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    return message, list(fds)


def _send(ctl: _socket.socket, message: bytes, creds: bytes | None) -> None:
    """Send a control message, with SCM_CREDENTIALS `creds` (pid, uid, gid) if given.

    Should the kernel refuse them, the message goes without, and without its `c` flag.
    """
    if creds is not None:
        try:
            ctl.sendmsg([message], [(_socket.SOL_SOCKET, _socket.SCM_CREDENTIALS, creds)])
            return
        except PermissionError:
            message = message.removesuffix(b" c")
    ctl.sendmsg([message])


def _inodes_used(path: str) -> int:
    """Inodes in use on the file system at `path`: any entry left in it adds one."""
    stats = os.statvfs(path)
    return stats.f_files - stats.f_ffree


def _high(fd: int) -> int:
    """`fd` moved above the range the child uses."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, _HIGH_FD)
    os.close(fd)
    return moved


def _run_child(plan: _ChildSetup, uid: int, work_dir: str) -> None:
    """In the forked child: close the zygote's descriptors, set up, serve; never return."""
    try:
        os.closerange(_child.REPLY_FD + 1, 1 << 20)
        _setup_child(plan, uid, work_dir, {})
    except BaseException:
        os._exit(_child.SETUP_FAILED_EXIT)
    try:
        random.seed(0)  # the at-fork hook reseeded it from urandom; verdicts must not vary
        _child.serve()
    finally:
        os._exit(0)  # never return into the zygote's code


def main(ctl_fd: int) -> None:
    """Entry point of the zygote process; `ctl_fd` is its end of the control socket."""
    ctl = _socket.socket(fileno=_high(ctl_fd))
    os.environ.pop("LD_BIND_NOW", None)  # it served our start (see _zygote_client.ZYGOTE_ENV) only
    try:
        for name in PRELOADED:
            importlib.import_module(name)
        config = json.loads(ctl.recv(1 << 20))
        features: dict[str, str] = {}
        mode = _isolate.enter_namespaces(ctl, config, features)
        if mode != "none":
            pid = os.fork()
            if pid != 0:
                ctl.close()  # only the zygote proper holds the socket: its death is our EOF
                _, status = os.waitpid(pid, 0)
                os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
            _linux.prctl(_linux.PR_SET_PDEATHSIG, signal.SIGKILL)
        _linux.set_name("codeeval-zygote")
        # Started with -S: the standard library only, plus the folders holding the packages
        # the grader lets programs import (in the minimal root, nothing else is in them).
        in_root = features.get("minimal_root", "").startswith("on")
        for package in config.get("packages", ()):
            site = _rootfs.SANDBOX_SITE if in_root else package["site"]
            if site not in sys.path:
                sys.path.append(site)
        _rootfs.describe_packages(config.get("packages", []), features)
        zygote = _Zygote(ctl, config, mode, features)
        try:
            zygote.serve()
        finally:
            zygote.close()
        os._exit(0)
    except BaseException:
        with contextlib.suppress(BaseException):
            import traceback

            ctl.send(b"E" + traceback.format_exc()[-4000:].encode())
        os._exit(1)
