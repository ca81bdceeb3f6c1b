"""Worker processes: each worker of the local executor grades in a process of its own.

All workers used to be threads of the grader, sharing its one interpreter lock. A worker
lets go of the lock at every system call that may wait (a dozen per job: waiting for its
child's replies, its zygote's answers, pipes and files), and takes it back a moment later,
often from the other worker, whose thread is pinned to another CPU: every hand-off is a
cross-CPU wake-up, and while the lock's holder is descheduled the other CPU idles. With two
workers that cost a fifth to a quarter of the CPU time of a light job. In a process of its own,
a worker's lock is its own.

The process is forked from the grader when the executor first runs jobs, so it starts with
every module and setting the grader has, without an interpreter start-up. It keeps its own
zygote (and cgroup) on its worker's CPU, takes a job at a time over a pipe, grades it with
`LocalExecutor.run_one` and sends the result back (both trusted: pickles between the
grader's own processes; the program's data in a result is plain decoded data). The parts a
task's jobs share (its tests, cases and timing plan, which may be megabytes) are sent once
per process, then named by a number.

A worker process that dies takes the job in hand with it; the job is graded again in a new
process, and after a second death it is an infrastructure error, never a model's failure.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import pickle
import select
import signal
import threading
import weakref
from collections.abc import Callable
from multiprocessing.connection import Connection, Pipe
from typing import Any, NoReturn

from codeeval.types import ExecJob, ExecResult, Status

_SHARED_FIELDS = ("tests", "cases", "timing")
_MAX_SHARED = 4096  # parts remembered per process before both sides start afresh
_STOP_S = 5.0


# Every worker's end of its pipe lives in the grader; a process forked later inherits them
# all and must close the others', or a worker would never see its input end.
_LIVE: weakref.WeakSet[WorkerProcess] = weakref.WeakSet()
_FORKING = threading.Lock()  # so that no end is between its pipe and its owner when we fork


@dataclasses.dataclass(frozen=True, slots=True)
class _Shared:
    """Stands in a job for a part the worker process was sent before."""

    number: int


class _Process:
    """A forked process, signalled and reaped through its pidfd (never a reused PID), once."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._pidfd = os.pidfd_open(pid)
        self._lock = threading.Lock()
        self._reaped = False

    def signal(self, number: int) -> None:
        with self._lock:
            if not self._reaped:
                with contextlib.suppress(OSError):
                    signal.pidfd_send_signal(self._pidfd, number)

    def reap(self, grace_s: float) -> None:
        """Wait up to `grace_s` for it to exit, kill it if it has not, and reap it."""
        with self._lock:
            if self._reaped:
                return
            if not select.select([self._pidfd], [], [], grace_s)[0]:
                with contextlib.suppress(OSError):
                    signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitid(os.P_PIDFD, self._pidfd, os.WEXITED)
            os.close(self._pidfd)
            self._reaped = True


class WorkerProcess:
    """One worker's process, seen from the grader: `grade(job)` blocks until its result.

    `serve` runs in the forked process: it gets the worker's CPU and must grade one job at
    a time with a single-worker executor of its own (see `LocalExecutor._serve_as_worker`).
    """

    def __init__(self, serve: Callable[[Connection], None]) -> None:
        self._serve = serve
        self._lock = threading.Lock()  # one job at a time
        self._process: _Process | None = None
        self._conn: Connection | None = None
        self._closing = False
        self._sent: dict[int, tuple[int, Any]] = {}  # id(part) -> (number, part kept alive)
        self._numbers = 0
        _LIVE.add(self)

    @property
    def pid(self) -> int:
        """The process's ID (0 when none runs)."""
        process = self._process
        return process.pid if process is not None else 0

    def grade(self, job: ExecJob) -> ExecResult:
        """Grade `job` in the worker process (started, or started again, as needed).

        Raises whatever `LocalExecutor.run_one` raised in the process (a sandbox that
        cannot start), and RuntimeError once the executor is closing.
        """
        with self._lock:
            for _ in range(2):
                if self._closing:
                    raise RuntimeError("the executor is closed")
                try:
                    if self._conn is None:
                        self._start()
                    assert self._conn is not None
                    self._conn.send(self._pack(job))
                    kind, value = self._conn.recv()
                except (EOFError, OSError, pickle.PickleError):
                    if self._closing:
                        raise RuntimeError("the executor is closed") from None
                    self._discard()  # dead or unreadable: the job goes to a new process
                    continue
                if kind == "raised":
                    raise value
                return value  # type: ignore[no-any-return]
        return ExecResult(
            job.id,
            Status.INFRA_ERROR,
            message="its grading worker process died twice while grading it; this says "
            "nothing about the code",
        )

    def stop(self) -> None:
        """End the process (a job in hand ends with it): its zygote and cgroup go too."""
        self._closing = True
        process = self._process
        if process is not None:
            process.signal(signal.SIGTERM)  # it cleans up and exits, idle or busy
            process.reap(_STOP_S)
        with self._lock:  # the job in hand, if any, has now returned or raised
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- the grader's side -----------------------------------------------------------------

    def _start(self) -> None:
        with _FORKING:
            ours, theirs = Pipe()
            pid = os.fork()
            if pid != 0:
                theirs.close()
                self._process, self._conn = _Process(pid), ours
                self._sent.clear()
                return
        _run_worker(self._serve, ours, theirs)

    def _discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.signal(signal.SIGKILL)
            self._process.reap(_STOP_S)
            self._process = None

    def _pack(self, job: ExecJob) -> tuple[ExecJob, dict[int, Any], bool]:
        """The job with its shared parts replaced by numbers, the parts new to the process."""
        reset = len(self._sent) > _MAX_SHARED
        if reset:
            self._sent.clear()
        new: dict[int, Any] = {}
        replaced: dict[str, Any] = {}
        for name in _SHARED_FIELDS:
            part = getattr(job, name)
            if not part:
                continue
            known = self._sent.get(id(part))
            if known is None or known[1] is not part:
                self._numbers += 1
                known = (self._numbers, part)
                self._sent[id(part)] = known
                new[known[0]] = part
            replaced[name] = _Shared(known[0])
        return dataclasses.replace(job, **replaced), new, reset


def _run_worker(
    serve: Callable[[Connection], None], ours: Connection, theirs: Connection
) -> NoReturn:
    """The forked worker process, from the fork to its exit."""
    status = 1
    try:
        ours.close()
        for other in list(_LIVE):
            if other._conn is not None:
                other._conn.close()
        gc.freeze()  # the grader's objects: never collected (nor their pages copied) here
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's to handle
        signal.signal(signal.SIGTERM, _exit_now)  # `stop`: unwind, so that `serve` cleans up
        serve(theirs)
        status = 0
    finally:
        os._exit(status)  # no atexit handler or finalizer of the grader's may run here


def _exit_now(number: int, frame: object) -> None:
    raise SystemExit(0)


def serve_jobs(conn: Connection, grade: Callable[[ExecJob], ExecResult]) -> None:
    """The worker process's loop: a job in, its result (or what `grade` raised) out."""
    parts: dict[int, Any] = {}
    while True:
        try:
            job, new, reset = conn.recv()
        except EOFError:
            return
        if reset:
            parts.clear()
        parts.update(new)
        restored = {
            name: parts[value.number]
            for name in _SHARED_FIELDS
            if isinstance(value := getattr(job, name), _Shared)
        }
        try:
            reply: tuple[str, Any] = ("ok", grade(dataclasses.replace(job, **restored)))
        except Exception as exc:  # the grader re-raises it (SystemExit: `stop`, ends here)
            reply = ("raised", _portable(exc))
        conn.send(reply)


def _portable(exc: BaseException) -> BaseException:
    """`exc` if it survives a pickle round trip, else a RuntimeError saying the same."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
