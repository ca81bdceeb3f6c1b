"""The default executor: a warm pool of zygotes forking one namespaced child per job (Linux).

Each worker owns a zygote, a small pre-initialised Python process that set up once the
user, mount, network and IPC namespaces, the read-only view of the host with its secrets
hidden, and the seccomp filter, and then forks a child per job. The child is PID 1 of a PID
namespace of its own, with its own user ID, folder, rlimits and no capabilities, in an
environment built from an allowlist; it runs the program and answers calls. Before it gets
its job it joins its worker's cgroup, so that the job is charged the CPU of every process it
starts (see `_cgroup`). The trusted tests run here, in the caller's process, and decide
every verdict. `docs/sandbox.md` describes the threat model.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import tempfile
import threading
import weakref
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from codeeval.errors import BadConfig
from codeeval.sandbox import _host
from codeeval.sandbox._cgroup import Cgroups, JobCgroup
from codeeval.sandbox._job_grader import GradeOptions, grade_job
from codeeval.sandbox._packages import resolve_packages
from codeeval.sandbox._rootfs import hidden_paths, root_plan
from codeeval.sandbox._runloop import run_jobs
from codeeval.sandbox._worker_process import WorkerProcess, serve_jobs
from codeeval.sandbox._zygote_client import (
    ZYGOTE_ENV,
    SandboxUnavailable,
    ZygoteClient,
    ZygoteLost,
)
from codeeval.types import ExecJob, ExecResult


class LocalExecutor:
    """Grades jobs in namespaced, rlimited, seccomp-filtered children of warm zygotes.

    Args:
        workers: jobs graded at once (default: one per CPU this process may use; each
            worker's thread, zygote and children share one CPU).
        wall_factor: a test may run this many times its time limit in wall-clock time
            (the limit itself is CPU time), for programs that sleep or block.
        timing_repeats: runs of each timing call; the fastest is kept.
        tmp_mb: size of each child's private /tmp.
        network_per_job: a fresh network namespace per child, not one per worker (each
            costs the kernel ~1.5 ms; socket() is denied either way).
        hide_paths: more host paths to hide from the programs.
        packages: installed packages programs may import, by top-level import name
            ("numpy"): each one's folder (and `<name>.libs` beside it) is mounted read-only
            into the sandbox and its site-packages folder put on the child's sys.path.
            Their dependencies are not added: list them too. Everything in those folders
            becomes readable by the programs.
        max_reply_mb: the largest value a program may return, encoded.
        isolation: "auto" (every protection the kernel allows) or "none" (processes and
            rlimits only, for machines without user namespaces).
        cgroups: how each job is charged the CPU of all its processes: "auto" (a cgroup per
            worker, v2 or v1, where this process may make one), "v2", "v1", or "off" (its
            process tree read from /proc). `isolation["cpu_accounting"]` says which.
        processes: `run` grades each worker's jobs in a process of its own, forked from this
            one, instead of a thread (default: when there is more than one worker). Threads
            share this process's interpreter lock, which costs two workers a fifth to a quarter
            of the CPU of a light job (see `_worker_process`). `run_one` always grades in
            the calling thread.
    """

    def __init__(
        self,
        *,
        workers: int | None = None,
        wall_factor: float = 3.0,
        timing_repeats: int = 3,
        tmp_mb: int = 64,
        network_per_job: bool = False,
        hide_paths: Iterable[str] = (),
        max_reply_mb: int = 16,
        isolation: str = "auto",
        packages: Iterable[str] = (),
        cgroups: str = "auto",
        processes: bool | None = None,
    ) -> None:
        if sys.platform != "linux":
            raise BadConfig(
                "--executor local: needs Linux (namespaces, seccomp); use --executor docker"
            )
        if workers is not None and workers < 1:
            raise BadConfig(f"--executor local: workers: must be at least 1, not {workers}")
        if wall_factor < 1 or timing_repeats < 1 or tmp_mb < 1 or max_reply_mb < 1:
            raise BadConfig(
                "--executor local: wall_factor, timing_repeats, tmp_mb and "
                "max_reply_mb must be at least 1"
            )
        if isolation not in ("auto", "none"):
            raise BadConfig(f"--executor local: isolation: 'auto' or 'none', not {isolation!r}")
        if cgroups not in ("auto", "v2", "v1", "off"):
            raise BadConfig(
                f"--executor local: cgroups: 'auto', 'v2', 'v1' or 'off', not {cgroups!r}"
            )
        if processes not in (None, True, False):
            raise BadConfig(f"--executor local: processes: true or false, not {processes!r}")
        self.workers = workers or len(os.sched_getaffinity(0))
        self.options = GradeOptions(
            wall_factor=wall_factor,
            timing_repeats=timing_repeats,
            max_reply_bytes=max_reply_mb << 20,
        )
        self.packages = resolve_packages(packages)
        hide, keep = hidden_paths(hide_paths, self.packages)
        not_root = _host.why_not_host_root()
        if isolation == "none":
            mode, self._mode = "none", "none: asked for (isolation='none')"
        elif not_root is None:
            mode, self._mode = "root", "root: a user ID of its own per job"
        else:
            mode, self._mode = "user", f"user: one user ID for all jobs ({not_root})"
        self._cgroups, cgroup_report = None, "not asked for (cgroups='off')"
        if cgroups != "off":
            self._cgroups, cgroup_report = Cgroups.open(self.workers, cgroups)
        if self._cgroups is not None:  # removed with the executor, or at exit at the latest
            weakref.finalize(self, self._cgroups.close)
        self._accounting = _host.describe_accounting(self._cgroups, cgroup_report)
        weighted = self._cgroups is not None and self._cgroups.weighted
        self._config: dict[str, Any] = {
            "mode": mode,
            "host_root": not_root is None,
            "accounting": {
                "keep_children_accountable": self._cgroups is None,
                "no_sessions": not weighted and _host.autogroups_on(),
            },
            "hide": hide,
            "keep": keep,
            "tmp_mb": tmp_mb,
            "net_per_job": network_per_job,
            "env": ZYGOTE_ENV,
            "root": root_plan(hide, self.packages),
            "packages": self.packages,
            "host_tmp": tempfile.gettempdir(),
        }
        self._cpus = sorted(os.sched_getaffinity(0))
        self._features: dict[str, str] | None = None
        self._use_processes = self.workers > 1 if processes is None else processes
        self._empty_pool()

    def _empty_pool(self) -> None:
        """No zygote and no worker process yet: a new executor's, or a forked copy's."""
        self._idle: list[ZygoteClient] = []  # the most recently used last
        self._clients: list[ZygoteClient] = []
        self._starting = 0
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._closed = False
        self._processes: list[WorkerProcess] = []

    # -- zygotes -------------------------------------------------------------------------

    def _acquire(self, cpu: int | None = None) -> ZygoteClient:
        """An idle zygote, pinned to `cpu` if one is (else started there, or any idle one)."""
        with self._changed:
            while True:
                if self._closed:
                    raise RuntimeError("the executor is closed")
                mine = [c for c in self._idle if cpu is None or c.cpu == cpu]
                if mine:
                    self._idle.remove(mine[-1])
                    return mine[-1]
                if len(self._clients) + self._starting < self.workers:
                    break
                if self._idle:
                    return self._idle.pop()
                self._changed.wait()
            if cpu is None:
                cpu = self._cpus[(len(self._clients) + self._starting) % len(self._cpus)]
            self._starting += 1
        return self._start(cpu)

    def _start(self, cpu: int | None) -> ZygoteClient:
        """Start a zygote (the caller counted it in `_starting`) and register it.

        Runs outside the lock, so that zygotes start side by side. Should a zygote fail to
        start in root mode, the executor falls back to user mode for good.
        """
        cgroup = None
        try:
            if self._cgroups is not None:
                try:
                    cgroup = self._cgroups.job_cgroup()
                except OSError as exc:
                    raise SandboxUnavailable(f"cannot create a worker's cgroup: {exc}") from None
            try:
                client = ZygoteClient(self._config, self.options.keep_output_bytes, cpu, cgroup)
            except SandboxUnavailable as exc:
                if self._config["mode"] != "root":
                    raise
                config = {**self._config, "mode": "user"}
                client = ZygoteClient(config, self.options.keep_output_bytes, cpu, cgroup)
                why = (str(exc).strip().splitlines() or ["?"])[-1]
                self._config = config
                self._mode = f"user: one user ID for all jobs (root mode failed: {why})"
        except BaseException:
            self._release_cgroup(cgroup)
            raise
        finally:
            with self._changed:
                self._starting -= 1
                self._changed.notify_all()
        with self._changed:
            if not self._closed:
                self._clients.append(client)
                return client
        self._close_client(client)
        raise RuntimeError("the executor is closed")

    def _close_client(self, client: ZygoteClient) -> None:
        client.close()
        self._release_cgroup(client.cgroup)

    def _release_cgroup(self, cgroup: JobCgroup | None) -> None:
        if cgroup is not None and self._cgroups is not None:
            self._cgroups.release(cgroup)

    def _release(self, client: ZygoteClient) -> None:
        with self._changed:
            if client in self._clients:
                self._idle.append(client)
                self._changed.notify()

    def _replace(self, client: ZygoteClient) -> ZygoteClient:
        with self._changed:
            if client in self._clients:
                self._clients.remove(client)
            self._starting += 1
        self._close_client(client)
        return self._start(client.cpu)

    @property
    def isolation(self) -> dict[str, str]:
        """Each protection ("on ..." or "off: why"), as the kernel allowed it on this machine.

        Starts a zygote if none runs yet.
        """
        if self._features is None:
            client = self._acquire()
            self._features = {
                "mode": self._mode,
                **client.features,
                "cpu_accounting": self._accounting,
            }
            self._release(client)
        return dict(self._features)

    def run_one(self, job: ExecJob, cpu: int | None = None) -> ExecResult:
        """Grade one job in the calling thread (with a zygote pinned to `cpu`, if given)."""
        client = self._acquire(cpu)
        try:
            try:
                return grade_job(job, client.take, self.options)
            except ZygoteLost:
                client = self._replace(client)
                try:
                    return grade_job(job, client.take, self.options)
                except ZygoteLost as exc:
                    raise RuntimeError(f"the sandbox keeps failing: {exc}") from None
        finally:
            self._release(client)

    # -- the Executor protocol -----------------------------------------------------------

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        """Grade `jobs` on up to `workers` threads; yield one result per job as each completes.

        The iterable is consumed lazily (and from worker threads, one at a time).
        """
        cpus = [self._cpus[i % len(self._cpus)] for i in range(self.workers)]
        if self._use_processes:
            pool = self._worker_processes(cpus)
            return run_jobs(jobs, lambda job, worker: pool[worker].grade(job), self.workers)

        def pin(worker: int) -> None:
            try:
                # This thread and its zygote (hence the children) share one CPU: the many
                # small exchanges between them then never wake another CPU.
                os.sched_setaffinity(0, {cpus[worker]})
            except OSError:
                pass

        return run_jobs(
            jobs, lambda job, worker: self.run_one(job, cpus[worker]), self.workers, prepare=pin
        )

    def _worker_processes(self, cpus: list[int]) -> list[WorkerProcess]:
        """One `WorkerProcess` per worker (each forks its process when it first grades)."""
        with self._changed:
            if self._closed:
                raise RuntimeError("the executor is closed")
            if not self._processes:
                self._processes = [
                    WorkerProcess(functools.partial(self._serve_as_worker, cpu)) for cpu in cpus
                ]
            return list(self._processes)

    def _serve_as_worker(self, cpu: int, conn: Connection) -> None:
        """In a forked worker process: grade the jobs `conn` brings, on `cpu`, then clean up.

        The executor here is this process's copy of the grader's: it forgets the grader's
        zygotes (they are not its to close) and starts its own, one, on `cpu`.
        """
        self._empty_pool()
        self._use_processes, self.workers = False, 1
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {cpu})
        try:
            serve_jobs(conn, lambda job: self.run_one(job, cpu))
        finally:
            self.close()

    def close(self) -> None:
        """Stop every worker process and zygote; their children die with them."""
        with self._changed:
            self._closed = True
            clients, self._clients, self._idle = self._clients, [], []
            processes, self._processes = self._processes, []
            self._changed.notify_all()
        for process in processes:
            process.stop()
        for client in clients:
            self._close_client(client)
        if self._cgroups is not None:
            self._cgroups.close()

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


EXECUTOR = LocalExecutor
