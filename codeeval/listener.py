"""RunListener: what a run tells about its progress, to the CLI's bars or a library's code."""

from __future__ import annotations

from codeeval.types import SampleKey, Status


class RunListener:
    """Receives a run's progress; every method does nothing here.

    Subclass it and override what you need (the CLI draws progress bars, tests record the
    calls). The runner calls it from several threads; a method must return quickly and must
    not raise.
    """

    def started(self, run_id: int) -> None:
        """The run has its id (a new run, or the one being resumed)."""

    def stage(self, message: str) -> None:
        """A new phase of the run started."""

    def warn(self, message: str) -> None:
        """Something the user should know, which does not stop the run."""

    def planned(self, to_generate: int, to_grade: int) -> None:
        """How many generations and gradings this run will do."""

    def generated(self, key: SampleKey, source: str) -> None:
        """A generation is ready; source is api, cache, stored or error."""

    def graded(self, key: SampleKey, status: Status) -> None:
        """A sample has its verdict."""


class ForwardingListener(RunListener):
    """Passes every call on to `listener`; subclass it to also keep something of the run."""

    def __init__(self, listener: RunListener) -> None:
        self.listener = listener

    def started(self, run_id: int) -> None:
        """Forwarded."""
        self.listener.started(run_id)

    def stage(self, message: str) -> None:
        """Forwarded."""
        self.listener.stage(message)

    def warn(self, message: str) -> None:
        """Forwarded."""
        self.listener.warn(message)

    def planned(self, to_generate: int, to_grade: int) -> None:
        """Forwarded."""
        self.listener.planned(to_generate, to_grade)

    def generated(self, key: SampleKey, source: str) -> None:
        """Forwarded."""
        self.listener.generated(key, source)

    def graded(self, key: SampleKey, status: Status) -> None:
        """Forwarded."""
        self.listener.graded(key, status)
