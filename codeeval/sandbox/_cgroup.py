"""Per-job CPU accounting on the trusted side: a job is charged every process it starts.

A cgroup per worker (`JobCgroup`), reused job after job: before a child receives its job,
the trusted side writes its host PID into the cgroup, and everything it forks afterwards
starts there (grandchildren, setsid'd daemons: nothing in the sandbox can leave it; the
sandbox has no /sys and no rights over the files). The job's CPU is then the cgroup's usage
counter, its processes share one scheduler weight (thirty busy processes weigh what one
does) and their number is capped. `Cgroups.open` finds what this machine allows: cgroup v2
(cpu.stat; cpu.weight and pids.max where those controllers can be enabled), or v1
(cpuacct.usage; cpu.shares and pids.max where those hierarchies are mounted), in the
grader's own cgroup, which needs root or a delegated cgroup.

Where no cgroup can be written, the job's process tree is read from /proc instead (see
`_process_tree`).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import signal
import time
from pathlib import Path

_PREFIX = "codeeval-"
_SWEEP_S = 2.0
_V1_NS_PER_S = 1e9
_V2_US_PER_S = 1e6
_names = itertools.count()


def _unescape(field: str) -> str:
    """A mountinfo path as it is (mountinfo writes space, tab, newline, backslash as octal)."""
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match.group(1), 8)), field)


def _mounts() -> tuple[str | None, dict[str, str]]:
    """The cgroup2 mount, and each v1 controller's mount (only those mounted at their root)."""
    v2: str | None = None
    v1: dict[str, str] = {}
    try:
        lines = Path("/proc/self/mountinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None, {}
    for line in lines:
        fields = line.split()
        if "-" not in fields:
            continue
        dash = fields.index("-")
        kind, options = fields[dash + 1], fields[dash + 3].split(",")
        root, point = fields[3], _unescape(fields[4])
        if root != "/":  # a subtree bound elsewhere (some containers): paths would not match
            continue
        if kind == "cgroup2" and v2 is None:
            v2 = point
        elif kind == "cgroup":
            for controller in ("cpuacct", "cpu", "pids"):
                if controller in options and controller not in v1:
                    v1[controller] = point
    return v2, v1


def _own_paths() -> dict[str, str]:
    """The grader's cgroup path in each hierarchy: keyed "" for v2, by controller for v1."""
    paths: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text(encoding="utf-8").splitlines():
            _, controllers, path = line.split(":", 2)
            for name in controllers.split(",") if controllers else [""]:
                paths[name] = path
    return paths


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _remove_stale(parent: str) -> None:
    """Remove folders earlier graders left (their process is gone; rmdir refuses a used one)."""
    with contextlib.suppress(OSError), os.scandir(parent) as entries:
        for entry in entries:
            owner = entry.name[len(_PREFIX) :].split("-", 1)[0]
            if not entry.name.startswith(_PREFIX) or not owner.isdigit():
                continue
            if int(owner) == os.getpid() or Path(f"/proc/{owner}").exists():
                continue
            with contextlib.suppress(OSError), os.scandir(entry.path) as workers:
                for worker in workers:
                    if worker.is_dir(follow_symlinks=False):
                        with contextlib.suppress(OSError):
                            os.rmdir(worker.path)
            with contextlib.suppress(OSError):
                os.rmdir(entry.path)


class JobCgroup:
    """One worker's cgroup, that each of its jobs' processes join (one job at a time).

    `dirs` holds its folder in each hierarchy used; the first one counts the CPU.
    """

    def __init__(self, version: int, dirs: list[str], usage: str, pids: str | None) -> None:
        self.version, self.dirs = version, dirs
        self._fds: list[int] = []
        self._procs = [self._open(f"{d}/cgroup.procs", os.O_WRONLY) for d in dirs]
        self._usage = self._open(usage, os.O_RDONLY)
        self._members = self._open(f"{dirs[0]}/cgroup.procs", os.O_RDONLY)
        self._pids = pids
        self._pids_max = -1

    def _open(self, path: str, flags: int) -> int:
        fd = os.open(path, flags | os.O_CLOEXEC)
        self._fds.append(fd)
        return fd

    def usage_s(self) -> float:
        """CPU seconds of every process that was ever in the cgroup (a running counter)."""
        data = os.pread(self._usage, 256, 0)
        if self.version == 1:
            return int(data) / _V1_NS_PER_S
        return int(data.split(None, 2)[1]) / _V2_US_PER_S  # "usage_usec N\n..."

    def admit(self, pid: int) -> float:
        """Move process `pid` (waiting for its job: it has started nothing) into the cgroup.

        Whatever an earlier job left in it is killed first. Returns the usage counter then.

        Raises:
            OSError: the kernel refused the move.
        """
        if os.pread(self._members, 64, 0):
            self.sweep()
        for fd in self._procs:
            os.write(fd, b"%d" % pid)
        return self.usage_s()

    def cap_processes(self, processes: int) -> None:
        """At most `processes` processes and threads in the cgroup at once (where counted)."""
        if self._pids is None or processes == self._pids_max:
            return
        try:
            _write(self._pids, str(processes))
            self._pids_max = processes
        except OSError:
            self._pids = None

    def _member_pids(self) -> list[int]:
        return [int(p) for p in os.pread(self._members, 1 << 20, 0).split()]

    def sweep(self) -> bool:
        """Kill every process in the cgroup and wait until it is empty; False if it is not."""
        deadline = time.monotonic() + _SWEEP_S
        while members := self._member_pids():
            if time.monotonic() > deadline:
                return False
            if not (self.version == 2 and self._kill_all()):
                self._kill(members)
            time.sleep(0.002)
        return True

    def _kill_all(self) -> bool:
        """Kill the cgroup's processes at once (cgroup v2, Linux 5.14+); False if refused."""
        try:
            _write(f"{self.dirs[0]}/cgroup.kill", "1")
        except OSError:
            return False
        return True

    def _kill(self, members: list[int]) -> None:
        """SIGKILL each of `members` still in the cgroup once a pidfd holds it.

        The second look after pidfd_open makes sure no PID reused by another process is hit.
        """
        handles = {}
        for pid in members:
            with contextlib.suppress(OSError):
                handles[pid] = os.pidfd_open(pid)
        still = set(self._member_pids())
        for pid, handle in handles.items():
            with contextlib.suppress(OSError):
                if pid in still:
                    signal.pidfd_send_signal(handle, signal.SIGKILL)
            os.close(handle)

    def remove(self) -> None:
        """Empty the cgroup and remove its folders."""
        with contextlib.suppress(OSError):
            self.sweep()
        for fd in self._fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        for folder in self.dirs:
            with contextlib.suppress(OSError):
                os.rmdir(folder)


class Cgroups:
    """The executor's folder in each cgroup hierarchy used, a `JobCgroup` per worker below.

    `bases` maps each role ("usage", and "cpu" and "pids" where there are) to its folder;
    co-mounted v1 controllers share one.
    """

    def __init__(self, version: int, bases: dict[str, str], description: str) -> None:
        self.version, self.bases, self.description = version, bases, description
        self.weighted = "cpu" in bases
        self._workers = itertools.count()
        self._jobs: list[JobCgroup] = []
        self._owner = os.getpid()

    @classmethod
    def open(cls, workers: int, want: str = "auto") -> tuple[Cgroups | None, str]:
        """The best cgroups this machine lets this process make (`want`: auto, v1 or v2).

        v2 unless it lacks the cpu controller and v1 has it. Returns them and their
        description, or None and why there are none.
        """
        v2_mount, v1_mounts = _mounts()
        own = _own_paths()
        reasons: list[str] = []
        found: list[Cgroups] = []
        for version, opener in ((2, _open_v2), (1, _open_v1)):
            if want not in ("auto", f"v{version}") or (found and found[0].weighted):
                continue
            made = opener(v2_mount, v1_mounts, own, workers)
            if isinstance(made, str):
                reasons.append(made)
            elif found and not made.weighted:
                made.close()
            else:
                found.insert(0, made)
        if not found:
            return None, "; ".join(reasons)
        chosen, *others = found
        for other in others:
            other.close()
        return chosen, chosen.description

    def job_cgroup(self) -> JobCgroup:
        """A new worker's cgroup.

        Raises:
            OSError: the kernel refused to make it.
        """
        name = f"w{next(self._workers)}"
        if os.getpid() != self._owner:  # a worker process's: the grader's counter is copied
            name = f"p{os.getpid()}{name}"
        dirs: list[str] = []
        try:
            for base in dict.fromkeys(self.bases.values()):  # "usage" first
                os.mkdir(f"{base}/{name}", 0o755)
                dirs.append(f"{base}/{name}")
            usage = f"{dirs[0]}/{'cpuacct.usage' if self.version == 1 else 'cpu.stat'}"
            pids = f"{self.bases['pids']}/{name}/pids.max" if "pids" in self.bases else None
            job = JobCgroup(self.version, dirs, usage, pids)
        except OSError:
            for folder in dirs:
                with contextlib.suppress(OSError):
                    os.rmdir(folder)
            raise
        self._jobs.append(job)
        return job

    def release(self, job: JobCgroup) -> None:
        """Remove a worker's cgroup (its zygote is gone)."""
        if job in self._jobs:
            self._jobs.remove(job)
        job.remove()

    def close(self) -> None:
        """Remove every worker's cgroup and the executor's folders (in the grader only)."""
        if os.getpid() != self._owner:  # a forked copy of the grader must leave them be
            return
        for job in list(self._jobs):
            self.release(job)
        for base in dict.fromkeys(self.bases.values()):
            with contextlib.suppress(OSError):
                os.rmdir(base)


def _make_base(parent: str) -> str:
    _remove_stale(parent)
    base = f"{parent}/{_PREFIX}{os.getpid()}-{next(_names)}"
    os.mkdir(base, 0o755)
    return base


def _open_v2(
    mount: str | None, _: dict[str, str], own: dict[str, str], workers: int
) -> Cgroups | str:
    if mount is None or "" not in own:
        return "no cgroup v2 hierarchy is mounted"
    parent = os.path.normpath(f"{mount}/{own['']}")
    try:
        base = _make_base(parent)
    except OSError as exc:
        return f"cgroup v2: cannot create a cgroup in {parent} ({exc.strerror})"
    if not os.path.exists(f"{base}/cpu.stat"):
        os.rmdir(base)
        return "cgroup v2: no cpu.stat (Linux older than 4.15)"
    available = Path(f"{base}/cgroup.controllers").read_text(encoding="ascii").split()
    bases, used = {"usage": base}, ["cpu.stat"]
    for controller, file in (("cpu", "cpu.weight"), ("pids", "pids.max")):
        if controller in available:
            with contextlib.suppress(OSError):
                _write(f"{base}/cgroup.subtree_control", f"+{controller}")
                bases[controller], used = base, [*used, file]
    if "cpu" in bases:  # the workers together weigh what their zygotes would
        with contextlib.suppress(OSError):
            _write(f"{base}/cpu.weight", str(min(10_000, 100 * workers)))
    return Cgroups(2, bases, f"cgroup v2 ({', '.join(used)}) in {base}")


def _open_v1(
    _: str | None, mounts: dict[str, str], own: dict[str, str], workers: int
) -> Cgroups | str:
    if "cpuacct" not in mounts or "cpuacct" not in own:
        return "cgroup v1: no cpuacct hierarchy is mounted"
    made: dict[str, str] = {}  # mount point -> our folder there
    bases: dict[str, str] = {}
    for role, controller in (("usage", "cpuacct"), ("cpu", "cpu"), ("pids", "pids")):
        if controller not in mounts or controller not in own:
            continue
        point = mounts[controller]
        if point not in made:
            parent = os.path.normpath(f"{point}/{own[controller]}")
            try:
                made[point] = _make_base(parent)
            except OSError as exc:
                if role == "usage":
                    return f"cgroup v1: cannot create a cgroup in {parent} ({exc.strerror})"
                continue
        bases[role] = made[point]
    if "cpu" in bases:
        with contextlib.suppress(OSError):
            _write(f"{bases['cpu']}/cpu.shares", str(1024 * workers))
    used = ["cpuacct" if role == "usage" else role for role in bases]
    return Cgroups(1, bases, f"cgroup v1 ({', '.join(used)}) in {bases['usage']}")
