"""Per-job CPU accounting without a cgroup: the child's whole process tree, read from /proc.

Used where no cgroup can be written (see `_cgroup`): the CPU clock of each live or zombie
process of the tree (all its threads) plus what each counts for the children it reaped
(`cutime` + `cstime`). In a PID namespace orphans are re-parented to the child (PID 1 there),
so the tree holds every process of the job; the sandbox refuses to change SIGCHLD's
disposition, since a child reaped by the kernel on its own (SIG_IGN, SA_NOCLDWAIT) would take
its CPU with it.
"""

from __future__ import annotations

import contextlib
import os
import time

from codeeval.sandbox._linux import process_cpu_clock

_CLK_TCK = os.sysconf("SC_CLK_TCK")


class ProcessTree:
    """The CPU of a child's whole process tree, read from /proc (no cgroup needed).

    Top down: each process's own clock and what it counts for the children it reaped, then
    its children. A process reaped or re-parented while the tree is read is missed by that
    reading (never counted twice), so a reading may be a moment late, never too high.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._stat = os.open(f"/proc/{pid}/stat", os.O_RDONLY | os.O_CLOEXEC)
        self._children = os.open(f"/proc/{pid}/task/{pid}/children", os.O_RDONLY | os.O_CLOEXEC)

    def cpu_seconds(self) -> float:
        """CPU seconds of the tree so far.

        Raises:
            OSError: the child itself is gone.
        """
        total = time.clock_gettime(process_cpu_clock(self.pid))
        reaped, threads = _stat_fields(os.pread(self._stat, 1024, 0))
        if threads == 1:
            children = os.pread(self._children, 1 << 16, 0).split()
        else:
            children = _children_of(self.pid, threads)
        pending = [int(child) for child in children]
        while pending:  # no recursion: a chain of processes may be as long as the limit
            pid = pending.pop()
            try:
                own = time.clock_gettime(process_cpu_clock(pid))
                with open(f"/proc/{pid}/stat", "rb") as handle:
                    theirs, threads = _stat_fields(handle.read())
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile: its CPU is now its reaper's, read now or next time
            total += own + theirs
            pending += [int(child) for child in _children_of(pid, threads)]
        return total + reaped

    def close(self) -> None:
        """Release the /proc files."""
        for fd in (self._stat, self._children):
            with contextlib.suppress(OSError):
                os.close(fd)


def _stat_fields(stat: bytes) -> tuple[float, int]:
    """(CPU seconds of the reaped children, number of threads) from /proc/<pid>/stat."""
    fields = stat.rsplit(b")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / _CLK_TCK, int(fields[17])


def _children_of(pid: int, threads: int) -> list[bytes]:
    """The children of every thread of process `pid`."""
    tids = [str(pid)] if threads == 1 else []
    children: list[bytes] = []
    with contextlib.suppress(OSError):
        for tid in tids or os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                children += f.read().split()
    return children
