"""Which process owns a running run: tells a run still going from one whose process died.

A run records `"<host id>:<pid>"` when it starts or resumes. On the same machine the process
can then be looked up; on another machine nothing can be said, and the run is taken at its
word.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform


@functools.cache
def host_id() -> str:
    """A stable id of this machine that does not reveal its name."""
    return hashlib.sha256(platform.node().encode()).hexdigest()[:12]


def this_process() -> str:
    """The owner string of the calling process."""
    return f"{host_id()}:{os.getpid()}"


def _local_pid(owner: str | None) -> int | None:
    """The owner's PID when it ran on this machine; None otherwise (or unparsable)."""
    host, _, pid = (owner or "").rpartition(":")
    if host != host_id() or not pid.isdigit():
        return None
    return int(pid)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def is_gone(owner: str | None) -> bool:
    """True when the owner ran on this machine and its process no longer exists."""
    pid = _local_pid(owner)
    return pid is not None and not _exists(pid)


def other_live_process(owner: str | None) -> int | None:
    """The owner's PID when it is another process that is still alive on this machine."""
    pid = _local_pid(owner)
    if pid is None or pid == os.getpid() or not _exists(pid):
        return None
    return pid
