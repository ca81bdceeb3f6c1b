"""The real local sandbox, counting the jobs it is given (tests assert how many ran)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from codeeval.sandbox.local import LocalExecutor
from codeeval.types import ExecJob, ExecResult


class CountingExecutor:
    """Forwards every job to a shared LocalExecutor; `jobs_run` counts them."""

    def __init__(self, inner: LocalExecutor) -> None:
        self.inner = inner
        self.jobs_run = 0

    def run(self, jobs: Iterable[ExecJob]) -> Iterator[ExecResult]:
        return self.inner.run(self._counted(jobs))

    def _counted(self, jobs: Iterable[ExecJob]) -> Iterator[ExecJob]:
        for job in jobs:
            self.jobs_run += 1
            yield job

    def close(self) -> None:
        """The shared sandbox stays open for the next test."""
