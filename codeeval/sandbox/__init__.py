"""The Executor interface: runs untrusted programs and returns one verdict per job.

Implementations live beside this file (`local.py`, `docker.py`, `ray.py`); modules whose names
start with `_` are their helpers. An executor never lets the program decide its own verdict:
the program only hands back plain data (return values, exceptions), and the trusted side runs
every comparison.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, runtime_checkable

from codeeval.types import ExecJob, ExecResult


@runtime_checkable
class Executor(Protocol):
    """Grades jobs; yields exactly one ExecResult per job, in completion order."""

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        """Grade `jobs`, consuming the iterable lazily, and yield results as they complete."""
        ...

    def close(self) -> None:
        """Stop worker processes and remove temporary files."""
        ...
