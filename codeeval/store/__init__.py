"""The Store interface and the records it keeps: runs, task calibrations, generations, results.

Every number in a report can be rebuilt from what the store holds: the run's definition (never a
key), each task's content hash, the prompt, raw response, extracted code, per-test results and
the machine fingerprint. The default implementation is `codeeval.store.sql.SqlStore`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from codeeval.errors import OutputNotWritable, os_error_reason
from codeeval.types import RunSpec, SampleKey, SampleResult


@dataclass(frozen=True, slots=True)
class GenerationRecord:
    """One provider answer (or failure) as stored; the response cache reuses these."""

    prompt: str
    text: str | None
    code: str | None = None
    extract_method: str = ""
    raw: Mapping[str, Any] | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    finish_reason: str | None = None
    latency_s: float | None = None
    first_token_s: float | None = None
    served_model: str | None = None
    peak_memory_mb: float | None = None
    cost_usd: float | None = None
    attempts: int = 1
    error: str | None = None
    cache_key: str | None = None
    cached_from_run: int | None = None


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """A task as it was graded in one run: its hash and the calibration of its time limit."""

    task_id: str
    content_hash: str
    time_limit_s: float | None
    reference_ok: bool
    problem: str = ""
    optimal_complexity: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SampleRow:
    """A sample with its generation and, once graded, its result."""

    key: SampleKey
    generation: GenerationRecord | None
    result: SampleResult | None


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One line of `codeeval runs`."""

    id: int
    created_at: str
    finished_at: str | None
    status: str
    models: tuple[str, ...]
    tasks: tuple[str, ...]
    samples: int
    graded: int


@dataclass(frozen=True, slots=True)
class NightVerdict:
    """A nightly's verdict on one of its runs, as stored.

    `baseline_run` is the run it was compared with (None: no earlier good night, or a
    verdict stored before codeeval kept it), `baseline_reason` why that one ("last good
    night", "pinned as 'prod'"), and `problems` every reason it is red, each a mapping with
    kind, model, task_id and message.
    """

    run_id: int
    matrix: str
    red: bool
    summary: str
    created_at: str
    baseline_run: int | None = None
    baseline_reason: str = ""
    problems: tuple[Mapping[str, str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class NamedBaseline:
    """A run pinned by name (`codeeval baseline set prod 42`)."""

    name: str
    run_id: int
    created_at: str


@dataclass(frozen=True, slots=True)
class RunRecord:
    """Everything stored about one run."""

    summary: RunSummary
    spec: RunSpec
    tasks: Mapping[str, TaskRecord]
    samples: Sequence[SampleRow] = field(default_factory=tuple)


class Store(Protocol):
    """Keeps runs durable: each write is committed before the next step of the run."""

    def start_run(self, spec: RunSpec) -> int:
        """Record a new run and return its id."""
        ...

    def reopen_run(self, run_id: int) -> None:
        """Mark an interrupted run as running again (resume)."""
        ...

    def save_task(self, run_id: int, task: TaskRecord) -> None:
        """Record a task's hash and calibration for a run (replacing an earlier record)."""
        ...

    def completed(self, run_id: int) -> set[SampleKey]:
        """Samples of the run that have a stored result."""
        ...

    def generations(self, run_id: int) -> dict[SampleKey, GenerationRecord]:
        """Generations already stored for the run (the resume path reuses them)."""
        ...

    def cached_generation(self, cache_key: str) -> tuple[int, GenerationRecord] | None:
        """A successful generation with this cache key from any run, with its run id."""
        ...

    def save_generation(self, run_id: int, key: SampleKey, generation: GenerationRecord) -> None:
        """Store a generation (committed at once: a crash never pays for it twice)."""
        ...

    def save_result(self, run_id: int, result: SampleResult) -> None:
        """Store a graded sample."""
        ...

    def finish_run(self, run_id: int, status: str) -> None:
        """Mark the run finished (or interrupted, failed)."""
        ...

    def runs(self, limit: int = 20) -> list[RunSummary]:
        """The most recent runs, newest first."""
        ...

    def latest_comparable_run(self, run_id: int) -> RunSummary | None:
        """The newest finished run before `run_id` sharing a model and a task with it.

        What `--baseline latest` compares with; None when there is none.
        """
        ...

    def save_verdict(
        self,
        run_id: int,
        matrix: str,
        red: bool,
        summary: str,
        *,
        baseline_run: int | None = None,
        baseline_reason: str = "",
        problems: Sequence[Mapping[str, str | None]] = (),
    ) -> None:
        """Record a nightly's verdict on its run (replacing an earlier one for that run)."""
        ...

    def verdict(self, run_id: int) -> NightVerdict | None:
        """The nightly verdict stored for a run; None when no nightly judged it."""
        ...

    def last_good_run(self, matrix: str, before: int) -> RunSummary | None:
        """The newest finished run before `before` whose nightly `matrix` judged it not red."""
        ...

    def pin_baseline(self, name: str, run_id: int) -> None:
        """Pin run `run_id` under `name` (replacing what the name pinned before)."""
        ...

    def named_baseline(self, name: str) -> NamedBaseline | None:
        """The run pinned under `name`, or None."""
        ...

    def named_baselines(self) -> list[NamedBaseline]:
        """Every pinned baseline, by name."""
        ...

    def delete_baseline(self, name: str) -> bool:
        """Forget a pinned baseline; False when no baseline had that name."""
        ...

    def run_summary(self, run_id: int) -> RunSummary:
        """One run's line of `codeeval runs`; raises RunNotFound when there is no such run."""
        ...

    def load_run(self, run_id: int) -> RunRecord:
        """Everything stored about a run; raises RunNotFound when there is no such run."""
        ...

    def close(self) -> None:
        """Release the database connection."""
        ...


def open_store(db: str, *, create: bool = True) -> Store:
    """The results database `db` (a file path or SQLAlchemy URL), as a `SqlStore`.

    Args:
        db: Where the results are.
        create: Make the database and its tables when missing; without it (commands that
            only read), a database that does not exist is refused and left as it was.

    Raises:
        OutputNotWritable: the folder for a new database file cannot be made.
        StoreError: the database cannot be opened, or (without `create`) does not exist.
        MissingDependency: the URL's driver is not installed.
    """
    from codeeval.store.sql import SqlStore
    from codeeval.store.urls import masked

    try:
        return SqlStore(db, create=create)
    except OSError as exc:  # e.g. a parent that is a file, or a folder that cannot be made
        raise OutputNotWritable(
            f"--db {masked(db)}: cannot create {exc.filename or db}: {os_error_reason(exc)}; "
            "pass --db a file in a writable folder"
        ) from None
