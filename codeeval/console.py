"""Terminal output for the CLI: the rich comparison table and the run's progress bar."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from codeeval.report import ReportData, table_rows
from codeeval.store import RunSummary
from codeeval.types import SampleKey, Status


def comparison_table(data: ReportData) -> Table:
    """The per-model comparison table, as printed after every run."""
    rows = table_rows(data)
    table = Table(title=f"codeeval run {data.run.id}", title_justify="left")
    for index, column in enumerate(rows[0] if rows else ["model"]):
        table.add_column(column, justify="left" if index == 0 else "right", no_wrap=index == 0)
    for row in rows:
        table.add_row(*row.values())
    return table


def runs_table(summaries: Sequence[RunSummary]) -> Table:
    """`codeeval runs` as a table."""
    table = Table(title="runs", title_justify="left")
    for column in ("id", "created", "status", "models", "tasks", "samples", "graded"):
        table.add_column(column)
    for run in summaries:
        tasks = ", ".join(run.tasks[:3]) + (
            f" (+{len(run.tasks) - 3})" if len(run.tasks) > 3 else ""
        )
        table.add_row(
            str(run.id),
            run.created_at,
            run.status,
            ", ".join(run.models),
            tasks,
            str(run.samples),
            str(run.graded),
        )
    return table


class ProgressListener:
    """Draws generation and grading progress on stderr while a run goes on."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.run_id: int | None = None
        self._lock = threading.Lock()
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._generate = self._progress.add_task("generate", total=None, visible=False)
        self._grade = self._progress.add_task("grade", total=None, visible=False)
        self.failed: dict[str, int] = {}

    def __enter__(self) -> ProgressListener:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def started(self, run_id: int) -> None:
        """Remember the run id, for the resume hint on Ctrl-C."""
        self.run_id = run_id

    def stage(self, message: str) -> None:
        """Show a new phase."""
        self.console.print(f"{message}…", style="dim", markup=False, highlight=False)

    def warn(self, message: str) -> None:
        """Show a warning line."""
        self.console.print(f"warning: {message}", style="yellow", markup=False)

    def planned(self, to_generate: int, to_grade: int) -> None:
        """Size the bars."""
        self._progress.update(self._generate, total=to_generate, visible=to_generate > 0)
        self._progress.update(self._grade, total=to_grade, visible=True)

    def generated(self, key: SampleKey, source: str) -> None:
        """Advance the generation bar (stored answers are not generated again)."""
        if source != "stored":
            with self._lock:
                self._progress.advance(self._generate)
        if source == "error":
            with self._lock:
                self.failed[key.model] = self.failed.get(key.model, 0) + 1

    def graded(self, key: SampleKey, status: Status) -> None:
        """Advance the grading bar."""
        with self._lock:
            self._progress.advance(self._grade)
