"""What this host lets the local executor do, as `isolation` reports it.

Whether this process may act as root over the host's user IDs (which decides the isolation
mode: a user ID per job, or one for all), whether the scheduler gives each session a group of
its own (then programs may not start sessions), and how each job is charged its CPU.
"""

from __future__ import annotations

import os
from pathlib import Path

from codeeval.sandbox._cgroup import Cgroups
from codeeval.sandbox._zygote_client import UID_BASE, UID_COUNT, UID_SLOTS


def why_not_host_root() -> str | None:
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


def describe_accounting(cgroups: Cgroups | None, why_not: str) -> str:
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


def autogroups_on() -> bool:
    """Whether the scheduler gives each session a group of its own (CONFIG_SCHED_AUTOGROUP)."""
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False
